// Reading v2.1 threat and threat-note objects (field names from samples/s1_threats_v21_response.json
// and apis.md B.3/B.4), plus the enum spellings and the tags note the threat connector writes.

#include "connectors/singularity_json.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {

using nlohmann::json;
using s1::member;
using s1::text;

namespace {

constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxTagBytes = 64;

}  // namespace

const char* to_string(AnalystVerdict verdict) {
  switch (verdict) {
    case AnalystVerdict::true_positive: return "true_positive";
    case AnalystVerdict::suspicious: return "suspicious";
    case AnalystVerdict::false_positive: return "false_positive";
    case AnalystVerdict::undefined: return "undefined";
  }
  return "undefined";
}

const char* to_string(IncidentStatus status) {
  switch (status) {
    case IncidentStatus::unresolved: return "unresolved";
    case IncidentStatus::in_progress: return "in_progress";
    case IncidentStatus::resolved: return "resolved";
  }
  return "unresolved";
}

Result<Threat> parse_threat(const json& object) {
  if (!object.is_object()) return Error{ErrorCode::invalid_argument, "threat: not a JSON object"};
  const json* info = member(object, "threatInfo");
  const json* agent = member(object, "agentRealtimeInfo");
  const json* detection = member(object, "agentDetectionInfo");

  Threat t;
  t.id = s1::first_text({member(object, "id"), member(info, "threatId")});
  if (t.id.empty()) return Error{ErrorCode::invalid_argument, "threat: no id"};
  t.name = text(member(info, "threatName"));

  t.agent_id = text(member(agent, "agentId"));
  t.agent_uuid = s1::first_text({member(agent, "agentUuid"), member(detection, "agentUuid")});
  t.agent_computer_name = text(member(agent, "agentComputerName"));
  t.agent_os_type = text(member(agent, "agentOsType"));
  t.agent_network_status = text(member(agent, "agentNetworkStatus"));
  t.account_id = s1::first_text({member(agent, "accountId"), member(detection, "accountId")});
  t.site_id = s1::first_text({member(agent, "siteId"), member(detection, "siteId")});
  t.site_name = s1::first_text({member(agent, "siteName"), member(detection, "siteName")});
  t.group_name = s1::first_text({member(agent, "groupName"), member(detection, "groupName")});
  t.agent_ips = s1::interface_ips(member(agent, "networkInterfaces"));

  t.classification = text(member(info, "classification"));
  t.confidence_level = text(member(info, "confidenceLevel"));
  t.analyst_verdict = text(member(info, "analystVerdict"));
  t.incident_status = text(member(info, "incidentStatus"));
  t.mitigation_status = text(member(info, "mitigationStatus"));
  t.file_path = text(member(info, "filePath"));
  t.sha1 = text(member(info, "sha1"));
  t.sha256 = text(member(info, "sha256"));
  t.md5 = text(member(info, "md5"));
  t.storyline = text(member(info, "storyline"));
  t.process_user = text(member(info, "processUser"));
  t.initiated_by = text(member(info, "initiatedBy"));
  t.detection_type = text(member(info, "detectionType"));
  t.external_ticket_id = text(member(info, "externalTicketId"));
  t.engines = s1::texts(member(info, "engines"));
  t.created_at = text(member(info, "createdAt"));
  t.updated_at = text(member(info, "updatedAt"));
  t.identified_at = text(member(info, "identifiedAt"));
  if (!t.created_at.empty()) t.created_at_ms = parse_rfc3339_ms(t.created_at);
  t.raw = object;
  return t;
}

ThreatNote parse_threat_note(const json& object) {
  ThreatNote n;
  n.id = text(member(object, "id"));
  n.text = text(member(object, "text"));
  n.creator = text(member(object, "creator"));
  n.creator_id = text(member(object, "creatorId"));
  n.created_at = text(member(object, "createdAt"));
  n.updated_at = text(member(object, "updatedAt"));
  n.edited = s1::flag(member(object, "edited"));
  n.raw = object;
  return n;
}

Result<std::string> tags_note_text(const std::vector<std::string>& tags) {
  if (tags.empty()) return Error{ErrorCode::invalid_argument, "threat tags: none given"};
  if (tags.size() > kMaxTags) {
    return Error{ErrorCode::invalid_argument, "threat tags: more than " + std::to_string(kMaxTags)};
  }
  // Closed by ']' so that the note of a tag subset is not a substring of a wider one.
  std::string out = "[triagent:tags: ";
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const std::string& tag = tags[i];
    if (tag.empty() || tag.size() > kMaxTagBytes) {
      return Error{ErrorCode::invalid_argument,
                   "threat tags: each must be 1.." + std::to_string(kMaxTagBytes) + " bytes"};
    }
    for (char c : tag) {
      if (c == ',' || c == '[' || c == ']' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return Error{ErrorCode::invalid_argument,
                     "threat tags: a tag may not hold ',', '[', ']' or control characters"};
      }
    }
    out += (i ? ", " : "") + tag;
  }
  return out + "]";
}

}  // namespace triagent
