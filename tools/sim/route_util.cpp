#include "route_util.hpp"

#include "sim_text.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::sim {

Result<nlohmann::json> json_body(const SimRequest& req) {
  if (trim_view(req.body).empty()) return nlohmann::json::object();
  auto parsed = parse_untrusted_json(req.body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return Error(ErrorCode::invalid_argument, "the request body must be a JSON object");
  return std::move(*parsed);
}

std::string string_field(const nlohmann::json& obj, const char* key, const std::string& dflt) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return dflt;
  return it->get<std::string>();
}

std::string time_text(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (it->is_number()) return std::to_string(static_cast<std::int64_t>(it->get<double>()));
  return "?";
}

std::optional<std::int64_t> int_field(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> decode_offset_cursor(std::string_view cursor) {
  auto decoded = base64_decode(cursor);
  if (!decoded) return std::nullopt;
  auto parsed = parse_untrusted_json(*decoded);  // a cursor is client input like any other
  if (!parsed || !parsed->is_object() || !parsed->contains("offset") || !(*parsed)["offset"].is_number_unsigned()) {
    return std::nullopt;
  }
  return (*parsed)["offset"].get<std::size_t>();
}

std::string encode_offset_cursor(std::size_t offset) { return base64_encode(nlohmann::json{{"offset", offset}}.dump()); }

std::vector<std::string> split_csv(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string_view item = trim_view(std::string_view(text).substr(start, comma - start));
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> string_list(const nlohmann::json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) return out;
  if (it->is_string()) return split_csv(it->get<std::string>());
  if (!it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
    else if (v.is_number()) out.push_back(v.dump());
  }
  return out;
}

}  // namespace triagent::sim
