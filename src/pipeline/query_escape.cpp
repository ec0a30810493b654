#include "triagent/pipeline/query_escape.hpp"

#include <cstdint>
#include <optional>

namespace triagent {

namespace {

// One decoded code point and its length in bytes; nullopt for any invalid or overlong sequence,
// a surrogate, or a value above U+10FFFF.
struct CodePoint {
  std::uint32_t value = 0;
  std::size_t length = 0;
};

std::optional<CodePoint> decode_utf8(std::string_view s, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return CodePoint{lead, 1};
  // Lead byte: sequence length, payload bits, and the smallest value that length may encode.
  struct Form {
    unsigned char mask, bits;
    std::size_t length;
    std::uint32_t minimum;
  };
  static constexpr Form kForms[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
  const Form* form = nullptr;
  for (const Form& f : kForms) {
    if ((lead & f.mask) == f.bits) form = &f;
  }
  if (form == nullptr) return std::nullopt;
  const std::size_t length = form->length;
  std::uint32_t value = lead & static_cast<unsigned char>(~form->mask);
  const std::uint32_t minimum = form->minimum;
  if (at + length > s.size()) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(at + i) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  return CodePoint{value, length};
}

// Code points that must not reach a query: controls, line separators, bidi controls.
const char* refused_code_point(std::uint32_t cp) {
  if (cp == 0) return "NUL";
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return "a control character";
  if (cp == 0x2028 || cp == 0x2029) return "a line or paragraph separator";
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return "a bidirectional control";
  return nullptr;
}

Error refuse(std::string_view language, const std::string& why) {
  return Error{ErrorCode::invalid_argument, "value cannot be quoted for " + std::string(language) + ": " + why};
}

// Checks every rule both languages share; on success the value is valid UTF-8 without refused
// code points, so the only characters left to handle are `\` and `"`.
Result<void> check_quotable(std::string_view value, std::size_t max_bytes, std::string_view language) {
  if (value.size() > max_bytes) {
    return refuse(language, "longer than " + std::to_string(max_bytes) + " bytes");
  }
  for (std::size_t i = 0; i < value.size();) {
    auto cp = decode_utf8(value, i);
    if (!cp) return refuse(language, "invalid UTF-8 at byte " + std::to_string(i));
    if (const char* why = refused_code_point(cp->value)) {
      return refuse(language, std::string("contains ") + why + " at byte " + std::to_string(i));
    }
    i += cp->length;
  }
  return {};
}

}  // namespace

Result<std::string> quote_powerquery_string(std::string_view value, std::size_t max_bytes) {
  if (auto ok = check_quotable(value, max_bytes, "PowerQuery"); !ok) return ok.error();
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result<std::string> quote_s1ql_string(std::string_view value, std::size_t max_bytes) {
  if (auto ok = check_quotable(value, max_bytes, "S1QL"); !ok) return ok.error();
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '"') return refuse("S1QL", "contains a double quote at byte " + std::to_string(i));
    if (c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result<std::string> checked_api_id(std::string_view value) {
  constexpr std::size_t kMaxIdBytes = 64;
  if (value.empty() || value.size() > kMaxIdBytes) {
    return Error{ErrorCode::invalid_argument, "not an API id: must be 1 to 64 characters"};
  }
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return Error{ErrorCode::invalid_argument, "not an API id: only letters, digits, '_' and '-' are allowed"};
  }
  return std::string(value);
}

}  // namespace triagent
