// DataSet / SDL routes (apis.md Part A): /api/query, /api/powerQuery, /api/addEvents and the
// Long Running Query protocol on /sdl/v2/api/queries.
#include <algorithm>
#include <set>

#include "api_errors.hpp"
#include "power_query.hpp"
#include "record_filter.hpp"
#include "route_util.hpp"
#include "router.hpp"
#include "scenario_render.hpp"
#include "sim_auth.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

constexpr std::int64_t kDayNs = 86400LL * 1000000000LL;
const std::set<std::string> kSessionLevel{"timestamp", "message", "severity", "session", "serverHost", "logfile"};

SimResponse bad_param(const std::string& message) { return api_error(ApiFamily::dataset, 400, message); }

struct TimeRange {
  std::int64_t start = 0, end = 0;
};

// startTime / endTime as DataSet reads them; relative times count back from the scenario's clock.
Result<TimeRange> time_range(const SimContext& ctx, const json& body, std::int64_t default_span_ns) {
  const std::int64_t now = ctx.scenario.now();
  const std::string start_text = time_text(body, "startTime");
  const std::string end_text = time_text(body, "endTime");
  auto start = parse_time_bound(start_text, now, now - default_span_ns);
  auto end = parse_time_bound(end_text, now, now + 1);
  if (!start) return Error(ErrorCode::invalid_argument, "startTime '" + start_text + "' is not a time");
  if (!end) return Error(ErrorCode::invalid_argument, "endTime '" + end_text + "' is not a time");
  if (*end <= *start) return Error(ErrorCode::invalid_argument, "endTime must be after startTime");
  return TimeRange{*start, *end};
}

json to_match(const json& record, const std::vector<std::string>& columns) {
  json attributes = json::object();
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (kSessionLevel.count(it.key())) continue;
    if (!columns.empty() && std::find(columns.begin(), columns.end(), it.key()) == columns.end()) continue;
    attributes[it.key()] = it.value();
  }
  json m{{"timestamp", std::to_string(record["timestamp"].get<std::int64_t>())},
         {"severity", record.value("severity", 3)},
         {"session", record.value("session", "")},
         {"thread", "1"},
         {"attributes", attributes}};
  if (columns.empty() || std::find(columns.begin(), columns.end(), "message") != columns.end()) {
    m["message"] = record.value("message", "");
  }
  return m;
}

SimResponse dataset_query(SimContext& ctx, const SimRequest& req, const PathParams&) {
  auto body = json_body(req);
  if (!body) return bad_param(body.error().message);
  if (auto denied = check_dataset_key(ctx, req, &*body, KeyUse::read)) return *denied;
  const std::string query_type = string_field(*body, "queryType", "log");
  if (query_type != "log") return bad_param("queryType '" + query_type + "' is not served by /api/query here (use log)");
  auto range = time_range(ctx, *body, kDayNs);
  if (!range) return bad_param(range.error().message);
  const std::int64_t max_count = int_field(*body, "maxCount").value_or(100);
  if (max_count < 1 || max_count > 5000) return bad_param("maxCount must be between 1 and 5000");
  const std::string page_mode = string_field(*body, "pageMode", "tail");
  if (page_mode != "head" && page_mode != "tail") return bad_param("pageMode must be head or tail");
  auto filter = RecordFilter::parse(string_field(*body, "filter"));
  if (!filter) return bad_param(filter.error().message);
  std::int64_t offset = 0;
  if (const std::string token = string_field(*body, "continuationToken"); !token.empty()) {
    auto decoded = decode_offset_cursor(token);
    if (!decoded) return bad_param("continuationToken is not one this server issued");
    offset = static_cast<std::int64_t>(*decoded);
  }
  std::vector<const json*> hits;
  for (const json* r : ctx.records_between(range->start, range->end)) {
    if (filter->matches(*r)) hits.push_back(r);
  }
  const std::vector<std::string> columns = split_csv(string_field(*body, "columns"));
  const std::int64_t total = static_cast<std::int64_t>(hits.size());
  std::int64_t first, last;  // [first, last) of hits, oldest first
  if (page_mode == "head") {
    first = std::min(offset, total);
    last = std::min(total, first + max_count);
  } else {
    last = std::max<std::int64_t>(0, total - offset);
    first = std::max<std::int64_t>(0, last - max_count);
  }
  json matches = json::array();
  json sessions = json::object();
  for (std::int64_t i = first; i < last; ++i) {
    const json& r = *hits[static_cast<std::size_t>(i)];
    matches.push_back(to_match(r, columns));
    const std::string session = r.value("session", "");
    if (!sessions.contains(session)) {
      sessions[session] = {{"serverHost", r.value("serverHost", "")}, {"logfile", r.value("logfile", "")}};
    }
  }
  json answer{{"status", "success"}, {"matches", matches}, {"sessions", sessions}, {"cpuUsage", 0.001}};
  const std::int64_t consumed = offset + (last - first);
  if (consumed < total) answer["continuationToken"] = encode_offset_cursor(static_cast<std::size_t>(consumed));
  return SimResponse::json(200, answer);
}

SimResponse dataset_power_query(SimContext& ctx, const SimRequest& req, const PathParams&) {
  auto body = json_body(req);
  if (!body) return bad_param(body.error().message);
  if (auto denied = check_dataset_key(ctx, req, &*body, KeyUse::read)) return *denied;
  const std::string query = string_field(*body, "query");
  if (query.empty()) return bad_param("query is required");
  if (query.size() > 10000) return bad_param("query is longer than 10000 characters");
  auto range = time_range(ctx, *body, kDayNs);
  if (!range) return bad_param(range.error().message);
  auto table = run_power_query(query, ctx.records_between(range->start, range->end));
  if (!table) return bad_param(table.error().message);
  json columns = json::array();
  for (const auto& c : table->columns) columns.push_back({{"name", c}});
  json values = json::array();
  for (auto& row : table->rows) values.push_back(row);
  return SimResponse::json(200, {{"status", "success"},
                                 {"matchingEvents", static_cast<double>(table->matching_events)},
                                 {"omittedEvents", 0.0},
                                 {"columns", columns},
                                 {"values", values},
                                 {"warnings", table->warnings},
                                 {"cpuUsage", 0.002}});
}

// One event of an addEvents body as a queryable record.
json ingested_record(const json& event, const json& session_info, const json& logs, const std::string& session,
                     std::int64_t ts) {
  json r = json::object();
  if (auto lid = event.find("log"); lid != event.end() && lid->is_string() && logs.is_array()) {
    for (const auto& l : logs) {
      if (l.is_object() && l.value("id", "") == lid->get<std::string>() && l.contains("attrs") && l["attrs"].is_object()) {
        for (auto it = l["attrs"].begin(); it != l["attrs"].end(); ++it) r[it.key()] = it.value();
      }
    }
  }
  if (event.contains("attrs") && event["attrs"].is_object()) {
    for (auto it = event["attrs"].begin(); it != event["attrs"].end(); ++it) r[it.key()] = it.value();
  }
  if (session_info.is_object()) {
    for (auto it = session_info.begin(); it != session_info.end(); ++it) {
      if (!r.contains(it.key())) r[it.key()] = it.value();
    }
  }
  r["timestamp"] = ts;
  r["severity"] = event.value("sev", 3);
  r["session"] = session;
  if (!r.contains("serverHost")) r["serverHost"] = "unknown";
  return r;
}

SimResponse dataset_add_events(SimContext& ctx, const SimRequest& req, const PathParams&) {
  const auto& s = ctx.scenario;
  if (req.body.size() > s.add_events_max_bytes) {
    // Checked before anything else, as a gateway would: the body is never parsed.
    return api_error(ApiFamily::dataset, 413,
                     "request body of " + std::to_string(req.body.size()) + " bytes exceeds the limit of " +
                         std::to_string(s.add_events_max_bytes) + " bytes; split the batch (requestTooLarge)");
  }
  auto body = json_body(req);
  if (!body) return bad_param(body.error().message);
  if (auto denied = check_dataset_key(ctx, req, &*body, KeyUse::write)) return *denied;
  const std::string session = string_field(*body, "session");
  if (session.empty()) return bad_param("session is required");
  const json session_info = body->value("sessionInfo", json::object());
  if (!session_info.is_object()) return bad_param("sessionInfo must be an object");
  auto events_it = body->find("events");
  if (events_it == body->end() || !events_it->is_array()) return bad_param("events must be a list");
  auto& st = ctx.state;
  auto existing = st.sessions.find(session);
  if (existing != st.sessions.end() && !existing->second.session_info.empty() && existing->second.session_info != session_info) {
    return bad_param("sessionInfo differs from the one sent earlier in session " + session);
  }
  // Validate the whole batch before storing any of it.
  std::optional<std::int64_t> last = existing == st.sessions.end() ? std::nullopt : existing->second.last_ts;
  std::vector<std::int64_t> stamps;
  std::size_t index = 0;
  for (const auto& e : *events_it) {
    if (!e.is_object()) return bad_param("events[" + std::to_string(index) + "] is not an object");
    const std::string ts_text = string_field(e, "ts");
    std::int64_t ts = 0;
    try {
      std::size_t used = 0;
      ts = std::stoll(ts_text, &used);
      if (used != ts_text.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return bad_param("events[" + std::to_string(index) + "].ts must be a string of nanoseconds since the epoch");
    }
    if (last && ts <= *last) {
      return bad_param("events[" + std::to_string(index) + "].ts " + ts_text +
                       " is not greater than the previous ts " + std::to_string(*last) +
                       " in session " + session + "; ts must be strictly increasing within a session");
    }
    if (e.contains("sev") && (!e["sev"].is_number_integer() || e["sev"].get<int>() < 0 || e["sev"].get<int>() > 6)) {
      return bad_param("events[" + std::to_string(index) + "].sev must be an integer 0..6");
    }
    last = ts;
    stamps.push_back(ts);
    ++index;
  }
  AddEventsSession& sess = st.sessions[session];
  sess.session_info = session_info;
  sess.requests += 1;
  sess.bytes += req.body.size();
  if (last) sess.last_ts = last;
  const json logs = body->value("logs", json::array());
  index = 0;
  for (const auto& e : *events_it) {
    sess.events.push_back(e);
    st.add_ingested(ingested_record(e, session_info, logs, session, stamps[index++]));
  }
  return SimResponse::json(200, {{"status", "success"}, {"bytesCharged", req.body.size()}});
}

// ---- Long Running Query (A.8) ----

json column_specs(const TableResult& t) {
  json out = json::array();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    bool numeric = !t.rows.empty();
    for (const auto& row : t.rows) numeric = numeric && (row[c].is_number() || row[c].is_null());
    std::string type = t.columns[c] == "timestamp" ? "TIMESTAMP" : (numeric ? "NUMBER" : "STRING");
    json spec{{"name", t.columns[c]}, {"cellType", type}};
    if (type == "NUMBER") spec["decimalPlaces"] = 0;
    out.push_back(spec);
  }
  return out;
}

json lrq_body(const SimContext& ctx, const LrqQuery& q) {
  const int total = ctx.scenario.lrq_steps;
  const bool done = q.steps_completed >= total;
  return json{{"id", q.id},
              {"stepsCompleted", q.steps_completed},
              {ctx.scenario.lrq_total_field, total},
              {"resolvedTimeRange", q.resolved_range},
              {"error", nullptr},
              {"data", done ? q.data : json(nullptr)},
              {"cpuUsage", done ? 0.003 : 0.0}};
}

SimResponse lrq_answer(const SimContext& ctx, const LrqQuery& q) {
  SimResponse r = SimResponse::json(200, lrq_body(ctx, q));
  r.with_header("X-Dataset-Query-Forward-Tag", q.forward_tag);
  return r;
}

SimResponse lrq_bad(const std::string& message) { return api_error(ApiFamily::lrq, 400, message); }

SimResponse lrq_launch(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_lrq_auth(ctx, req)) return *denied;
  auto body = json_body(req);
  if (!body) return lrq_bad(body.error().message);
  const std::string type = string_field(*body, "queryType");
  if (type.empty()) return lrq_bad("queryType is required");
  if (body->value("tenant", false) == true && body->contains("accountIds")) {
    return lrq_bad("accountIds cannot be combined with tenant: true");
  }
  auto range = time_range(ctx, *body, 3600LL * 1000000000LL);
  if (!range) return lrq_bad(range.error().message);
  LrqQuery q;
  q.id = ctx.state.new_id("lrq-");
  q.forward_tag = "sim-" + hex64(fnv1a64(q.id)).substr(0, 12);
  q.resolved_range = {{"start", range->start}, {"end", range->end}};
  const bool scoped = body->value("tenant", false) == true || body->contains("accountIds") || body->contains("accountEmails") ||
                      body->contains("teamEmails");
  // As on SDL: without tenant:true or accountIds the query runs on a (near) empty scope.
  std::vector<const json*> records = scoped ? ctx.records_between(range->start, range->end) : std::vector<const json*>{};
  if (type == "PQ") {
    const json pq = body->value("pq", json::object());
    const std::string query = pq.is_object() ? string_field(pq, "query") : "";
    if (query.empty()) return lrq_bad("pq.query is required for queryType PQ");
    auto table = run_power_query(query, records);
    if (!table) return lrq_bad(table.error().message);
    json values = json::array();
    for (auto& row : table->rows) values.push_back(row);
    q.data = {{"matchCount", table->matching_events},
              {"columns", column_specs(*table)},
              {"values", values},
              {"keyColumns", json::array()},
              {"omittedEvents", 0},
              {"partialResultsDueToTimeLimit", false},
              {"warnings", table->warnings}};
    if (!scoped) q.data["warnings"].push_back("no tenant or accountIds given: the query ran on an empty scope");
  } else if (type == "LOG") {
    const json log = body->value("log", json::object());
    auto filter = RecordFilter::parse(log.is_object() ? string_field(log, "filter") : "");
    if (!filter) return lrq_bad(filter.error().message);
    const std::int64_t limit = log.is_object() ? int_field(log, "limit").value_or(1000) : 1000;
    const bool ascending = !log.is_object() || log.value("ascending", true) != false;
    std::vector<const json*> hits;
    for (const json* r : records) {
      if (filter->matches(*r)) hits.push_back(r);
    }
    if (!ascending) std::reverse(hits.begin(), hits.end());
    json matches = json::array();
    for (std::size_t i = 0; i < hits.size() && static_cast<std::int64_t>(i) < limit; ++i) {
      const json& r = *hits[i];
      json values = json::object();
      for (auto it = r.begin(); it != r.end(); ++it) {
        if (it.key() != "timestamp" && it.key() != "session" && it.key() != "severity") values[it.key()] = it.value();
      }
      matches.push_back({{"cursor", encode_offset_cursor(i)},
                         {"serverInfo", {{"serverHost", r.value("serverHost", "")}, {"logfile", r.value("logfile", "")}}},
                         {"sessionId", r.value("session", "")},
                         {"severity", r.value("severity", 3)},
                         {"threadId", "1"},
                         {"timestamp", r["timestamp"]},
                         {"values", values}});
    }
    q.data = {{"estimatedMatchCount", hits.size()}, {"matches", matches}};
  } else {
    return lrq_bad("queryType " + type + " is not supported by triagent-sim (PQ and LOG are)");
  }
  auto& stored = ctx.state.lrq_queries[q.id] = std::move(q);
  return lrq_answer(ctx, stored);
}

LrqQuery* find_lrq(SimContext& ctx, const std::string& id) {
  auto it = ctx.state.lrq_queries.find(id);
  return it == ctx.state.lrq_queries.end() ? nullptr : &it->second;
}

std::optional<SimResponse> check_forward_tag(const SimRequest& req, const LrqQuery& q) {
  auto tag = req.header("x-dataset-query-forward-tag");
  if (!tag) return lrq_bad("missing X-Dataset-Query-Forward-Tag header (send the one the launch answer carried)");
  if (*tag != q.forward_tag) return api_error(ApiFamily::lrq, 404, "query " + q.id + " is not known to this forward tag");
  return std::nullopt;
}

SimResponse lrq_poll(SimContext& ctx, const SimRequest& req, const PathParams& params) {
  if (auto denied = check_lrq_auth(ctx, req)) return *denied;
  LrqQuery* q = find_lrq(ctx, params.at("id"));
  if (!q) return api_error(ApiFamily::lrq, 404, "query " + params.at("id") + " not found (expired or deleted)");
  if (auto bad = check_forward_tag(req, *q)) return *bad;
  q->steps_completed = std::min(ctx.scenario.lrq_steps, q->steps_completed + 1);
  return lrq_answer(ctx, *q);
}

SimResponse lrq_delete(SimContext& ctx, const SimRequest& req, const PathParams& params) {
  if (auto denied = check_lrq_auth(ctx, req)) return *denied;
  LrqQuery* q = find_lrq(ctx, params.at("id"));
  if (!q) return api_error(ApiFamily::lrq, 404, "query " + params.at("id") + " not found");
  if (auto bad = check_forward_tag(req, *q)) return *bad;
  ctx.state.lrq_queries.erase(params.at("id"));
  return SimResponse::empty(204);
}

}  // namespace

void add_dataset_routes(Router& r) {
  r.add("POST", "/api/query", ApiFamily::dataset, dataset_query, RouteKind::read);
  r.add("POST", "/api/powerQuery", ApiFamily::dataset, dataset_power_query, RouteKind::read);
  r.add("POST", "/api/addEvents", ApiFamily::dataset, dataset_add_events);
  r.add("POST", "/addEvents", ApiFamily::dataset, dataset_add_events);
  r.add("POST", "/sdl/v2/api/queries", ApiFamily::lrq, lrq_launch);
  r.add("GET", "/sdl/v2/api/queries/{id}", ApiFamily::lrq, lrq_poll);
  r.add("DELETE", "/sdl/v2/api/queries/{id}", ApiFamily::lrq, lrq_delete);
}

}  // namespace triagent::sim
