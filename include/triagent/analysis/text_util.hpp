#pragma once
// Small ASCII text helpers shared by the parsers, the extractors and the rule engine. They work on
// bytes: non-ASCII bytes are never letters or digits here, so invalid UTF-8 is harmless.
//
//   if (iequals(channel, "Security")) ...;
//   auto pos = ifind(command_line, "-encodedcommand");   // npos when absent

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace triagent::analysis {

inline constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline constexpr bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Eight bytes at a time, for the JSON scanners: whether a block holds a byte the byte loop must
// look at. Both tests are exact (bit tricks from "Bit Twiddling Hacks": hasless, haszero), so a
// loop may skip every block they pass and finish byte by byte.
inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline bool block_has_byte(std::uint64_t v, unsigned char c) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const std::uint64_t x = v ^ (kOnes * c);
  return ((x - kOnes) & ~x & kHighs) != 0;
}
// A control byte (< 0x20), '"', '\\' or a non-ASCII byte.
inline bool block_has_json_special(std::uint64_t v) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  return (((v - kOnes * 0x20) & ~v & kHighs) | (v & kHighs)) != 0 || block_has_byte(v, '"') || block_has_byte(v, '\\');
}

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
// Case-insensitive search; `needle_lower` must already be lower case (prepared once by the caller).
std::size_t ifind_lower(std::string_view hay, std::string_view needle_lower, std::size_t from = 0);
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0);
std::string to_lower(std::string_view s);
void to_lower_in_place(std::string& s);
std::string_view trim(std::string_view s);
bool all_digits(std::string_view s);
// Parses a non-negative decimal integer without overflow; -1 when not one.
long long parse_uint(std::string_view s);

}  // namespace triagent::analysis
