#include "triagent/connectors/singularity_threats.hpp"

#include "connectors/singularity_http.hpp"
#include "connectors/singularity_json.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

Result<void> check_filter(const ThreatFilter& f) {
  if (auto ok = s1::check_ids(f.ids, "threat filter ids"); !ok) return ok;
  if (auto ok = s1::check_ids(f.agent_ids, "threat filter agent ids"); !ok) return ok;
  if (auto ok = s1::check_ids(f.storylines, "threat filter storylines"); !ok) return ok;
  return {};
}

s1::QueryString filter_query(const ThreatFilter& f, const SingularityConfig& config) {
  s1::QueryString q;
  q.add("limit", std::to_string(config.page_size));
  if (!f.ids.empty()) q.add_list("ids", f.ids);
  if (!f.agent_ids.empty()) q.add_list("agentIds", f.agent_ids);
  if (!f.storylines.empty()) q.add_list("storylines", f.storylines);
  if (!f.incident_statuses.empty()) q.add_list("incidentStatuses", f.incident_statuses);
  if (!f.analyst_verdicts.empty()) q.add_list("analystVerdicts", f.analyst_verdicts);
  if (!f.created_after.empty()) q.add("createdAt__gt", f.created_after);
  if (!f.updated_since.empty()) q.add("updatedAt__gte", f.updated_since);
  if (!f.sort_by.empty()) q.add("sortBy", f.sort_by);
  if (!f.sort_order.empty()) q.add("sortOrder", f.sort_order);
  s1::add_scope(q, config);
  return q;
}

}  // namespace

SingularityThreats::SingularityThreats(SingularityConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

asio::awaitable<Result<Threat>> SingularityThreats::get_threat(std::string threat_id, CallOptions options) {
  if (auto ok = s1::check_id(threat_id, "singularity get threat: threat id"); !ok) co_return ok.error();
  s1::QueryString q;
  q.add("ids", threat_id);
  s1::add_scope(q, config_);
  auto body = co_await s1::call_json(upstream_, config_.api_token, "GET", s1::api_path("/threats") + q.str(), "",
                                     std::move(options), "singularity get threat");
  if (!body) co_return body.error();
  // Only the threat asked for: a server that ignored `ids` must not hand back someone else's.
  for (const auto& item : s1::array_or_empty(s1::member(*body, "data"))) {
    auto threat = parse_threat(item);
    if (threat && threat->id == threat_id) co_return std::move(threat).value();
  }
  co_return Error{ErrorCode::not_found, "singularity get threat: threat " + threat_id + " not found"};
}

asio::awaitable<Result<ThreatList>> SingularityThreats::list_threats(ThreatFilter filter, CallOptions options) {
  if (auto ok = check_filter(filter); !ok) co_return ok.error();
  auto pages =
      co_await s1::get_all_pages(upstream_, config_.api_token, s1::api_path("/threats"), filter_query(filter, config_),
                                 config_.max_pages, std::move(options), "singularity list threats");
  if (!pages) co_return pages.error();
  ThreatList out;
  out.truncated = pages->truncated;
  out.total_items = pages->total_items;
  for (const auto& item : pages->items) {
    auto threat = parse_threat(item);
    if (threat) {
      out.threats.push_back(std::move(threat).value());
    } else {
      ++out.skipped;
    }
  }
  co_return out;
}

asio::awaitable<Result<std::vector<ThreatNote>>> SingularityThreats::list_notes(std::string threat_id,
                                                                                CallOptions options) {
  if (auto ok = s1::check_id(threat_id, "singularity list threat notes: threat id"); !ok) co_return ok.error();
  s1::QueryString q;
  q.add("limit", std::to_string(config_.page_size));
  auto pages =
      co_await s1::get_all_pages(upstream_, config_.api_token, s1::api_path("/threats/" + threat_id + "/notes"),
                                 std::move(q), config_.max_pages, std::move(options), "singularity list threat notes");
  if (!pages) co_return pages.error();
  std::vector<ThreatNote> notes;
  for (const auto& item : pages->items) {
    if (item.is_object()) notes.push_back(parse_threat_note(item));
  }
  co_return notes;
}

asio::awaitable<Result<std::int64_t>> SingularityThreats::add_note(std::string threat_id, std::string text,
                                                                   CallOptions options) {
  constexpr const char* what = "singularity add threat note";
  if (auto ok = s1::check_id(threat_id, "singularity add threat note: threat id"); !ok) co_return ok.error();
  if (text.empty()) co_return Error{ErrorCode::invalid_argument, std::string(what) + ": empty text"};
  std::string body = s1::to_body(s1::pinned_write(json{{"text", std::move(text)}}, threat_id));
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/threats/notes"),
                                       std::move(body), std::move(options), what);
  if (!answer) co_return answer.error();
  co_return s1::affected_count(*answer, what);
}

asio::awaitable<Result<NoteWrite>> SingularityThreats::add_note_once(std::string threat_id, std::string marker,
                                                                     std::string text, CallOptions options) {
  if (marker.empty() || text.find(marker) == std::string::npos) {
    co_return Error{ErrorCode::invalid_argument,
                    "singularity add threat note: the text must contain a non-empty marker"};
  }
  auto notes = co_await list_notes(threat_id, options);
  if (!notes) co_return notes.error();
  for (const auto& note : *notes) {
    if (note.text.find(marker) != std::string::npos) co_return NoteWrite{};
  }
  auto affected = co_await add_note(std::move(threat_id), std::move(text), std::move(options));
  if (!affected) co_return affected.error();
  co_return NoteWrite{true, *affected};
}

asio::awaitable<Result<NoteWrite>> SingularityThreats::add_tags(std::string threat_id, std::vector<std::string> tags,
                                                                CallOptions options) {
  auto text = tags_note_text(tags);
  if (!text) co_return text.error();
  std::string marker = *text;
  co_return co_await add_note_once(std::move(threat_id), std::move(marker), std::move(text).value(),
                                   std::move(options));
}

asio::awaitable<Result<std::int64_t>> SingularityThreats::set_analyst_verdict(std::string threat_id,
                                                                              AnalystVerdict verdict,
                                                                              CallOptions options) {
  constexpr const char* what = "singularity set threat analyst verdict";
  if (auto ok = s1::check_id(threat_id, std::string(what) + ": threat id"); !ok) co_return ok.error();
  json request = s1::pinned_write(json{{"analystVerdict", to_string(verdict)}}, threat_id);
  request["filter"]["tenant"] = "true";  // as apis.md B.5 shows; the ids still pin the write
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/threats/analyst-verdict"),
                                       s1::to_body(request), std::move(options), what);
  if (!answer) co_return answer.error();
  co_return s1::affected_count(*answer, what);
}

asio::awaitable<Result<std::int64_t>> SingularityThreats::set_incident_status(std::string threat_id,
                                                                              IncidentStatus status,
                                                                              CallOptions options) {
  constexpr const char* what = "singularity set threat incident status";
  if (auto ok = s1::check_id(threat_id, std::string(what) + ": threat id"); !ok) co_return ok.error();
  json request = s1::pinned_write(json{{"incidentStatus", to_string(status)}}, threat_id);
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/threats/incident"),
                                       s1::to_body(request), std::move(options), what);
  if (!answer) co_return answer.error();
  co_return s1::affected_count(*answer, what);
}

}  // namespace triagent
