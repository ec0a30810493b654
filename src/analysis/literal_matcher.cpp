#include "literal_matcher.hpp"

#include <algorithm>
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
  // The automaton holds each literal's first kMaxKey bytes (the key); the rest, a tail, is
  // compared where its key ends.
  auto key_of = [](const std::string& lit) { return std::string_view(lit).substr(0, kMaxKey); };
  // Byte classes: one per distinct (folded) byte used by a key, class 0 for all others.
  for (auto& c : class_of_) c = 0;
  classes_ = 1;
  bool used[256] = {};
  for (const auto& lit : literals_) {
    for (unsigned char b : lit) used[b] = true;
    for (unsigned char b : key_of(lit)) {
      if (class_of_[b] == 0 && classes_ < 255) class_of_[b] = static_cast<std::uint8_t>(classes_++);
    }
  }
  // Upper-case ASCII letters fold to their lower-case class.
  for (int b = 'A'; b <= 'Z'; ++b) class_of_[b] = class_of_[b + 32];
  // Trie.
  std::vector<std::int32_t> trie(classes_, -1);
  std::vector<std::int32_t> out(1, -1);
  std::vector<std::int32_t> tails(1, -1);  // per state: the first literal with a tail whose key ends there
  tail_next_.assign(literals_.size(), -1);
  for (std::size_t id = 0; id < literals_.size(); ++id) {
    std::int32_t s = 0;
    for (unsigned char b : key_of(literals_[id])) {
      const std::size_t slot = static_cast<std::size_t>(s) * classes_ + class_of_[b];
      if (trie[slot] < 0) {
        trie[slot] = static_cast<std::int32_t>(out.size());
        out.push_back(-1);
        tails.push_back(-1);
        trie.resize(out.size() * classes_, -1);
      }
      s = trie[static_cast<std::size_t>(s) * classes_ + class_of_[b]];
    }
    if (literals_[id].size() > kMaxKey) {
      tail_next_[id] = tails[static_cast<std::size_t>(s)];
      tails[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(id);
    } else {
      out[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(id);
    }
  }
  const std::size_t states = out.size();
  auto has_output = [&out, &tails](std::size_t s) { return out[s] >= 0 || tails[s] >= 0; };
  std::vector<std::int32_t> fail(states, 0);
  dict_.assign(states, -1);
  delta_ = trie;
  std::deque<std::int32_t> queue;
  std::vector<std::size_t> breadth_first{0};  // the states, shallowest first
  breadth_first.reserve(states);
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
    breadth_first.push_back(static_cast<std::size_t>(s));
    const std::int32_t f = fail[static_cast<std::size_t>(s)];
    dict_[static_cast<std::size_t>(s)] = has_output(static_cast<std::size_t>(f)) ? f : dict_[static_cast<std::size_t>(f)];
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
  // Renumber: states that report (an output, or one on their suffix chain) after all others, and
  // each group shallowest first: text keeps the automaton near its root, and those rows then
  // share cache lines.
  auto reports = [&has_output, this](std::size_t s) { return has_output(s) || dict_[s] >= 0; };
  std::vector<std::int32_t> renumber(states);
  std::int32_t next = 0;
  for (const std::size_t s : breadth_first) {
    if (!reports(s)) renumber[s] = next++;
  }
  report_row_ = static_cast<std::uint32_t>(static_cast<std::size_t>(next) * classes_);
  for (const std::size_t s : breadth_first) {
    if (reports(s)) renumber[s] = next++;
  }
  output_.assign(states, -1);
  tail_first_.assign(states, -1);
  std::vector<std::int32_t> dict(states, -1);
  step_.resize(delta_.size());
  for (std::size_t s = 0; s < states; ++s) {
    const auto n = static_cast<std::size_t>(renumber[s]);
    output_[n] = out[s];
    tail_first_[n] = tails[s];
    dict[n] = dict_[s] >= 0 ? renumber[static_cast<std::size_t>(dict_[s])] : -1;
    for (std::size_t c = 0; c < classes_; ++c) {
      const auto t = static_cast<std::size_t>(renumber[static_cast<std::size_t>(delta_[s * classes_ + c])]);
      step_[n * classes_ + c] = static_cast<std::uint32_t>(t * classes_);
    }
  }
  dict_ = std::move(dict);
  std::size_t longest_key = 1;
  for (const auto& lit : literals_) longest_key = std::max(longest_key, key_of(lit).size());
  overlap_ = longest_key - 1;
  // (Not in any literal, nor in its tail: a tail compared past the end of a piece stops there.)
  separator_ = -1;
  for (int b = 0; b < 256 && separator_ < 0; ++b) {
    if (class_of_[b] == 0 && !used[b] && !(b >= 'A' && b <= 'Z' && used[b + 32])) separator_ = b;
  }
  start_row_ = static_cast<std::uint32_t>(static_cast<std::size_t>(renumber[0]) * classes_);
  built_ = true;
}

void LiteralMatcher::report(std::size_t row, std::string_view text, std::size_t key_end, Hits& hits) const {
  const std::size_t s = row / classes_;
  auto has_output = [this](std::size_t t) { return output_[t] >= 0 || tail_first_[t] >= 0; };
  for (std::int32_t o = has_output(s) ? static_cast<std::int32_t>(s) : dict_[s]; o >= 0;
       o = dict_[static_cast<std::size_t>(o)]) {
    const auto state = static_cast<std::size_t>(o);
    if (output_[state] >= 0) hits.set(output_[state]);
    // A key that ends here is the start of a longer literal when its tail follows.
    for (std::int32_t id = tail_first_[state]; id >= 0; id = tail_next_[static_cast<std::size_t>(id)]) {
      const std::string_view tail = std::string_view(literals_[static_cast<std::size_t>(id)]).substr(kMaxKey);
      if (text.size() - key_end < tail.size()) continue;
      bool same = true;
      for (std::size_t j = 0; j < tail.size() && same; ++j) same = ascii_lower(text[key_end + j]) == tail[j];
      if (same) hits.set(id);
    }
  }
}

template <int Lanes>
void LiteralMatcher::scan_lanes(const unsigned char* text, std::size_t size, std::size_t stretch,
                                Hits& hits) const {
  // Lane k reads [k * (stretch - overlap), +stretch); the last lane is cut at the end of the text,
  // and is the shortest (the caller checked that it still covers the overlap).
  const std::size_t advance_by = stretch - overlap_;
  const unsigned char* lane[Lanes];
  std::size_t row[Lanes];
  for (int k = 0; k < Lanes; ++k) {
    lane[k] = text + static_cast<std::size_t>(k) * advance_by;
    row[k] = start_row_;
  }
  const std::size_t last = size - static_cast<std::size_t>(Lanes - 1) * advance_by;
  const std::uint32_t* const step = step_.data();
  const std::size_t report_row = report_row_;
  const std::string_view whole(reinterpret_cast<const char*>(text), size);
  // (Unrolled so each lane's state and pointer live in registers.)
  for (std::size_t i = 0; i < last; ++i) {
#pragma GCC unroll 4
    for (int k = 0; k < Lanes; ++k) {
      row[k] = step[row[k] + class_of_[lane[k][i]]];
      if (row[k] >= report_row) [[unlikely]] report(row[k], whole, static_cast<std::size_t>(lane[k] - text) + i + 1, hits);
    }
  }
  for (std::size_t i = last; i < stretch; ++i) {
#pragma GCC unroll 4
    for (int k = 0; k + 1 < Lanes; ++k) {
      row[k] = step[row[k] + class_of_[lane[k][i]]];
      if (row[k] >= report_row) [[unlikely]] report(row[k], whole, static_cast<std::size_t>(lane[k] - text) + i + 1, hits);
    }
  }
}

void LiteralMatcher::scan(std::string_view text, Hits& hits) const {
  if (literals_.empty() || text.empty()) return;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  const std::size_t overlap = overlap_;
  // The most lanes whose stretches are still clearly shorter than with one lane fewer: every
  // lane adds an overlap's worth of bytes to read.
  int lanes = 1;
  std::size_t stretch = size;
  for (int k = 2; k <= 4; ++k) {
    const std::size_t len = (size + static_cast<std::size_t>(k - 1) * overlap + static_cast<std::size_t>(k) - 1) /
                            static_cast<std::size_t>(k);
    if (len <= overlap || len * 5 > stretch * 4) break;
    // Every lane but the last reads a whole stretch: the last one, cut at the end, must still
    // reach past the overlap.
    const std::size_t last = size - static_cast<std::size_t>(k - 1) * (len - overlap);
    if (last < overlap || last > len) break;
    lanes = k;
    stretch = len;
  }
  switch (lanes) {
    case 4: return scan_lanes<4>(bytes, size, stretch, hits);
    case 3: return scan_lanes<3>(bytes, size, stretch, hits);
    case 2: return scan_lanes<2>(bytes, size, stretch, hits);
    default: return scan_lanes<1>(bytes, size, stretch, hits);
  }
}

void LiteralMatcher::scan(std::span<const std::string_view> texts, Hits& hits) const {
  if (separator_ < 0) {
    for (const auto text : texts) scan(text, hits);
    return;
  }
  // One text, the pieces joined by a byte that sends the automaton back to its root: the lanes
  // then have enough bytes to share even when every piece is short.
  thread_local std::string joined;
  joined.clear();
  for (const auto text : texts) {
    if (!joined.empty()) joined.push_back(static_cast<char>(separator_));
    joined.append(text);
  }
  scan(joined, hits);
}

}  // namespace triagent::analysis
