#pragma once
// Parsing JSON that came from outside (webhooks, upstream answers, LLM output) without letting it
// crash us: nlohmann's parser, copy and dump() recurse, so deeply nested input would exhaust the
// stack. The nesting is measured first, with a flat scan.
//
//   auto body = parse_untrusted_json(response.body);        // depth <= 64
//   if (!body) return body.error();                         // invalid_argument, names the byte

#include <nlohmann/json.hpp>
#include <string_view>

#include "triagent/core/result.hpp"

namespace triagent {

inline constexpr int kMaxJsonDepth = 64;

// Deepest nesting of arrays/objects in a JSON text, counted without parsing (strings skipped).
// Stops counting past `limit` and returns limit + 1.
int json_nesting_depth(std::string_view text, int limit);

// Parses `text` when it nests at most `max_depth` levels; otherwise, or when it is not JSON, an
// invalid_argument error ("JSON nested deeper than 64 levels", "malformed JSON at byte 17",
// "malformed JSON: a number is out of range").
Result<nlohmann::json> parse_untrusted_json(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace triagent
