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

#include "triagent/core/byte_blocks.hpp"  // load8, block_has_byte, block_has_json_special

namespace triagent::analysis {

inline constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline constexpr bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

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
