#pragma once
// cap_data: cuts an audit record's `data` object down to a byte budget instead of rejecting it,
// because an audit record must never be lost for being large (an LLM answer, a big query result).
// The smallest fields are kept whole; the others are removed and named in a "_truncated" field:
//
//   {"model":"gpt-4o","tokens_in":912,
//    "_truncated":{"original_bytes":210345,"removed":["prompt","response"],"removed_count":2}}
//
//   std::string text = canonical_json(data);
//   if (text.size() > max) text = cap_data(data, text.size(), max);

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace triagent::audit {

// The canonical text of `data` (an object) cut to at most `max_bytes` when possible; with a budget
// too small even for the marker, the marker alone (the record is still written).
std::string cap_data(const nlohmann::json& data, std::size_t original_bytes, std::size_t max_bytes);

}  // namespace triagent::audit
