#include "literal_matcher.hpp"

#include <deque>

#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {

int LiteralMatcher::add(std::string_view literal) {
  std::string key(literal);
  for (char& c : key) c = ascii_lower(c);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const int id = static_cast<int>(literals_.size());
  literals_.push_back(key);
  ids_.emplace(std::move(key), id);
  built_ = false;
  return id;
}

void LiteralMatcher::build() {
  // Byte classes: one per distinct (folded) byte used by a literal, class 0 for all others.
  for (auto& c : class_of_) c = 0;
  classes_ = 1;
  for (const auto& lit : literals_) {
    for (unsigned char b : lit) {
      if (class_of_[b] == 0 && classes_ < 255) class_of_[b] = static_cast<std::uint8_t>(classes_++);
    }
  }
  // Upper-case ASCII letters fold to their lower-case class.
  for (int b = 'A'; b <= 'Z'; ++b) class_of_[b] = class_of_[b + 32];
  // Trie.
  std::vector<std::int32_t> trie(classes_, -1);
  std::vector<std::int32_t> out(1, -1);
  for (std::size_t id = 0; id < literals_.size(); ++id) {
    std::int32_t s = 0;
    for (unsigned char b : literals_[id]) {
      const std::size_t slot = static_cast<std::size_t>(s) * classes_ + class_of_[b];
      if (trie[slot] < 0) {
        trie[slot] = static_cast<std::int32_t>(out.size());
        out.push_back(-1);
        trie.resize(out.size() * classes_, -1);
      }
      s = trie[static_cast<std::size_t>(s) * classes_ + class_of_[b]];
    }
    out[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(id);
  }
  const std::size_t states = out.size();
  std::vector<std::int32_t> fail(states, 0);
  dict_.assign(states, -1);
  delta_ = trie;
  std::deque<std::int32_t> queue;
  for (std::size_t c = 0; c < classes_; ++c) {
    if (delta_[c] < 0) {
      delta_[c] = 0;
    } else {
      fail[static_cast<std::size_t>(delta_[c])] = 0;
      queue.push_back(delta_[c]);
    }
  }
  while (!queue.empty()) {
    const std::int32_t s = queue.front();
    queue.pop_front();
    const std::int32_t f = fail[static_cast<std::size_t>(s)];
    dict_[static_cast<std::size_t>(s)] = out[static_cast<std::size_t>(f)] >= 0 ? f : dict_[static_cast<std::size_t>(f)];
    for (std::size_t c = 0; c < classes_; ++c) {
      std::int32_t& next = delta_[static_cast<std::size_t>(s) * classes_ + c];
      if (next < 0) {
        next = delta_[static_cast<std::size_t>(f) * classes_ + c];
      } else {
        fail[static_cast<std::size_t>(next)] = delta_[static_cast<std::size_t>(f) * classes_ + c];
        queue.push_back(next);
      }
    }
  }
  output_ = std::move(out);
  step_.resize(delta_.size());
  for (std::size_t i = 0; i < delta_.size(); ++i) {
    const auto t = static_cast<std::size_t>(delta_[i]);
    const bool reports = output_[t] >= 0 || dict_[t] >= 0;
    step_[i] = static_cast<std::uint32_t>((t * classes_) << 1) | (reports ? 1u : 0u);
  }
  built_ = true;
}

void LiteralMatcher::scan(std::string_view text, Hits& hits) const {
  if (literals_.empty()) return;
  const std::uint32_t* step = step_.data();
  std::uint32_t row = 0;  // current state * classes_
  for (unsigned char b : text) {
    const std::uint32_t e = step[row + class_of_[b]];
    row = e >> 1;
    if (e & 1) {
      const std::size_t s = row / classes_;
      for (std::int32_t o = output_[s] >= 0 ? static_cast<std::int32_t>(s) : dict_[s]; o >= 0;
           o = dict_[static_cast<std::size_t>(o)]) {
        hits.set(output_[static_cast<std::size_t>(o)]);
      }
    }
  }
}

}  // namespace triagent::analysis
