#pragma once
// Byte-level helpers for the privacy scanners (ASCII classes; non-ASCII bytes are never letters).

#include <cstddef>
#include <string_view>

namespace triagent::privacy::detail {

inline constexpr bool digit(char c) { return c >= '0' && c <= '9'; }
inline constexpr bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline constexpr bool upper(char c) { return c >= 'A' && c <= 'Z'; }
inline constexpr bool alnum(char c) { return digit(c) || alpha(c); }
inline constexpr bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline constexpr bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline constexpr char lower(char c) { return upper(c) ? static_cast<char>(c + 32) : c; }
inline constexpr bool word(char c) { return alnum(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}
inline bool istarts(std::string_view s, std::string_view p) { return s.size() >= p.size() && iequal(s.substr(0, p.size()), p); }

bool ipv4(std::string_view s);
bool ipv6(std::string_view s);

}  // namespace triagent::privacy::detail
