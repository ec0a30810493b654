#include "triagent/core/ip_address.hpp"

namespace triagent {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Counts the groups of one side of a "::" (or of the whole address), adding them to `groups`.
bool count_groups(std::string_view side, bool allow_dotted_quad, int& groups) {
  if (side.empty()) return true;
  std::size_t i = 0;
  for (;;) {
    const auto colon = side.find(':', i);
    const std::string_view g = side.substr(i, colon == std::string_view::npos ? std::string_view::npos : colon - i);
    if (colon == std::string_view::npos && allow_dotted_quad && g.find('.') != std::string_view::npos) {
      if (!is_ipv4_address(g)) return false;
      groups += 2;
      return true;
    }
    if (g.empty() || g.size() > 4) return false;
    for (char c : g) {
      if (!is_hex(c)) return false;
    }
    ++groups;
    if (colon == std::string_view::npos) return true;
    i = colon + 1;
    if (i == side.size()) return false;  // a trailing single colon
  }
}

}  // namespace

bool is_ipv4_address(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  for (;;) {
    std::size_t n = 0;
    int v = 0;
    while (i < s.size() && is_digit(s[i]) && n < 4) {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++n;
    }
    if (n == 0 || n > 3 || v > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool is_ipv6_address(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  if (s == "::") return true;
  const auto dbl = s.find("::");
  if (dbl != std::string_view::npos && s.find("::", dbl + 1) != std::string_view::npos) return false;
  int groups = 0;
  if (dbl == std::string_view::npos) return count_groups(s, true, groups) && groups == 8;
  if (!count_groups(s.substr(0, dbl), false, groups) || !count_groups(s.substr(dbl + 2), true, groups)) return false;
  return groups >= 1 && groups <= 7;
}

}  // namespace triagent
