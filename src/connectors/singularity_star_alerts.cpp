#include "triagent/connectors/singularity_star_alerts.hpp"

#include "connectors/singularity_http.hpp"
#include "connectors/singularity_json.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;
using s1::member;
using s1::text;

Result<StarAlert> parse_star_alert(const json& object) {
  if (!object.is_object()) return Error{ErrorCode::invalid_argument, "star alert: not a JSON object"};
  const json* info = member(object, "alertInfo");
  const json* rule = member(object, "ruleInfo");
  const json* agent = member(object, "agentRealtimeInfo");
  const json* detection = member(object, "agentDetectionInfo");
  const json* process = member(object, "sourceProcessInfo");

  StarAlert a;
  a.id = text(member(info, "alertId"));
  if (a.id.empty()) return Error{ErrorCode::invalid_argument, "star alert: no alertInfo.alertId"};
  a.analyst_verdict = text(member(info, "analystVerdict"));
  a.incident_status = text(member(info, "incidentStatus"));
  a.created_at = text(member(info, "createdAt"));
  a.updated_at = text(member(info, "updatedAt"));
  a.event_type = text(member(info, "eventType"));
  a.dv_event_id = text(member(info, "dvEventId"));
  a.source = text(member(info, "source"));
  a.src_ip = text(member(info, "srcIp"));
  a.dst_ip = text(member(info, "dstIp"));
  a.rule_id = text(member(rule, "id"));
  a.rule_name = text(member(rule, "name"));
  a.rule_severity = text(member(rule, "severity"));
  a.rule_query = text(member(rule, "s1ql"));
  a.agent_id = text(member(agent, "id"));
  a.agent_uuid = s1::first_text({member(agent, "uuid"), member(detection, "uuid")});
  a.agent_name = s1::first_text({member(agent, "name"), member(detection, "name")});
  a.agent_os = s1::first_text({member(agent, "os"), member(detection, "osFamily")});
  a.site_id = text(member(detection, "siteId"));
  a.process_name = text(member(process, "name"));
  a.process_cmdline = text(member(process, "commandline"));
  a.process_path = text(member(process, "filePath"));
  a.process_sha1 = text(member(process, "fileHashSha1"));
  a.process_user = text(member(process, "user"));
  a.process_pid = text(member(process, "pid"));
  a.process_storyline = text(member(process, "storyline"));
  a.raw = object;
  return a;
}

SingularityStarAlerts::SingularityStarAlerts(SingularityConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

asio::awaitable<Result<StarAlert>> SingularityStarAlerts::get_alert(std::string alert_id, CallOptions options) {
  if (auto ok = s1::check_id(alert_id, "singularity get star alert: alert id"); !ok) co_return ok.error();
  s1::QueryString q;
  q.add("ids", alert_id);
  s1::add_scope(q, config_);
  auto body =
      co_await s1::call_json(upstream_, config_.api_token, "GET", s1::api_path("/cloud-detection/alerts") + q.str(), "",
                             std::move(options), "singularity get star alert");
  if (!body) co_return body.error();
  for (const auto& item : s1::array_or_empty(member(*body, "data"))) {
    auto alert = parse_star_alert(item);
    if (alert && alert->id == alert_id) co_return std::move(alert).value();
  }
  co_return Error{ErrorCode::not_found, "singularity get star alert: alert " + alert_id + " not found"};
}

asio::awaitable<Result<StarAlertList>> SingularityStarAlerts::list_alerts(StarAlertFilter filter, CallOptions options) {
  if (auto ok = s1::check_ids(filter.ids, "singularity list star alerts: ids"); !ok) co_return ok.error();
  s1::QueryString q;
  q.add("limit", std::to_string(config_.page_size));
  if (!filter.ids.empty()) q.add_list("ids", filter.ids);
  if (!filter.created_since.empty()) q.add("createdAt__gte", filter.created_since);
  if (!filter.incident_status.empty()) q.add("incidentStatus", filter.incident_status);
  if (!filter.sort_by.empty()) q.add("sortBy", filter.sort_by);
  if (!filter.sort_order.empty()) q.add("sortOrder", filter.sort_order);
  s1::add_scope(q, config_);
  auto pages =
      co_await s1::get_all_pages(upstream_, config_.api_token, s1::api_path("/cloud-detection/alerts"), std::move(q),
                                 config_.max_pages, std::move(options), "singularity list star alerts");
  if (!pages) co_return pages.error();
  StarAlertList out;
  out.truncated = pages->truncated;
  out.total_items = pages->total_items;
  for (const auto& item : pages->items) {
    auto alert = parse_star_alert(item);
    if (alert) {
      out.alerts.push_back(std::move(alert).value());
    } else {
      ++out.skipped;
    }
  }
  co_return out;
}

asio::awaitable<Result<std::int64_t>> SingularityStarAlerts::set_analyst_verdict(std::string alert_id,
                                                                                 AnalystVerdict verdict,
                                                                                 CallOptions options) {
  constexpr const char* what = "singularity set star alert analyst verdict";
  if (auto ok = s1::check_id(alert_id, std::string(what) + ": alert id"); !ok) co_return ok.error();
  json request = s1::pinned_write(json{{"analystVerdict", to_string(verdict)}}, alert_id);
  request["filter"]["tenant"] = "true";  // "same shape as threats" (apis.md B.5)
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST",
                                       s1::api_path("/cloud-detection/alerts/analyst-verdict"), s1::to_body(request),
                                       std::move(options), what);
  if (!answer) co_return answer.error();
  co_return s1::affected_count(*answer, what);
}

asio::awaitable<Result<std::int64_t>> SingularityStarAlerts::set_incident_status(std::string alert_id,
                                                                                 IncidentStatus status,
                                                                                 CallOptions options) {
  constexpr const char* what = "singularity set star alert incident status";
  if (auto ok = s1::check_id(alert_id, std::string(what) + ": alert id"); !ok) co_return ok.error();
  json request = s1::pinned_write(json{{"incidentStatus", to_string(status)}}, alert_id);
  auto answer =
      co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/cloud-detection/alerts/incident"),
                             s1::to_body(request), std::move(options), what);
  if (!answer) co_return answer.error();
  co_return s1::affected_count(*answer, what);
}

}  // namespace triagent
