#include "ingress/singularity_objects.hpp"

#include "ingress/json_fields.hpp"

namespace triagent::ingress {

namespace {

bool has_object(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json* v = find_key(j, key);
  return v != nullptr && v->is_object();
}

}  // namespace

SingularityShape singularity_shape(const nlohmann::json& obj) {
  if (!obj.is_object()) return SingularityShape::unknown;
  if (has_object(obj, "threatInfo")) return SingularityShape::threat;
  if (has_object(obj, "alertInfo")) return SingularityShape::star_alert;
  if (find_key(obj, "id") == nullptr) return SingularityShape::unknown;
  // An id plus any member an id-only notification would not carry.
  for (std::string_view key : {"name", "severity", "detectionSource", "asset", "realTime", "detectedAt"}) {
    if (find_key(obj, key) != nullptr) return SingularityShape::uam_alert;
  }
  return SingularityShape::unknown;
}

Result<void> read_singularity_object(const nlohmann::json& obj, SingularityShape shape, Incident& out) {
  switch (shape) {
    case SingularityShape::threat: return read_threat(obj, out);
    case SingularityShape::star_alert: return read_star_alert(obj, out);
    case SingularityShape::uam_alert: return read_uam_alert(obj, out);
    case SingularityShape::unknown: break;
  }
  return make_error(ErrorCode::invalid_argument, "not a SentinelOne threat or alert object");
}

std::string scope_tenant(const nlohmann::json* account_id, const nlohmann::json* site_id) {
  constexpr std::size_t kMaxScopeIdBytes = 128;
  std::string account = truncate_utf8(id_at(account_id).value_or(""), kMaxScopeIdBytes);
  std::string site = truncate_utf8(id_at(site_id).value_or(""), kMaxScopeIdBytes);
  if (site.empty()) return account;
  return account + ":" + site;
}

}  // namespace triagent::ingress
