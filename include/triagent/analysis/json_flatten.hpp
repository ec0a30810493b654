#pragma once
// flatten_json: a small, allocation-frugal JSON reader that turns one JSON object into flat fields
// (dotted key paths, array elements repeating their key). It is what classify runs on every line,
// so it avoids a DOM; depth and field count are bounded because the input is hostile.
//
//   FieldList fields;
//   auto status = flatten_json(R"({"a":{"b":[1,2]},"c":"x"})", fields);
//   // status == JsonStatus::ok; fields: a.b=1, a.b=2, c=x

#include <cstddef>
#include <string_view>

#include "triagent/analysis/field_list.hpp"

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

}  // namespace triagent::analysis
