// Reading Deep Visibility answers: events (samples/s1_dv_events_response_page1.json) and the
// responseState values of query-status (apis.md B.8).

#include "connectors/singularity_json.hpp"
#include "triagent/connectors/deep_visibility.hpp"

namespace triagent {

using nlohmann::json;
using s1::member;
using s1::text;

DvStateKind classify_dv_state(std::string_view state) {
  if (state == "FINISHED") return DvStateKind::finished;
  if (state == "EMPTY_RESULTS") return DvStateKind::empty;
  if (state == "FAILED") return DvStateKind::failed;
  if (state == "FAILED_CLIENT") return DvStateKind::client_failed;
  if (state == "QUERY_CANCEL" || state == "CANCELED" || state == "CANCELLED") return DvStateKind::cancelled;
  if (state == "QUERY_EXPIRED" || state == "QUERY_NOT_FOUND") return DvStateKind::expired;
  if (state == "TIMED_OUT") return DvStateKind::timed_out;
  // PLANNING, RUNNING, QUERY_RUNNING, PROCESS_RUNNING, EVENTS_RUNNING and anything new.
  return DvStateKind::running;
}

Result<DvEvent> parse_dv_event(const json& object) { return parse_dv_event(json(object)); }

Result<DvEvent> parse_dv_event(json&& object) {
  if (!object.is_object()) return Error{ErrorCode::invalid_argument, "dv event: not a JSON object"};
  DvEvent e;
  e.id = text(member(object, "id"));
  e.event_type = text(member(object, "eventType"));
  e.event_time = text(member(object, "eventTime"));
  e.created_at = text(member(object, "createdAt"));
  e.agent_id = text(member(object, "agentId"));
  e.agent_uuid = text(member(object, "agentUuid"));
  e.agent_name = s1::first_text({member(object, "agentName"), member(object, "endpointName")});
  e.agent_ip = text(member(object, "agentIp"));
  e.agent_os = s1::first_text({member(object, "agentOs"), member(object, "endpointOs")});
  e.site_id = text(member(object, "siteId"));
  e.account_id = text(member(object, "accountId"));
  e.process_name = text(member(object, "processName"));
  e.process_cmd = text(member(object, "processCmd"));
  e.process_image_path = text(member(object, "processImagePath"));
  e.process_sha1 = text(member(object, "processImageSha1Hash"));
  e.pid = text(member(object, "pid"));
  e.parent_pid = text(member(object, "parentPid"));
  e.parent_process_name = text(member(object, "parentProcessName"));
  e.process_unique_key = text(member(object, "processUniqueKey"));
  e.storyline = text(member(object, "storyline"));
  e.true_context = text(member(object, "trueContext"));
  e.user = text(member(object, "user"));
  e.src_ip = text(member(object, "srcIp"));
  e.dst_ip = text(member(object, "dstIp"));
  e.dst_port = text(member(object, "dstPort"));
  e.dns_request = text(member(object, "dnsRequest"));
  e.file_full_name = text(member(object, "fileFullName"));
  e.file_sha256 = text(member(object, "fileSha256"));
  e.related_to_threat = s1::flag(member(object, "relatedToThreat"));
  e.raw = std::move(object);
  return e;
}

}  // namespace triagent
