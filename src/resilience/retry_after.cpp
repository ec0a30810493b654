#include "triagent/resilience/retry_after.hpp"

#include <array>
#include <cmath>

#include "triagent/core/clock.hpp"

namespace triagent {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A non-negative decimal ("12", "1.5", ".5" is rejected), scaled by `scale` and rounded up.
// Digits past what a double can hold are still consumed; the value saturates at kMaxRetryAfterMs.
std::optional<std::int64_t> parse_decimal(std::string_view text, double scale) {
  text = trim(text);
  if (text.empty() || !is_digit(text.front())) return std::nullopt;
  double value = 0;
  std::size_t i = 0;
  for (; i < text.size() && is_digit(text[i]); ++i) value = value * 10 + (text[i] - '0');
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (i == text.size() || !is_digit(text[i])) return std::nullopt;
    double place = 0.1;
    for (; i < text.size() && is_digit(text[i]); ++i, place /= 10) value += (text[i] - '0') * place;
  }
  if (i != text.size()) return std::nullopt;
  double ms = std::ceil(value * scale - 1e-9);
  if (!(ms < static_cast<double>(kMaxRetryAfterMs))) return kMaxRetryAfterMs;
  return ms < 0 ? 0 : static_cast<std::int64_t>(ms);
}

// A cursor over the date text; every reader fails (returns false / -1) without moving on mismatch.
struct Scanner {
  std::string_view s;
  std::size_t pos = 0;

  bool at_end() const { return pos == s.size(); }
  bool eat(char c) {
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void skip_spaces() {
    while (pos < s.size() && s[pos] == ' ') ++pos;
  }
  std::size_t skip_letters() {
    std::size_t start = pos;
    while (pos < s.size() && is_alpha(s[pos])) ++pos;
    return pos - start;
  }
  // Between `min` and `max` digits.
  int number(std::size_t min, std::size_t max) {
    std::size_t start = pos;
    int v = 0;
    while (pos < s.size() && is_digit(s[pos]) && pos - start < max) v = v * 10 + (s[pos++] - '0');
    if (pos - start < min || (pos < s.size() && is_digit(s[pos]))) {
      pos = start;
      return -1;
    }
    return v;
  }
  // A three-letter English month name, any case: 1..12, or -1.
  int month() {
    static constexpr std::array<std::string_view, 12> names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
    if (pos + 3 > s.size()) return -1;
    for (std::size_t m = 0; m < names.size(); ++m) {
      if (lower(s[pos]) == names[m][0] && lower(s[pos + 1]) == names[m][1] && lower(s[pos + 2]) == names[m][2]) {
        pos += 3;
        if (pos < s.size() && is_alpha(s[pos])) return -1;
        return static_cast<int>(m) + 1;
      }
    }
    return -1;
  }
  // "hh:mm:ss" as seconds since midnight, or -1.
  int time_of_day() {
    int h = number(2, 2);
    if (h < 0 || h > 23 || !eat(':')) return -1;
    int m = number(2, 2);
    if (m < 0 || m > 59 || !eat(':')) return -1;
    int sec = number(2, 2);
    if (sec < 0 || sec > 60) return -1;  // 60: a leap second
    return h * 3600 + m * 60 + sec;
  }
  bool gmt() {
    if (pos + 3 > s.size()) return false;
    if (lower(s[pos]) == 'g' && lower(s[pos + 1]) == 'm' && lower(s[pos + 2]) == 't') {
      pos += 3;
      return true;
    }
    return false;
  }
};

std::optional<std::int64_t> to_epoch_ms(int year, int month, int day, int seconds) {
  static constexpr std::array<int, 12> days_in = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in[month - 1]) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return (days * 86400 + seconds) * 1000;
}

}  // namespace

std::optional<std::int64_t> parse_retry_after_ms_value(std::string_view text) { return parse_decimal(text, 1.0); }

std::optional<std::int64_t> parse_http_date_ms(std::string_view text) {
  Scanner sc{trim(text)};
  if (sc.skip_letters() < 3) return std::nullopt;  // day name, not checked against the date
  bool comma = sc.eat(',');
  if (!sc.eat(' ')) return std::nullopt;
  sc.skip_spaces();
  if (comma) {
    // IMF-fixdate "06 Nov 1994 08:49:37 GMT" or RFC 850 "06-Nov-94 08:49:37 GMT".
    int day = sc.number(1, 2);
    if (day < 0) return std::nullopt;
    char sep = sc.eat('-') ? '-' : (sc.eat(' ') ? ' ' : '\0');
    if (sep == '\0') return std::nullopt;
    int month = sc.month();
    if (month < 0 || !sc.eat(sep)) return std::nullopt;
    int year = sc.number(2, 4);
    if (year < 0) return std::nullopt;
    if (sep == '-' && year < 100) year += year < 70 ? 2000 : 1900;  // RFC 850 two-digit years
    if (!sc.eat(' ')) return std::nullopt;
    int tod = sc.time_of_day();
    if (tod < 0 || !sc.eat(' ') || !sc.gmt() || !sc.at_end()) return std::nullopt;
    return to_epoch_ms(year, month, day, tod);
  }
  // asctime "Nov  6 08:49:37 1994".
  int month = sc.month();
  if (month < 0 || !sc.eat(' ')) return std::nullopt;
  sc.skip_spaces();
  int day = sc.number(1, 2);
  if (day < 0 || !sc.eat(' ')) return std::nullopt;
  int tod = sc.time_of_day();
  if (tod < 0 || !sc.eat(' ')) return std::nullopt;
  int year = sc.number(4, 4);
  if (year < 0 || !sc.at_end()) return std::nullopt;
  return to_epoch_ms(year, month, day, tod);
}

std::optional<std::int64_t> parse_retry_after_value(std::string_view text, std::int64_t now_ms) {
  if (auto seconds = parse_decimal(text, 1000.0)) return seconds;
  if (auto when = parse_http_date_ms(text)) return *when > now_ms ? *when - now_ms : 0;
  return std::nullopt;
}

std::optional<std::int64_t> server_retry_delay_ms(std::optional<std::string_view> retry_after_ms,
                                                  std::optional<std::string_view> retry_after,
                                                  std::int64_t now_ms) {
  if (retry_after_ms) {
    if (auto ms = parse_retry_after_ms_value(*retry_after_ms)) return ms;
  }
  if (retry_after) return parse_retry_after_value(*retry_after, now_ms);
  return std::nullopt;
}

}  // namespace triagent
