#pragma once
// Reading SentinelOne Singularity objects (as the REST and GraphQL APIs return them) into an
// Incident. Shared by the singularity normalizer and by the vigilance one, whose cases may embed
// the same objects.
//
//   SingularityShape shape = singularity_shape(obj);
//   if (shape != SingularityShape::unknown) auto ok = read_singularity_object(obj, shape, inc);

#include <nlohmann/json.hpp>
#include <string>

#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"

namespace triagent::ingress {

enum class SingularityShape {
  unknown,
  threat,      // GET /web/api/v2.1/threats element: id, threatInfo, agentRealtimeInfo, ...
  star_alert,  // GET /web/api/v2.1/cloud-detection/alerts element: alertInfo, ruleInfo, sourceProcessInfo, ...
  uam_alert,   // Unified Alerts GraphQL alert: id, name, severity, asset, realTime.scope, ...
};

// Which full object `obj` is, from the members only that shape has; unknown for anything else
// (including id-only payloads).
SingularityShape singularity_shape(const nlohmann::json& obj);

// Fills kind, external_id, title, severity, time_ms, tenant and entities of `out` from a full
// object. Fails (invalid_argument) only when the object carries no usable id.
Result<void> read_singularity_object(const nlohmann::json& obj, SingularityShape shape, Incident& out);

Result<void> read_threat(const nlohmann::json& threat, Incident& out);
Result<void> read_star_alert(const nlohmann::json& alert, Incident& out);
Result<void> read_uam_alert(const nlohmann::json& alert, Incident& out);

// The tenant of a SentinelOne scope: "<accountId>:<siteId>", "<accountId>" without a site,
// ":<siteId>" without an account, "" without both. Ids may be strings or integers.
std::string scope_tenant(const nlohmann::json* account_id, const nlohmann::json* site_id);

}  // namespace triagent::ingress
