#include "triagent/analysis/text_util.hpp"

#include <cstdint>
#include <cstring>

namespace triagent::analysis {

bool iequals(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  // Eight bytes at a time, lower-cased together; the last piece as the last eight bytes (which
  // compares some twice) or two overlapping halves; under four bytes one at a time.
  const char* p = a.data();
  const char* q = b.data();
  auto same8 = [](const char* x, const char* y) {
    return ascii_lower_word(load8(x)) == ascii_lower_word(load8(y));
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (!same8(p + i, q + i)) return false;
    }
    return same8(p + n - 8, q + n - 8);
  }
  if (n >= 4) {
    auto halves = [n](const char* x) {
      std::uint32_t lo, hi;
      std::memcpy(&lo, x, 4);
      std::memcpy(&hi, x + n - 4, 4);
      return ascii_lower_word(lo | static_cast<std::uint64_t>(hi) << 32);
    };
    return halves(p) == halves(q);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (ascii_lower(p[i]) != ascii_lower(q[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

std::size_t ifind_lower(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size()) return std::string_view::npos;
  const char first_lower = needle[0];
  const char first_upper = (first_lower >= 'a' && first_lower <= 'z') ? static_cast<char>(first_lower - 32) : first_lower;
  const std::size_t last = hay.size() - needle.size();
  std::size_t i = from;
  while (i <= last) {
    // memchr on the rarer of the two cases is what keeps this fast on long lines.
    const void* p1 = std::memchr(hay.data() + i, first_lower, last - i + 1);
    const void* p2 = first_upper != first_lower ? std::memchr(hay.data() + i, first_upper, last - i + 1) : nullptr;
    const char* p = nullptr;
    if (p1 && p2) p = static_cast<const char*>(p1) < static_cast<const char*>(p2) ? static_cast<const char*>(p1) : static_cast<const char*>(p2);
    else p = static_cast<const char*>(p1 ? p1 : p2);
    if (!p) return std::string_view::npos;
    i = static_cast<std::size_t>(p - hay.data());
    std::size_t k = 1;
    while (k < needle.size() && ascii_lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
    ++i;
  }
  return std::string_view::npos;
}

std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from) {
  return ifind_lower(hay, to_lower(needle), from);
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  to_lower_in_place(out);
  return out;
}

void to_lower_in_place(std::string& s) {
  for (char& c : s) c = ascii_lower(c);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

long long parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 18) return -1;
  long long v = 0;
  for (char c : s) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace triagent::analysis
