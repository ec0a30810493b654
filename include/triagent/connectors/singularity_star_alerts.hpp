#pragma once
// SingularityStarAlerts: STAR / cloud-detection alerts over the Management API v2.1 REST path
// (apis.md B.6, B.5): read one alert or a filtered list for context, and - behind a human approval
// only - change an alert's analyst verdict or incident status. Notes on these alerts go through the
// unified alerts GraphQL connector (singularity_alerts_graphql.hpp): REST has no notes endpoint.
//
//   SingularityStarAlerts star(cfg, Upstream{&client, &policy, cfg.base_url});
//   Result<StarAlert> a = co_await star.get_alert("123456");
//   use(a->rule_name, a->agent_name, a->process_storyline);
//   auto n = co_await star.set_incident_status(a->id, IncidentStatus::in_progress);  // approval-gated
//
// Read values keep the API's casing ("Unresolved", "Undefined"); writes use the lower-case enums
// (apis.md D.4): compare case-insensitively. No threads; config, client and policy outlive it.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// The fields of a cloud-detection alert the pipeline uses (samples/s1_cloud_detection_alerts_response.json).
struct StarAlert {
  std::string id;               // alertInfo.alertId
  std::string analyst_verdict;  // "Undefined", ...
  std::string incident_status;  // "Unresolved", ...
  std::string created_at;
  std::string updated_at;
  std::string event_type;
  std::string dv_event_id;
  std::string source;  // "STAR"
  std::string src_ip;
  std::string dst_ip;
  std::string rule_id;
  std::string rule_name;
  std::string rule_severity;
  std::string rule_query;  // ruleInfo.s1ql
  std::string agent_id;    // agentRealtimeInfo.id
  std::string agent_uuid;
  std::string agent_name;
  std::string agent_os;
  std::string site_id;  // agentDetectionInfo.siteId
  std::string process_name;
  std::string process_cmdline;
  std::string process_path;
  std::string process_sha1;
  std::string process_user;
  std::string process_pid;
  std::string process_storyline;
  nlohmann::json raw;
};

struct StarAlertFilter {
  std::vector<std::string> ids;
  std::string created_since;    // createdAt__gte, ISO-8601 UTC
  std::string incident_status;  // incidentStatus, e.g. UNRESOLVED
  std::string sort_by = "alertInfoCreatedAt";
  std::string sort_order = "asc";
};

struct StarAlertList {
  std::vector<StarAlert> alerts;
  bool truncated = false;
  std::optional<std::int64_t> total_items;
  int skipped = 0;
};

// One element of a cloud-detection alerts `data` list; invalid_argument without alertInfo.alertId.
Result<StarAlert> parse_star_alert(const nlohmann::json& object);

class SingularityStarAlerts {
 public:
  SingularityStarAlerts(SingularityConfig config, Upstream upstream);

  // GET /cloud-detection/alerts?ids=<id>[&accountIds][&siteIds]: not_found when not listed.
  boost::asio::awaitable<Result<StarAlert>> get_alert(std::string alert_id, CallOptions options = {});

  // GET /cloud-detection/alerts?limit=<page_size>&<filter>, cursor-paged up to max_pages.
  boost::asio::awaitable<Result<StarAlertList>> list_alerts(StarAlertFilter filter, CallOptions options = {});

  // Approval-gated. POST /cloud-detection/alerts/analyst-verdict, same body as the threat one.
  boost::asio::awaitable<Result<std::int64_t>> set_analyst_verdict(std::string alert_id, AnalystVerdict verdict,
                                                                   CallOptions options = {});

  // Approval-gated. POST /cloud-detection/alerts/incident {"data":{"incidentStatus"},"filter":{"ids":[id]}}.
  boost::asio::awaitable<Result<std::int64_t>> set_incident_status(std::string alert_id, IncidentStatus status,
                                                                   CallOptions options = {});

 private:
  SingularityConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
