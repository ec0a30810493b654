#include "triagent/core/json_string_writer.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>

#include "triagent/core/utf8.hpp"

namespace triagent {
namespace {

// Strict UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), the same
// sequences nlohmann's serializer accepts.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  if (!valid_utf8(s)) {
    // Rare (binary junk in a log field): the replacement rules for broken sequences are
    // nlohmann's own, so let it write this one.
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet written that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (static_cast<unsigned char>(ch) >= 0x20 && ch != '"' && ch != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[(static_cast<unsigned char>(ch) >> 4) & 0xF];
        out += kHex[static_cast<unsigned char>(ch) & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace triagent
