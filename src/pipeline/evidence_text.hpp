#pragma once
// Small text helpers the evidence stage shares: untrusted strings made into bounded, valid UTF-8
// single lines, and JSON scalars read as text. Private to src/pipeline.
//
//   std::string s = evidence_text::one_line(untrusted, 200);   // no newlines, <= 200 bytes + "..."
//   std::string v = evidence_text::scalar_text(j["pid"]);      // "1234" for 1234 or "1234"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace triagent::evidence_text {

// The longest prefix of `s` no longer than `max` bytes that does not split a UTF-8 sequence.
std::size_t utf8_floor(std::string_view s, std::size_t max);

// `s` as one line of valid UTF-8: invalid bytes become U+FFFD, control characters (newlines too)
// become spaces, runs of spaces collapse, and the result is cut to `max_bytes` (plus "..." when
// cut). Never longer than max_bytes + 3.
std::string one_line(std::string_view s, std::size_t max_bytes);

// A string, number or bool as text; "" for null, objects and arrays.
std::string scalar_text(const nlohmann::json& v);

// The string member `key` of an object (numbers as text), "" when absent or not a scalar.
std::string member_text(const nlohmann::json& object, std::string_view key);

// Epoch milliseconds from a DataSet / DV time that may be seconds, milliseconds or nanoseconds
// (by magnitude), or RFC 3339 text; 0 when unreadable.
std::int64_t time_ms_from(const nlohmann::json& v);

}  // namespace triagent::evidence_text
