#pragma once
// LineScanner: a cursor over one line for the hand-written log header parsers. Every step checks
// bounds, and failed steps leave the cursor where it was, so parsers can try alternatives.

#include <cstddef>
#include <string_view>

#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {

class LineScanner {
 public:
  explicit LineScanner(std::string_view s, std::size_t pos = 0) : s_(s), i_(pos) {}

  std::size_t pos() const { return i_; }
  void seek(std::size_t p) { i_ = p < s_.size() ? p : s_.size(); }
  bool done() const { return i_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  std::string_view rest() const { return s_.substr(i_); }
  std::string_view text() const { return s_; }

  bool lit(char c) {
    if (peek() != c || done()) return false;
    ++i_;
    return true;
  }
  bool lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  // Exactly n digits.
  bool digits(std::size_t n) {
    if (i_ + n > s_.size()) return false;
    for (std::size_t k = 0; k < n; ++k) {
      if (!is_digit(s_[i_ + k])) return false;
    }
    i_ += n;
    return true;
  }
  // Between min and max digits; returns the count (0 = failure, cursor unchanged).
  std::size_t digits_range(std::size_t min, std::size_t max) {
    std::size_t k = 0;
    while (k < max && i_ + k < s_.size() && is_digit(s_[i_ + k])) ++k;
    if (k < min) return 0;
    if (i_ + k < s_.size() && is_digit(s_[i_ + k])) return 0;  // more digits than allowed
    i_ += k;
    return k;
  }
  std::size_t spaces() {
    std::size_t k = 0;
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) {
      ++i_;
      ++k;
    }
    return k;
  }
  // Characters up to (not including) the next space or tab.
  std::string_view token() {
    const std::size_t b = i_;
    while (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != '\t') ++i_;
    return s_.substr(b, i_ - b);
  }
  std::string_view until(char c) {
    const std::size_t b = i_;
    while (i_ < s_.size() && s_[i_] != c) ++i_;
    return s_.substr(b, i_ - b);
  }
  // One of the upper-case letters words in `words` (e.g. months); returns its index or -1.
  template <std::size_t N>
  int one_of(const std::string_view (&words)[N]) {
    for (std::size_t k = 0; k < N; ++k) {
      if (s_.substr(i_, words[k].size()) == words[k]) {
        i_ += words[k].size();
        return static_cast<int>(k);
      }
    }
    return -1;
  }

 private:
  std::string_view s_;
  std::size_t i_;
};

inline constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr std::string_view kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

}  // namespace triagent::analysis
