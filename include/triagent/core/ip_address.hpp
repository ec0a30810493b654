#pragma once
// Syntax checks for IP address text, shared by the IOC extractor and the redactor so both agree
// on what an address is. No allocation, no locale.
//
//   is_ipv4_address("10.0.0.5")          // true
//   is_ipv6_address("fe80::1")           // true
//   is_ipv6_address("::ffff:10.0.0.5")   // true (a trailing dotted quad counts as two groups)

#include <string_view>

namespace triagent {

// Four dot-separated decimal parts of 1-3 digits, each at most 255.
bool is_ipv4_address(std::string_view s);

// RFC 4291 text: eight hex groups of 1-4 digits, at most one "::", an optional trailing dotted
// quad. "::" alone (the unspecified address) is valid.
bool is_ipv6_address(std::string_view s);

}  // namespace triagent
