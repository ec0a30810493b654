#pragma once
// The input rules every normalizer applies the same way: the body must be a JSON object of bounded
// nesting, and the external id a non-empty string or an integer, at most kMaxExternalIdBytes, with
// no control characters (it becomes part of the dedupe key and, for Singularity, of API requests).
//
//   if (auto ok = check_body_shape(body); !ok) return ok.error();
//
//   auto id = external_id_at(find_pointer(body, "/alertId"), "/alertId");
//   if (!id) return id.error();   // "no external id at /alertId"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"

namespace triagent::ingress {

// `where` names the place in the body for the error message (a pointer or a key path).
Result<std::string> external_id_at(const nlohmann::json* v, std::string_view where);

// Success when `body` is a JSON object nested at most kMaxBodyDepth levels (so it is safe to copy);
// otherwise the invalid_argument error every normalizer gives.
Result<void> check_body_shape(const nlohmann::json& body);

}  // namespace triagent::ingress
