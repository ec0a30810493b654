#pragma once
// flatten_json: a small, allocation-frugal JSON reader that turns one JSON object into flat fields
// (dotted key paths, array elements repeating their key). It is what classify runs on every line,
// so it avoids a DOM; depth and field count are bounded because the input is hostile.
//
//   FieldList fields;
//   auto status = flatten_json(R"({"a":{"b":[1,2]},"c":"x"})", fields);
//   // status == JsonStatus::ok; fields: a.b=1, a.b=2, c=x

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "triagent/analysis/field_list.hpp"
#include "triagent/core/byte_blocks.hpp"

namespace triagent::analysis {

enum class JsonStatus {
  ok,
  not_object,       // the text does not start with '{' (after blanks)
  syntax_error,     // fields parsed before the error are kept
  too_deep,         // nesting beyond max_depth; fields before it are kept
  too_many_fields,  // stopped after max_fields
};

struct JsonLimits {
  std::size_t max_depth = 64;
  std::size_t max_fields = 4096;
  std::size_t max_key_path = 512;  // longer paths are cut (the value is kept)
};

const char* to_string(JsonStatus s);

// Appends the fields of `text` to `out` (which the caller clears). null values are skipped.
JsonStatus flatten_json(std::string_view text, FieldList& out, const JsonLimits& limits = {});

// Appends `s` to `out` as a JSON string body (no quotes), escaping control characters, quotes,
// backslashes, and replacing invalid UTF-8 with U+FFFD so the output is always valid JSON.
void append_json_escaped(std::string& out, std::string_view s);

// Whether append_json_escaped() would append `s` unchanged: no control byte, '"', '\\' or
// non-ASCII byte. By whole-block tests whatever its length: sixteen bytes per step and a last
// block that overlaps the one before, two overlapping words for eight to fifteen bytes, two
// overlapping four-byte halves of one word below that. Most strings written are short field
// names and values without such a byte, and then no byte loop runs.
inline bool is_json_plain(std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  if (n >= 16) {
    for (std::size_t j = 0; j + 16 < n; j += 16) {
      if (json_special_bits16(p + j) != 0) return false;
    }
    return json_special_bits16(p + n - 16) == 0;
  }
  if (n >= 8) return !block_has_json_special(load8(p)) && !block_has_json_special(load8(p + n - 8));
  if (n >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return !block_has_json_special(lo | static_cast<std::uint64_t>(hi) << 32);
  }
  for (std::size_t j = 0; j < n; ++j) {
    const auto c = static_cast<unsigned char>(p[j]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace triagent::analysis
