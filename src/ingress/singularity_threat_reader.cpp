// Reads a Management API v2.1 threat (GET /web/api/v2.1/threats element) into an Incident.
// Field names follow samples/s1_threats_v21_response.json.

#include "ingress/entity_values.hpp"
#include "ingress/field_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/normalizer_rules.hpp"
#include "ingress/singularity_objects.hpp"

namespace triagent::ingress {

namespace {

// A threat lists its agent's interfaces; more than this many is not a real endpoint.
constexpr std::size_t kMaxInterfaces = 64;

void add_interface_ips(std::vector<std::string>& ips, const nlohmann::json* interfaces) {
  if (interfaces == nullptr || !interfaces->is_array()) return;
  std::size_t seen = 0;
  for (const auto& nic : *interfaces) {
    if (++seen > kMaxInterfaces) break;
    add_values(ips, find_key(nic, "inet"));
  }
}

}  // namespace

Result<void> read_threat(const nlohmann::json& threat, Incident& out) {
  const nlohmann::json* info = find_key(threat, "threatInfo");
  const nlohmann::json* realtime = find_key(threat, "agentRealtimeInfo");
  const nlohmann::json* detection = find_key(threat, "agentDetectionInfo");

  const nlohmann::json* id_node = find_key(threat, "id");
  const char* where = "id";
  if (!id_at(id_node)) {
    id_node = find_key(info, "threatId");
    where = "threatInfo.threatId";
  }
  auto id = external_id_at(id_node, where);
  if (!id) return id.error();

  out.kind = "threat";
  out.external_id = std::move(*id);
  out.title = text_at(find_key(info, "threatName"), kMaxTitleBytes)
                  .value_or("SentinelOne threat " + out.external_id);
  // confidenceLevel is malicious (high) or suspicious (medium); parse_severity knows both.
  out.severity = severity_at(find_key(info, "confidenceLevel"), SeverityScale::generic);
  out.time_ms = epoch_ms_at(find_key(info, "createdAt"));
  if (out.time_ms == 0) out.time_ms = epoch_ms_at(find_key(info, "identifiedAt"));
  out.tenant = scope_tenant(first_present({find_key(realtime, "accountId"), find_key(detection, "accountId")}),
                            first_present({find_key(realtime, "siteId"), find_key(detection, "siteId")}));

  Entities& e = out.entities;
  add_value(e.threat_ids, out.external_id);
  add_values(e.hosts, find_key(realtime, "agentComputerName"));
  add_values(e.agent_ids, find_key(realtime, "agentId"));
  add_values(e.agent_ids, find_key(realtime, "agentUuid"));
  add_values(e.agent_ids, find_key(detection, "agentUuid"));
  add_interface_ips(e.ips, find_key(realtime, "networkInterfaces"));
  add_values(e.ips, find_key(detection, "agentIpV4"));
  add_values(e.ips, find_key(detection, "externalIp"));
  for (std::string_view key : {"sha1", "sha256", "md5"}) add_hashes(e.hashes, find_key(info, key));
  add_values(e.files, find_key(info, "filePath"));
  add_values(e.users, find_key(info, "processUser"));
  add_values(e.users, find_key(detection, "agentLastLoggedInUserName"));
  add_values(e.processes, find_key(info, "originatorProcess"));
  add_values(e.processes, find_key(info, "maliciousProcessArguments"));
  add_values(e.storylines, find_key(info, "storyline"));
  return {};
}

}  // namespace triagent::ingress
