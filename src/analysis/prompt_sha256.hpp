#pragma once
// SHA-256 as lower-case hex (OpenSSL), for the content hash of prompt templates.
//
//   std::string h = sha256_hex("abc");   // "ba7816bf..."

#include <string>
#include <string_view>

namespace triagent::analysis {

std::string sha256_hex(std::string_view data);

}  // namespace triagent::analysis
