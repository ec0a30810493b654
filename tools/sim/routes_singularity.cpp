// Singularity management API v2.1 routes (apis.md Part B): threats, threat notes, verdicts,
// incident status, ticket ids, agents and their network actions and tags, Deep Visibility.
#include <algorithm>
#include <set>

#include "api_errors.hpp"
#include "record_filter.hpp"
#include "route_util.hpp"
#include "router.hpp"
#include "scenario_render.hpp"
#include "sim_auth.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

constexpr const char* kApi = "/web/api/v2.1";

SimResponse validation(const std::string& detail) { return api_error(ApiFamily::singularity, 400, detail); }
SimResponse not_found(const std::string& detail) { return api_error(ApiFamily::singularity, 404, detail); }

json end_cursor(const SimContext& ctx) { return ctx.scenario.end_cursor_string ? json("null") : json(nullptr); }

struct Page {
  std::size_t offset = 0, limit = 10;
};

// limit (1..1000, default 10), cursor (ours) or skip.
Result<Page> page_params(const SimRequest& req, std::size_t max_limit = 1000) {
  Page p;
  if (auto limit = req.param("limit")) {
    try {
      const long long v = std::stoll(std::string(*limit));
      if (v < 1 || static_cast<std::size_t>(v) > max_limit) throw std::out_of_range("limit");
      p.limit = static_cast<std::size_t>(v);
    } catch (const std::exception&) {
      return Error(ErrorCode::invalid_argument, "limit must be an integer between 1 and " + std::to_string(max_limit));
    }
  }
  if (auto cursor = req.param("cursor"); cursor && !cursor->empty()) {
    auto offset = decode_offset_cursor(*cursor);
    if (!offset) return Error(ErrorCode::invalid_argument, "cursor is invalid");
    p.offset = *offset;
  } else if (auto skip = req.param("skip")) {
    try {
      p.offset = static_cast<std::size_t>(std::stoull(std::string(*skip)));
    } catch (const std::exception&) {
      return Error(ErrorCode::invalid_argument, "skip must be an integer");
    }
  }
  return p;
}

// The envelope of one page: `data` already cut to the page, `total` items in all.
json page_answer(const SimContext& ctx, json data, std::size_t total, const Page& p) {
  const std::size_t next = p.offset + p.limit;
  json cursor = next < total ? json(encode_offset_cursor(next)) : end_cursor(ctx);
  return json{{"data", std::move(data)}, {"pagination", {{"nextCursor", cursor}, {"totalItems", total}}}};
}

json paged(const SimContext& ctx, const std::vector<json>& items, const Page& p) {
  json data = json::array();
  for (std::size_t i = p.offset; i < items.size() && i < p.offset + p.limit; ++i) data.push_back(items[i]);
  return page_answer(ctx, std::move(data), items.size(), p);
}

bool in_list_param(const SimRequest& req, const char* name, const std::string& value, bool case_insensitive = false) {
  auto p = req.param(name);
  if (!p) return true;
  for (const auto& v : split_csv(std::string(*p))) {
    if (case_insensitive ? iequals(v, value) : v == value) return true;
  }
  return false;
}

// createdAt__gt=... style filters on a time in ns.
Result<bool> time_filters(const SimRequest& req, const std::string& field, std::int64_t value) {
  for (const char* op : {"__gt", "__gte", "__lt", "__lte"}) {
    auto p = req.param(field + op);
    if (!p) continue;
    auto bound = parse_iso_ns(*p);
    if (!bound) return Error(ErrorCode::invalid_argument, field + op + " must be an ISO-8601 time");
    const std::string o = op;
    if ((o == "__gt" && !(value > *bound)) || (o == "__gte" && !(value >= *bound)) || (o == "__lt" && !(value < *bound)) ||
        (o == "__lte" && !(value <= *bound))) {
      return false;
    }
  }
  return true;
}

SimResponse list_threats(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto page = page_params(req);
  if (!page) return validation(page.error().message);
  struct Row {
    const ScenarioThreat* t;
    std::int64_t updated;
  };
  std::vector<Row> rows;
  for (const auto& t : ctx.scenario.threats) {
    const ThreatLive& live = ctx.state.threats.at(t.id);
    const ScenarioAgent* agent = ctx.scenario.find_agent(t.agent_id);
    if (!in_list_param(req, "ids", t.id) || !in_list_param(req, "agentIds", t.agent_id) ||
        !in_list_param(req, "storylines", t.storyline) || !in_list_param(req, "incidentStatuses", live.incident_status, true) ||
        !in_list_param(req, "analystVerdicts", live.analyst_verdict, true) ||
        !in_list_param(req, "classifications", t.classification, true) ||
        !in_list_param(req, "confidenceLevels", t.confidence_level, true) ||
        !in_list_param(req, "mitigationStatuses", t.mitigation_status, true) ||
        !in_list_param(req, "computerName", agent->computer_name, true)) {
      continue;
    }
    auto created_ok = time_filters(req, "createdAt", t.created_at_ns);
    auto updated_ok = time_filters(req, "updatedAt", live.updated_ns);
    if (!created_ok) return validation(created_ok.error().message);
    if (!updated_ok) return validation(updated_ok.error().message);
    if (!*created_ok || !*updated_ok) continue;
    if (auto q = req.param("query"); q && !icontains(t.name, *q) && !icontains(agent->computer_name, *q) && !icontains(t.sha1, *q)) {
      continue;
    }
    rows.push_back({&t, live.updated_ns});
  }
  const std::string sort_by = std::string(req.param("sortBy").value_or("createdAt"));
  const bool desc = req.param("sortOrder").value_or("desc") != "asc";
  if (sort_by != "createdAt" && sort_by != "updatedAt" && sort_by != "id") {
    return validation("sortBy must be one of createdAt, updatedAt, id");
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (sort_by == "id") return desc ? b.t->id < a.t->id : a.t->id < b.t->id;
    const std::int64_t va = sort_by == "updatedAt" ? a.updated : a.t->created_at_ns;
    const std::int64_t vb = sort_by == "updatedAt" ? b.updated : b.t->created_at_ns;
    return desc ? vb < va : va < vb;
  });
  if (req.param("countOnly").value_or("false") == "true") {
    return SimResponse::json(200, {{"data", json::array()}, {"pagination", {{"nextCursor", nullptr}, {"totalItems", rows.size()}}}});
  }
  json data = json::array();  // only the page is rendered
  for (std::size_t i = page->offset; i < rows.size() && i < page->offset + page->limit; ++i) {
    data.push_back(render_threat(ctx.scenario, *rows[i].t, ctx.state));
  }
  return SimResponse::json(200, page_answer(ctx, std::move(data), rows.size(), *page));
}

const ScenarioThreat* find_threat(const SimContext& ctx, const std::string& id) {
  for (const auto& t : ctx.scenario.threats) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

SimResponse list_threat_notes(SimContext& ctx, const SimRequest& req, const PathParams& params) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  const std::string& id = params.at("id");
  if (!find_threat(ctx, id)) return not_found("threat " + id + " not found");
  auto page = page_params(req);
  if (!page) return validation(page.error().message);
  std::vector<json> notes;
  for (const auto& n : ctx.state.threat_notes) {
    if (n.threat_id == id) notes.push_back(render_threat_note(n));
  }
  if (req.param("sortOrder").value_or("asc") == "desc") std::reverse(notes.begin(), notes.end());
  return SimResponse::json(200, paged(ctx, notes, *page));
}

// {"data": {...}, "filter": {"ids": [...]}} as the bulk threat actions take it.
struct BulkBody {
  json data;
  std::vector<std::string> ids;
};

Result<BulkBody> bulk_body(const SimRequest& req, bool ids_required = true) {
  auto body = json_body(req);
  if (!body) return body.error();
  BulkBody b;
  b.data = body->value("data", json());
  const json filter = body->value("filter", json());
  if (!b.data.is_object()) return Error(ErrorCode::invalid_argument, "data must be an object");
  if (!filter.is_object()) return Error(ErrorCode::invalid_argument, "filter must be an object");
  b.ids = string_list(filter, "ids");
  if (ids_required && b.ids.empty()) return Error(ErrorCode::invalid_argument, "filter.ids is required (a list of threat ids)");
  return b;
}

SimResponse affected(std::size_t n) { return SimResponse::json(200, {{"data", {{"affected", n}}}}); }

SimResponse add_threat_notes(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto b = bulk_body(req);
  if (!b) return validation(b.error().message);
  const std::string text = string_field(b->data, "text");
  if (text.empty()) return validation("data.text is required");
  if (text.size() > 1024 * 1024) return validation("data.text is too long");
  std::size_t n = 0;
  for (const auto& id : b->ids) {
    if (!find_threat(ctx, id)) continue;
    ctx.state.threat_notes.push_back(ThreatNote{ctx.state.numeric_id(), id, text, ctx.scenario.api_user_name,
                                                ctx.scenario.api_user_id, ctx.scenario.now()});
    ++n;
  }
  return affected(n);
}

SimResponse update_threats(SimContext& ctx, const SimRequest& req, const char* field, const std::set<std::string>& allowed,
                           std::vector<json>& log) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto b = bulk_body(req);
  if (!b) return validation(b.error().message);
  const std::string value = string_field(b->data, field);
  if (!allowed.count(value)) {
    std::string list;
    for (const auto& v : allowed) list += (list.empty() ? "" : ", ") + v;
    return validation(std::string("data.") + field + " must be one of " + list);
  }
  std::size_t n = 0;
  for (const auto& id : b->ids) {
    auto it = ctx.state.threats.find(id);
    if (it == ctx.state.threats.end()) continue;
    std::string& current = std::string(field) == "analystVerdict" ? it->second.analyst_verdict
                           : std::string(field) == "incidentStatus" ? it->second.incident_status
                                                                    : it->second.external_ticket_id;
    if (current == value) continue;  // already so: not affected
    current = value;
    it->second.updated_ns = ctx.scenario.now();
    log.push_back({{"target", "threat"}, {"id", id}, {field, value}});
    ++n;
  }
  return affected(n);
}

SimResponse threat_verdict(SimContext& ctx, const SimRequest& req, const PathParams&) {
  static const std::set<std::string> allowed{"true_positive", "suspicious", "false_positive", "undefined"};
  return update_threats(ctx, req, "analystVerdict", allowed, ctx.state.verdict_log);
}

SimResponse threat_incident(SimContext& ctx, const SimRequest& req, const PathParams&) {
  static const std::set<std::string> allowed{"unresolved", "in_progress", "resolved"};
  return update_threats(ctx, req, "incidentStatus", allowed, ctx.state.status_log);
}

SimResponse threat_ticket(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto b = bulk_body(req);
  if (!b) return validation(b.error().message);
  const std::string value = string_field(b->data, "externalTicketId");
  if (value.empty()) return validation("data.externalTicketId is required");
  std::size_t n = 0;
  for (const auto& id : b->ids) {
    auto it = ctx.state.threats.find(id);
    if (it == ctx.state.threats.end()) continue;
    it->second.external_ticket_id = value;
    it->second.updated_ns = ctx.scenario.now();
    ctx.state.status_log.push_back({{"target", "threat"}, {"id", id}, {"externalTicketId", value}});
    ++n;
  }
  return affected(n);
}

// ---- agents ----

bool agent_matches_filter(const ScenarioAgent& a, const json& filter) {
  auto has = [&](const char* key, const std::string& value, bool icase) {
    auto list = string_list(filter, key);
    for (const auto& v : list) {
      if (icase ? iequals(v, value) : v == value) return true;
    }
    return false;
  };
  bool constrained = false;
  bool ok = true;
  for (auto [key, value, icase] : {std::tuple{"ids", a.id, false}, std::tuple{"uuids", a.uuid, true},
                                   std::tuple{"uuid", a.uuid, true}, std::tuple{"computerName", a.computer_name, true}}) {
    if (filter.contains(key)) {
      constrained = true;
      ok = ok && has(key, value, icase);
    }
  }
  if (filter.contains("networkInterfaceInet__contains")) {
    constrained = true;
    bool any = false;
    for (const auto& needle : string_list(filter, "networkInterfaceInet__contains")) {
      for (const auto& ip : a.inet) any = any || ip.find(needle) != std::string::npos;
    }
    ok = ok && any;
  }
  return constrained && ok;
}

SimResponse list_agents(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto page = page_params(req);
  if (!page) return validation(page.error().message);
  std::vector<json> items;
  for (const auto& a : ctx.scenario.agents) {
    const std::string& status = ctx.state.agents.at(a.id).network_status;
    if (!in_list_param(req, "ids", a.id) || !in_list_param(req, "uuids", a.uuid, true) ||
        !in_list_param(req, "uuid", a.uuid, true) || !in_list_param(req, "computerName", a.computer_name, true) ||
        !in_list_param(req, "networkStatuses", status, true)) {
      continue;
    }
    if (auto like = req.param("computerName__like"); like && !icontains(a.computer_name, *like)) continue;
    if (auto like = req.param("computerName__contains"); like && !icontains(a.computer_name, *like)) continue;
    if (auto ip = req.param("networkInterfaceInet__contains")) {
      bool any = false;
      for (const auto& i : a.inet) any = any || i.find(std::string(*ip)) != std::string::npos;
      if (!any) continue;
    }
    if (auto active = req.param("isActive"); active && (*active == "true") != a.is_active) continue;
    items.push_back(render_agent(ctx.scenario, a, ctx.state));
  }
  return SimResponse::json(200, paged(ctx, items, *page));
}

SimResponse agent_network_action(SimContext& ctx, const SimRequest& req, const char* action, const char* new_status) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto body = json_body(req);
  if (!body) return validation(body.error().message);
  const json filter = body->value("filter", json());
  if (!filter.is_object() || filter.empty()) return validation("filter is required and must not be empty");
  json ids = json::array();
  for (const auto& a : ctx.scenario.agents) {
    if (!agent_matches_filter(a, filter)) continue;
    ctx.state.agents.at(a.id).network_status = new_status;
    ids.push_back(a.id);
  }
  ctx.state.action_log.push_back({{"action", action}, {"filter", filter}, {"agentIds", ids}, {"affected", ids.size()}});
  return affected(ids.size());
}

SimResponse agents_disconnect(SimContext& ctx, const SimRequest& req, const PathParams&) {
  return agent_network_action(ctx, req, "disconnect", "disconnected");
}

SimResponse agents_connect(SimContext& ctx, const SimRequest& req, const PathParams&) {
  return agent_network_action(ctx, req, "connect", "connected");
}

SimResponse agents_manage_tags(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto body = json_body(req);
  if (!body) return validation(body.error().message);
  const json filter = body->value("filter", json());
  json ops = body->value("data", json());
  if (ops.is_object()) ops = json::array({ops});
  if (!filter.is_object() || filter.empty()) return validation("filter is required and must not be empty");
  if (!ops.is_array() || ops.empty()) return validation("data must be a list of {operation, tagId | key, value}");
  for (const auto& op : ops) {
    const std::string operation = op.is_object() ? string_field(op, "operation") : "";
    if (operation != "add" && operation != "remove" && operation != "override") {
      return validation("data[].operation must be add, remove or override");
    }
    if (!op.contains("tagId") && !op.contains("key")) return validation("data[] needs a tagId or a key");
  }
  json ids = json::array();
  for (const auto& a : ctx.scenario.agents) {
    if (!agent_matches_filter(a, filter)) continue;
    json& tags = ctx.state.agents.at(a.id).tags;
    for (const auto& op : ops) {
      const std::string operation = op["operation"].get<std::string>();
      const std::string tag_id = op.contains("tagId") ? scalar_text(op["tagId"]) : ctx.state.numeric_id();
      auto same = [&](const json& t) {
        return t.value("id", "") == tag_id || (op.contains("key") && t.value("key", "") == scalar_text(op["key"]));
      };
      if (operation != "add") tags.erase(std::remove_if(tags.begin(), tags.end(), same), tags.end());
      if (operation != "remove") {
        tags.push_back({{"id", tag_id},
                        {"key", op.contains("key") ? scalar_text(op["key"]) : "tag-" + tag_id},
                        {"value", op.contains("value") ? scalar_text(op["value"]) : ""},
                        {"assignedAt", format_iso_micros(ctx.scenario.now())},
                        {"assignedBy", ctx.scenario.api_user_name},
                        {"assignedById", ctx.scenario.api_user_id}});
      }
    }
    ids.push_back(a.id);
  }
  ctx.state.tag_log.push_back({{"target", "agents"}, {"agentIds", ids}, {"operations", ops}, {"filter", filter}});
  return affected(ids.size());
}

// ---- Deep Visibility (B.8) ----

std::optional<std::string> query_id_param(const SimRequest& req) {
  if (auto q = req.param("queryId")) return std::string(*q);
  if (auto q = req.param("query_id")) return std::string(*q);
  return std::nullopt;
}

SimResponse dv_init_query(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto body = json_body(req);
  if (!body) return validation(body.error().message);
  const std::string query = string_field(*body, "query");
  if (query.empty()) return validation("query is required");
  auto from = parse_iso_ns(string_field(*body, "fromDate"));
  auto to = parse_iso_ns(string_field(*body, "toDate"));
  if (!from || !to) return validation("fromDate and toDate are required ISO-8601 times");
  if (*to <= *from) return validation("toDate must be after fromDate");
  const std::int64_t limit = int_field(*body, "limit").value_or(20000);
  if (limit < 1 || limit > 20000) return validation("limit must be between 1 and 20000");
  auto filter = RecordFilter::parse(query);
  if (!filter) return validation(filter.error().message);
  DvQuery q;
  q.id = "q" + hex64(fnv1a64(query + std::to_string(ctx.state.next_id))) + hex64(ctx.state.next_id * 2654435761ULL);
  ++ctx.state.next_id;
  const auto& events = ctx.scenario.dv_events;
  for (std::size_t i = 0; i < events.size() && static_cast<std::int64_t>(q.matches.size()) < limit; ++i) {
    if (events[i].time_ns < *from || events[i].time_ns > *to) continue;
    if (filter->matches(ctx.dv_event_docs[i])) q.matches.push_back(i);
  }
  const std::string id = q.id;
  ctx.state.dv_queries[id] = std::move(q);
  return SimResponse::json(200, {{"data", {{"queryId", id}}}});
}

SimResponse dv_query_status(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto id = query_id_param(req);
  if (!id) return validation("queryId is required");
  auto it = ctx.state.dv_queries.find(*id);
  if (it == ctx.state.dv_queries.end()) return not_found("query " + *id + " not found");
  DvQuery& q = it->second;
  ++q.status_polls;
  const int running = ctx.scenario.dv_running_polls;
  std::string state;
  int progress;
  if (q.cancelled) {
    state = "QUERY_CANCEL";
    progress = 100;
  } else if (q.status_polls <= running) {
    state = "RUNNING";
    progress = q.status_polls * 100 / (running + 1);
  } else {
    state = q.matches.empty() ? "EMPTY_RESULTS" : "FINISHED";
    progress = 100;
  }
  return SimResponse::json(200, {{"data",
                                  {{"progressStatus", progress},
                                   {"queryModeInfo", {{"lastActivatedAt", format_iso_micros(ctx.scenario.now())}, {"mode", "scalyr"}}},
                                   {"responseState", state},
                                   {"warnings", nullptr}}}});
}

bool type_matches(const std::string& type_path, const std::string& event_type) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kTypes = {
      {"process", {"Process"}},       {"file", {"File"}},         {"ip", {"IP "}},
      {"dns", {"DNS"}},               {"registry", {"Registry"}}, {"login", {"Login", "Logout"}},
      {"scheduled_task", {"Task"}},   {"indicators", {"Behavioral Indicators"}},
      {"url", {"GET", "POST", "PUT", "DELETE", "HEAD", "CONNECT", "OPTIONS"}}, {"command_script", {"Command Script"}},
      {"cross_process", {"Remote", "Open Remote Process Handle", "Duplicate"}}, {"module", {"Module"}}};
  for (const auto& [name, prefixes] : kTypes) {
    if (!iequals(name, type_path)) continue;
    for (const auto& p : prefixes) {
      if (event_type.find(p) != std::string::npos) return true;
    }
    return false;
  }
  return iequals(type_path, event_type);
}

SimResponse dv_events_impl(SimContext& ctx, const SimRequest& req, const std::string& type_path) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto id = query_id_param(req);
  if (!id) return validation("queryId is required");
  auto it = ctx.state.dv_queries.find(*id);
  if (it == ctx.state.dv_queries.end()) return not_found("query " + *id + " not found");
  const DvQuery& q = it->second;
  if (q.cancelled) return validation("query " + *id + " was cancelled");
  if (q.status_polls <= ctx.scenario.dv_running_polls) {
    return validation("query " + *id + " is still running; poll /dv/query-status until FINISHED");
  }
  auto page = page_params(req);
  if (!page) return validation(page.error().message);
  std::vector<const json*> items;
  for (std::size_t index : q.matches) {
    const json& e = ctx.dv_event_docs[index];
    if (!type_path.empty() && !type_matches(type_path, e["eventType"].get<std::string>())) continue;
    items.push_back(&e);
  }
  if (req.param("sortOrder").value_or("asc") == "desc") std::reverse(items.begin(), items.end());
  json data = json::array();
  for (std::size_t i = page->offset; i < items.size() && i < page->offset + page->limit; ++i) data.push_back(*items[i]);
  return SimResponse::json(200, page_answer(ctx, std::move(data), items.size(), *page));
}

SimResponse dv_events(SimContext& ctx, const SimRequest& req, const PathParams&) { return dv_events_impl(ctx, req, ""); }

SimResponse dv_events_by_type(SimContext& ctx, const SimRequest& req, const PathParams& params) {
  return dv_events_impl(ctx, req, params.at("type"));
}

SimResponse dv_cancel(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::singularity)) return *denied;
  auto body = json_body(req);
  if (!body) return validation(body.error().message);
  auto it = ctx.state.dv_queries.find(string_field(*body, "queryId"));
  if (it == ctx.state.dv_queries.end()) return not_found("query not found");
  it->second.cancelled = true;
  return SimResponse::json(200, {{"data", {{"success", true}}}});
}

}  // namespace

void add_singularity_routes(Router& r) {
  const std::string api = kApi;
  r.add("GET", api + "/threats", ApiFamily::singularity, list_threats, RouteKind::read);
  r.add("GET", api + "/threats/{id}/notes", ApiFamily::singularity, list_threat_notes, RouteKind::read);
  r.add("POST", api + "/threats/notes", ApiFamily::singularity, add_threat_notes);
  r.add("POST", api + "/threats/analyst-verdict", ApiFamily::singularity, threat_verdict);
  r.add("POST", api + "/threats/incident", ApiFamily::singularity, threat_incident);
  r.add("POST", api + "/threats/external-ticket-id", ApiFamily::singularity, threat_ticket);
  r.add("GET", api + "/agents", ApiFamily::singularity, list_agents, RouteKind::read);
  r.add("POST", api + "/agents/actions/disconnect", ApiFamily::singularity, agents_disconnect);
  r.add("POST", api + "/agents/actions/connect", ApiFamily::singularity, agents_connect);
  r.add("POST", api + "/agents/actions/manage-tags", ApiFamily::singularity, agents_manage_tags);
  r.add("POST", api + "/dv/init-query", ApiFamily::singularity, dv_init_query);
  r.add("GET", api + "/dv/query-status", ApiFamily::singularity, dv_query_status);
  r.add("GET", api + "/dv/events", ApiFamily::singularity, dv_events, RouteKind::read);
  r.add("GET", api + "/dv/events/{type}", ApiFamily::singularity, dv_events_by_type, RouteKind::read);
  r.add("POST", api + "/dv/cancel-query", ApiFamily::singularity, dv_cancel);
}

}  // namespace triagent::sim
