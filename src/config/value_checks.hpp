#pragma once
// Checks and conversions for single config values, free of YAML so they can be tested and reused
// on their own.
//
//   if (auto problem = listen_address_problem("[::1]:8080")) fail(*problem);
//   std::optional<std::uint64_t> n = parse_unsigned("1024");

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace triagent::config_detail {

// Decimal digits only (no sign, no spaces, no 0x, no '_'); nullopt when empty, malformed or too big.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

// Why `text` is not "host:port" (IPv4, [IPv6] or a DNS name; port 0-65535), or nullopt when it is.
// The problem never repeats the text.
std::optional<std::string> listen_address_problem(std::string_view text);

// RFC 6901: "" (the whole document) or '/'-separated tokens where '~' is only "~0" or "~1".
bool is_json_pointer(std::string_view text);

// `text` made safe to put in one line of an error message: quoted, control bytes escaped, cut short.
std::string quoted_for_message(std::string_view text);

}  // namespace triagent::config_detail
