#pragma once
// LiteralMatcher: Aho-Corasick over ASCII-case-folded bytes. The Sigma engine registers every
// substring its rules look for, then scans each event once to learn which of them occur at all;
// a rule whose substrings are absent is rejected without touching its fields. Linear in the
// input whatever the patterns (a literal longer than kMaxKey bytes is found by its first kMaxKey
// bytes, then its tail compared in place).
//
//   LiteralMatcher m;
//   int id = m.add("mimikatz");
//   m.build();
//   LiteralMatcher::Hits hits(m.size());
//   m.scan("Invoke-Mimikatz", hits);   // hits.test(id) == true
//
// A table-driven automaton costs one dependent load per byte: the next state cannot be fetched
// before the current one is known, so a single pass runs at the latency of an L1 load, whatever
// the core's width. scan() therefore cuts longer texts into up to four stretches, overlapping by
// the longest key less one byte, and steps one automaton per stretch in the same loop; the core
// runs the independent chains side by side. (A key lies whole inside the stretch that holds its
// last byte, so none is missed; the overlap may report one twice, which a set of hits absorbs.)

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace triagent::analysis {

class LiteralMatcher {
 public:
  class Hits {
   public:
    explicit Hits(std::size_t n = 0) { reset(n); }
    void reset(std::size_t n) { bits_.assign((n + 63) / 64, 0); }
    void set(int id) { bits_[static_cast<std::size_t>(id) >> 6] |= std::uint64_t{1} << (id & 63); }
    bool test(int id) const { return (bits_[static_cast<std::size_t>(id) >> 6] >> (id & 63)) & 1; }
    // Calls fn(id) for every id set, in ascending order.
    template <class Fn>
    void for_each(Fn&& fn) const {
      for (std::size_t w = 0; w < bits_.size(); ++w) {
        for (std::uint64_t b = bits_[w]; b != 0; b &= b - 1) fn(static_cast<int>(w * 64 + std::countr_zero(b)));
      }
    }

   private:
    std::vector<std::uint64_t> bits_;
  };

  // Registers a literal (compared case-insensitively) and returns its id; the same text twice
  // gets the same id. Call build() after the last add().
  int add(std::string_view literal);
  void build();
  std::size_t size() const { return literals_.size(); }
  bool built() const { return built_; }

  // Marks in `hits` every literal that occurs in `text`.
  void scan(std::string_view text, Hits& hits) const;
  // Marks in `hits` every literal that occurs in one of `texts` (none spans two of them).
  void scan(std::span<const std::string_view> texts, Hits& hits) const;

 private:
  std::vector<std::string> literals_;
  std::unordered_map<std::string, int> ids_;
  // Automaton: dense transitions over byte classes, per-state output and dictionary links.
  std::uint8_t class_of_[256] = {};
  std::size_t classes_ = 1;
  std::vector<std::int32_t> delta_;   // state * classes_ + class -> state (build only)
  // The scan table: entry = next_state * classes_ (the next row), so the per-byte step is two
  // loads and an add. States are numbered so the ones that report a literal come last: whether a
  // step reports is one compare of the row with report_row_.
  std::vector<std::uint32_t> step_;
  std::uint32_t start_row_ = 0;    // row of the root state
  std::uint32_t report_row_ = 0;   // rows from here on report
  std::vector<std::int32_t> output_;  // id of the literal (of at most kMaxKey bytes) ending here, or -1
  // The automaton holds no more than a literal's first kMaxKey bytes: the lanes then overlap by
  // at most kMaxKey - 1 bytes, and the table has fewer states.
  static constexpr std::size_t kMaxKey = 16;
  std::vector<std::int32_t> tail_first_;  // per state: a longer literal whose key ends here, or -1
  std::vector<std::int32_t> tail_next_;   // per literal: the next one with the same key, or -1
  std::vector<std::int32_t> dict_;    // next state on the suffix chain with an output, or -1
  std::size_t overlap_ = 0;          // bytes in the longest key, less one
  int separator_ = -1;               // a byte no literal holds: between texts it resets the automaton
  bool built_ = false;

  // Marks the literals that end at `row`'s state, at text[key_end - 1].
  void report(std::size_t row, std::string_view text, std::size_t key_end, Hits& hits) const;
  template <int Lanes>
  void scan_lanes(const unsigned char* text, std::size_t size, std::size_t stretch, Hits& hits) const;
};

}  // namespace triagent::analysis
