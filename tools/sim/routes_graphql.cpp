// Unified Alert Management GraphQL (apis.md B.7): POST /web/api/v2.1/unifiedalerts/graphql.
// Not a GraphQL engine: the operation is recognised by name (alert, alerts, alertNotes,
// addAlertNote, alertTriggerActions) and arguments are read from `variables` or, when written
// inline, from the query text. Answers carry the whole alert object (a superset of any selection).
#include <cctype>

#include "api_errors.hpp"
#include "route_util.hpp"
#include "router.hpp"
#include "scenario_render.hpp"
#include "sim_auth.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

// A 200 carrying GraphQL errors (and `data`, null unless a partial answer is meaningful).
SimResponse graphql_errors(const std::string& message, const char* code, const json& path = json::array(),
                           const json& data = nullptr) {
  return SimResponse::json(200, {{"data", data},
                                 {"errors", json::array({{{"message", message}, {"path", path}, {"extensions", {{"code", code}}}}})}});
}

// The value written inline after `key:` in the query text: "text", an ENUM word, or the same
// inside {value: ...}. nullopt when the key is not there.
std::optional<std::string> inline_arg(std::string_view q, std::string_view key, std::size_t from = 0) {
  for (std::size_t pos = q.find(key, from); pos != std::string_view::npos; pos = q.find(key, pos + 1)) {
    const bool word_start = pos == 0 || !(std::isalnum(static_cast<unsigned char>(q[pos - 1])) || q[pos - 1] == '_');
    std::size_t i = pos + key.size();
    if (!word_start || (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '_'))) continue;
    auto skip = [&] {
      while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
    };
    skip();
    if (i >= q.size() || q[i] != ':') continue;
    ++i;
    skip();
    if (i < q.size() && q[i] == '{') {  // {value: ...}
      ++i;
      skip();
      if (q.substr(i, 5) == "value") {
        i += 5;
        skip();
        if (i < q.size() && q[i] == ':') ++i;
        skip();
      }
    }
    if (i < q.size() && q[i] == '$') return std::nullopt;  // a variable: read `variables` instead
    if (i < q.size() && q[i] == '"') {
      std::string out;
      for (++i; i < q.size() && q[i] != '"'; ++i) {
        if (q[i] == '\\' && i + 1 < q.size()) ++i;
        out.push_back(q[i]);
      }
      return out;
    }
    std::size_t start = i;
    while (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '_' || q[i] == '-')) ++i;
    if (i > start) return std::string(q.substr(start, i - start));
  }
  return std::nullopt;
}

std::optional<std::string> arg(const json& vars, std::string_view query, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (vars.is_object() && vars.contains(n)) {
      const json& v = vars[n];
      if (v.is_string()) return v.get<std::string>();
      if (v.is_object() && v.contains("value") && v["value"].is_string()) return v["value"].get<std::string>();
    }
  }
  for (const char* n : names) {
    if (auto v = inline_arg(query, n)) return v;
  }
  return std::nullopt;
}

const ScenarioAlert* find_alert(const SimContext& ctx, const std::string& id) {
  for (const auto& a : ctx.scenario.alerts) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

json notes_of(const SimContext& ctx, const std::string& alert_id) {
  json out = json::array();
  for (const auto& n : ctx.state.alert_notes) {
    if (n.alert_id == alert_id) out.push_back(render_alert_note(ctx.scenario, n));
  }
  return out;
}

void add_note(SimContext& ctx, const std::string& alert_id, const std::string& text) {
  ctx.state.alert_notes.push_back(AlertNote{ctx.state.new_id("uam-note-"), alert_id, text, ctx.scenario.now()});
}

// Alert ids of an alertTriggerActions filter: variables or inline stringEqual/stringIn values.
std::vector<std::string> action_targets(const json& vars, std::string_view query) {
  std::vector<std::string> ids;
  for (const char* n : {"id", "alertId"}) {
    if (vars.is_object() && vars.contains(n) && vars[n].is_string()) ids.push_back(vars[n].get<std::string>());
  }
  for (const char* n : {"ids", "alertIds"}) {
    if (vars.is_object() && vars.contains(n) && vars[n].is_array()) {
      for (const auto& v : vars[n]) {
        if (v.is_string()) ids.push_back(v.get<std::string>());
      }
    }
  }
  if (ids.empty()) {
    for (std::size_t pos = query.find("stringEqual"); pos != std::string_view::npos; pos = query.find("stringEqual", pos + 1)) {
      if (auto v = inline_arg(query.substr(pos), "stringEqual")) ids.push_back(*v);
    }
  }
  return ids;
}

SimResponse trigger_actions(SimContext& ctx, const json& vars, const std::string& query) {
  const std::string all_text = query + " " + vars.dump();
  const std::vector<std::string> targets = action_targets(vars, query);
  json actions = json::array();
  for (const char* action : {"S1/alert/addNote", "S1/alert/statusUpdate", "S1/alert/analystVerdictUpdate"}) {
    if (all_text.find(action) == std::string::npos) continue;
    json success = json::array(), failure = json::array(), skip = json::array();
    for (const auto& id : targets) {
      auto live = ctx.state.alerts.find(id);
      if (live == ctx.state.alerts.end()) {
        failure.push_back({{"id", id}, {"errorMessage", "Alert not found"}});
        continue;
      }
      const std::string a = action;
      if (a == "S1/alert/addNote") {
        auto text = arg(vars, query, {"note", "text"});
        if (!text || text->empty()) {
          failure.push_back({{"id", id}, {"errorMessage", "note text is required"}});
          continue;
        }
        add_note(ctx, id, *text);
      } else if (a == "S1/alert/statusUpdate") {
        auto status = arg(vars, query, {"status"});
        if (!status) {
          failure.push_back({{"id", id}, {"errorMessage", "status is required"}});
          continue;
        }
        if (live->second.status == *status) {
          skip.push_back({{"id", id}});
          continue;
        }
        live->second.status = *status;
        live->second.updated_ns = ctx.scenario.now();
        ctx.state.status_log.push_back({{"target", "uam_alert"}, {"id", id}, {"status", *status}});
      } else {
        auto verdict = arg(vars, query, {"analystVerdict", "verdict"});
        if (!verdict) {
          failure.push_back({{"id", id}, {"errorMessage", "analystVerdict is required"}});
          continue;
        }
        live->second.analyst_verdict = *verdict;
        live->second.updated_ns = ctx.scenario.now();
        ctx.state.verdict_log.push_back({{"target", "uam_alert"}, {"id", id}, {"analystVerdict", *verdict}});
      }
      success.push_back({{"id", id}});
    }
    actions.push_back({{"actionId", action}, {"success", success}, {"failure", failure}, {"skip", skip}});
  }
  return SimResponse::json(200, {{"data", {{"alertTriggerActions", {{"__typename", "ActionsTriggered"}, {"actions", actions}}}}}});
}

SimResponse list_alerts(SimContext& ctx, const json& vars) {
  std::size_t first = 50;
  if (vars.is_object() && vars.contains("first") && vars["first"].is_number_unsigned()) first = vars["first"].get<std::size_t>();
  std::size_t offset = 0;
  if (vars.is_object() && vars.contains("after") && vars["after"].is_string()) {
    auto decoded = base64_decode(vars["after"].get<std::string>());
    if (decoded) offset = static_cast<std::size_t>(std::atoll(decoded->c_str()));
  }
  json edges = json::array();
  const auto& alerts = ctx.scenario.alerts;
  for (std::size_t i = offset; i < alerts.size() && i < offset + first; ++i) {
    edges.push_back({{"node", render_uam_alert(ctx.scenario, alerts[i], ctx.state)}, {"cursor", base64_encode(std::to_string(i + 1))}});
  }
  const bool more = offset + first < alerts.size();
  return SimResponse::json(
      200, {{"data",
             {{"alerts",
               {{"edges", edges},
                {"pageInfo", {{"hasNextPage", more}, {"endCursor", edges.empty() ? json(nullptr) : edges.back()["cursor"]}}},
                {"totalCount", alerts.size()}}}}}});
}

SimResponse graphql(SimContext& ctx, const SimRequest& req, const PathParams&) {
  if (auto denied = check_s1_token(ctx, req, ApiFamily::graphql)) return *denied;
  auto body = json_body(req);
  if (!body) return api_error(ApiFamily::graphql, 400, body.error().message);
  const std::string query = string_field(*body, "query");
  const json vars = body->value("variables", json::object());
  if (query.empty()) return graphql_errors("Must provide query string.", "GRAPHQL_PARSE_FAILED");
  if (query.find("alertTriggerActions") != std::string::npos) return trigger_actions(ctx, vars, query);
  if (query.find("addAlertNote") != std::string::npos) {
    auto id = arg(vars, query, {"alertId", "id"});
    auto text = arg(vars, query, {"text", "note", "plainText"});
    if (!id || !find_alert(ctx, *id)) return graphql_errors("Alert not found", "NOT_FOUND", json::array({"addAlertNote"}));
    if (!text || text->empty()) return graphql_errors("text must not be empty", "BAD_USER_INPUT", json::array({"addAlertNote"}));
    add_note(ctx, *id, *text);
    return SimResponse::json(200, {{"data", {{"addAlertNote", {{"data", notes_of(ctx, *id)}}}}}});
  }
  if (query.find("alertNotes") != std::string::npos) {
    auto id = arg(vars, query, {"alertId", "id"});
    if (!id || !find_alert(ctx, *id)) return graphql_errors("Alert not found", "NOT_FOUND", json::array({"alertNotes"}));
    return SimResponse::json(200, {{"data", {{"alertNotes", {{"data", notes_of(ctx, *id)}}}}}});
  }
  if (query.find("alerts") != std::string::npos && query.find("alerts(") != std::string::npos) return list_alerts(ctx, vars);
  if (query.find("alert") != std::string::npos) {
    auto id = arg(vars, query, {"id", "alertId"});
    const ScenarioAlert* a = id ? find_alert(ctx, *id) : nullptr;
    if (!a) return graphql_errors("Alert not found", "NOT_FOUND", json::array({"alert"}), json{{"alert", nullptr}});
    return SimResponse::json(200, {{"data", {{"alert", render_uam_alert(ctx.scenario, *a, ctx.state)}}}});
  }
  return graphql_errors("triagent-sim does not simulate this GraphQL operation", "GRAPHQL_VALIDATION_FAILED");
}

}  // namespace

void add_graphql_routes(Router& r) {
  r.add("POST", "/web/api/v2.1/unifiedalerts/graphql", ApiFamily::graphql, graphql);
}

}  // namespace triagent::sim
