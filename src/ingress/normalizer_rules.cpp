#include "ingress/normalizer_rules.hpp"

#include "ingress/json_fields.hpp"

namespace triagent::ingress {

Result<std::string> external_id_at(const nlohmann::json* v, std::string_view where) {
  auto id = id_at(v);
  if (!id) return make_error(ErrorCode::invalid_argument, "no external id at " + std::string(where));
  if (id->size() > kMaxExternalIdBytes) {
    return make_error(ErrorCode::invalid_argument, "external id at " + std::string(where) + " is longer than " +
                                                       std::to_string(kMaxExternalIdBytes) + " bytes");
  }
  for (char c : *id) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return make_error(ErrorCode::invalid_argument,
                        "external id at " + std::string(where) + " contains control characters");
    }
  }
  return std::move(*id);
}

Result<void> check_body_shape(const nlohmann::json& body) {
  if (!body.is_object()) return make_error(ErrorCode::invalid_argument, "body must be a JSON object");
  if (!nesting_within(body, kMaxBodyDepth)) {
    return make_error(ErrorCode::invalid_argument,
                      "body nests deeper than " + std::to_string(kMaxBodyDepth) + " levels");
  }
  return {};
}

}  // namespace triagent::ingress
