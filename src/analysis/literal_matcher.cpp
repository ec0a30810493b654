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
  // Renumber: states that report (an output, or one on their suffix chain) after all others.
  auto reports = [&out, this](std::size_t s) { return out[s] >= 0 || dict_[s] >= 0; };
  std::vector<std::int32_t> renumber(states);
  std::int32_t next = 0;
  for (std::size_t s = 0; s < states; ++s) {
    if (!reports(s)) renumber[s] = next++;
  }
  report_row_ = static_cast<std::uint32_t>(static_cast<std::size_t>(next) * classes_);
  for (std::size_t s = 0; s < states; ++s) {
    if (reports(s)) renumber[s] = next++;
  }
  output_.assign(states, -1);
  std::vector<std::int32_t> dict(states, -1);
  step_.resize(delta_.size());
  for (std::size_t s = 0; s < states; ++s) {
    const auto n = static_cast<std::size_t>(renumber[s]);
    output_[n] = out[s];
    dict[n] = dict_[s] >= 0 ? renumber[static_cast<std::size_t>(dict_[s])] : -1;
    for (std::size_t c = 0; c < classes_; ++c) {
      const auto t = static_cast<std::size_t>(renumber[static_cast<std::size_t>(delta_[s * classes_ + c])]);
      step_[n * classes_ + c] = static_cast<std::uint32_t>(t * classes_);
    }
  }
  dict_ = std::move(dict);
  start_row_ = static_cast<std::uint32_t>(static_cast<std::size_t>(renumber[0]) * classes_);
  built_ = true;
}

void LiteralMatcher::report(std::size_t row, Hits& hits) const {
  const std::size_t s = row / classes_;
  for (std::int32_t o = output_[s] >= 0 ? static_cast<std::int32_t>(s) : dict_[s]; o >= 0;
       o = dict_[static_cast<std::size_t>(o)]) {
    hits.set(output_[static_cast<std::size_t>(o)]);
  }
}

void LiteralMatcher::scan(std::string_view text, Hits& hits) const {
  if (literals_.empty()) return;
  const std::uint32_t* step = step_.data();
  const std::size_t report_row = report_row_;
  std::size_t row = start_row_;  // current state * classes_ (64-bit: indexing needs no widening)
  auto advance = [&](unsigned char b) {
    row = step[row + class_of_[b]];
    if (row >= report_row) [[unlikely]] report(row, hits);
  };
  // Four bytes per iteration: the loop test is a quarter of the per-byte work otherwise.
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  for (; end - p >= 4; p += 4) {
    advance(p[0]);
    advance(p[1]);
    advance(p[2]);
    advance(p[3]);
  }
  for (; p != end; ++p) advance(*p);
}

}  // namespace triagent::analysis
