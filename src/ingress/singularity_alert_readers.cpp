// Reads the two SentinelOne alert shapes into an Incident: a STAR / cloud-detection alert
// (samples/s1_cloud_detection_alerts_response.json) and a Unified Alerts GraphQL alert
// (samples/s1_uam_graphql_alert_by_id_response.json, data.alert).

#include "ingress/entity_values.hpp"
#include "ingress/field_values.hpp"
#include "ingress/json_fields.hpp"
#include "ingress/normalizer_rules.hpp"
#include "ingress/singularity_objects.hpp"

namespace triagent::ingress {

namespace {

// The parts of a STAR alert's sourceProcessInfo / sourceParentProcessInfo that name entities.
void add_process_info(Entities& e, const nlohmann::json* process) {
  if (process == nullptr) return;
  add_values(e.processes, find_key(process, "name"));
  add_values(e.processes, find_key(process, "commandline"));
  add_values(e.files, find_key(process, "filePath"));
  add_values(e.users, find_key(process, "user"));
  add_values(e.storylines, find_key(process, "storyline"));
  for (std::string_view key : {"fileHashMd5", "fileHashSha1", "fileHashSha256"}) {
    add_hashes(e.hashes, find_key(process, key));
  }
}

}  // namespace

Result<void> read_star_alert(const nlohmann::json& alert, Incident& out) {
  const nlohmann::json* info = find_key(alert, "alertInfo");
  const nlohmann::json* rule = find_key(alert, "ruleInfo");
  const nlohmann::json* realtime = find_key(alert, "agentRealtimeInfo");
  const nlohmann::json* detection = find_key(alert, "agentDetectionInfo");
  const nlohmann::json* target = find_key(alert, "targetProcessInfo");

  auto id = external_id_at(find_key(info, "alertId"), "alertInfo.alertId");
  if (!id) return id.error();

  out.kind = "alert";
  out.external_id = std::move(*id);
  out.title = text_at(find_key(rule, "name"), kMaxTitleBytes).value_or("SentinelOne alert " + out.external_id);
  out.severity = severity_at(find_key(rule, "severity"), SeverityScale::generic);
  out.time_ms = epoch_ms_at(find_key(info, "createdAt"));
  if (out.time_ms == 0) out.time_ms = epoch_ms_at(find_key(info, "reportedAt"));
  out.tenant = scope_tenant(first_present({find_key(detection, "accountId"), find_key(realtime, "accountId")}),
                            first_present({find_key(detection, "siteId"), find_key(realtime, "siteId")}));

  Entities& e = out.entities;
  add_value(e.alert_ids, out.external_id);
  add_values(e.hosts, find_key(realtime, "name"));
  add_values(e.hosts, find_key(detection, "name"));
  add_values(e.agent_ids, find_key(realtime, "id"));
  add_values(e.agent_ids, find_key(realtime, "uuid"));
  add_values(e.agent_ids, find_key(detection, "uuid"));
  for (std::string_view key : {"srcIp", "dstIp", "srcMachineIp"}) add_values(e.ips, find_key(info, key));
  add_values(e.domains, find_key(info, "dnsRequest"));
  add_values(e.users, find_key(info, "loginsUserName"));
  add_hashes(e.hashes, find_key(info, "moduleSha1"));
  add_process_info(e, find_key(alert, "sourceProcessInfo"));
  add_process_info(e, find_key(alert, "sourceParentProcessInfo"));
  add_values(e.processes, find_key(target, "tgtProcName"));
  add_values(e.processes, find_key(target, "tgtProcCmdLine"));
  add_values(e.files, find_key(target, "tgtFilePath"));
  add_values(e.storylines, find_key(target, "tgtProcStorylineId"));
  add_hashes(e.hashes, find_key(target, "tgtFileHashSha1"));
  add_hashes(e.hashes, find_key(target, "tgtFileHashSha256"));
  return {};
}

Result<void> read_uam_alert(const nlohmann::json& alert, Incident& out) {
  const nlohmann::json* asset = find_key(alert, "asset");
  const nlohmann::json* detection_asset = find_path(alert, {"detectionTime", "asset"});

  auto id = external_id_at(find_key(alert, "id"), "id");
  if (!id) return id.error();

  out.kind = "alert";
  out.external_id = std::move(*id);
  out.title = text_at(first_present({find_key(alert, "name"), find_key(alert, "description")}), kMaxTitleBytes)
                  .value_or("SentinelOne alert " + out.external_id);
  out.severity = severity_at(find_key(alert, "severity"), SeverityScale::generic);
  if (out.severity == Severity::unknown) {
    out.severity = severity_at(find_key(alert, "confidenceLevel"), SeverityScale::generic);
  }
  for (std::string_view key : {"detectedAt", "firstSeenAt", "createdAt"}) {
    if (out.time_ms == 0) out.time_ms = epoch_ms_at(find_key(alert, key));
  }
  out.tenant = scope_tenant(
      first_present({find_path(alert, {"realTime", "scope", "account", "id"}),
                     find_path(alert, {"detectionTime", "scope", "accountId"})}),
      first_present({find_path(alert, {"realTime", "scope", "site", "id"}),
                     find_path(alert, {"detectionTime", "scope", "siteId"})}));

  Entities& e = out.entities;
  add_value(e.alert_ids, out.external_id);
  // For an EDR detection the alert's externalId is the threat id of the Management API (an
  // assumption from the sample, where it is an int64 string like threat ids).
  const nlohmann::json* product = find_path(alert, {"detectionSource", "product"});
  if (product != nullptr && product->is_string() && product->get_ref<const std::string&>() == "EDR") {
    add_values(e.threat_ids, find_key(alert, "externalId"));
  }
  add_values(e.hosts, find_key(asset, "name"));
  add_values(e.agent_ids, find_key(asset, "agentUuid"));
  add_values(e.users, find_key(asset, "lastLoggedInUser"));
  add_values(e.users, find_key(detection_asset, "lastLoggedInUser"));
  add_values(e.ips, find_key(detection_asset, "ipV4"));
  add_hashes(e.hashes, find_key(alert, "fileHash"));
  const nlohmann::json* file_name = find_key(alert, "fileName");
  if (file_name != nullptr && !(file_name->is_string() && file_name->get_ref<const std::string&>() == "N/A")) {
    add_values(e.files, file_name);
  }
  add_values(e.storylines, find_key(alert, "storylineId"));
  return {};
}

}  // namespace triagent::ingress
