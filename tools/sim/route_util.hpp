#pragma once
// Helpers the route files share: the JSON body (depth-limited parse of untrusted input), and
// reading optional typed fields out of it without throwing.
//
//   auto body = json_body(req);
//   if (!body) return api_error(ApiFamily::dataset, 400, body.error().message);
//   std::string filter = string_field(*body, "filter");

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim_types.hpp"
#include "triagent/core/result.hpp"

namespace triagent::sim {

// The request body as a JSON object; an empty body is an empty object.
Result<nlohmann::json> json_body(const SimRequest& req);

std::string string_field(const nlohmann::json& obj, const char* key, const std::string& dflt = "");
// A time bound given as a string or a JSON number, as its text ("" when absent).
std::string time_text(const nlohmann::json& obj, const char* key);
std::optional<std::int64_t> int_field(const nlohmann::json& obj, const char* key);
// The strings of obj[key] when it is a list (or a comma-separated string).
std::vector<std::string> string_list(const nlohmann::json& obj, const char* key);
// The offset inside a cursor this simulator issued (base64 of {"offset":N}); nullopt otherwise.
std::optional<std::size_t> decode_offset_cursor(std::string_view cursor);
std::string encode_offset_cursor(std::size_t offset);

// Splits "a,b,c" (query parameters), dropping empty items.
std::vector<std::string> split_csv(const std::string& text);

}  // namespace triagent::sim
