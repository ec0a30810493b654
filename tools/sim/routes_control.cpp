// Control routes under /_sim/: what clients did (notes, tags, verdicts, statuses, agent actions,
// stored addEvents, request counts, LLM prompts) and switches for tests (faults, LLM modes,
// reset). Never faulted, never authenticated: the simulator only listens on loopback.
#include <algorithm>

#include "api_errors.hpp"
#include "llm_answer.hpp"
#include "route_util.hpp"
#include "router.hpp"
#include "scenario_render.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

SimResponse ok(const json& body) { return SimResponse::json(200, body); }
SimResponse bad(const std::string& message) { return api_error(ApiFamily::control, 400, message); }

json log_list(const std::vector<json>& log) {
  json out = json::array();
  for (const auto& e : log) out.push_back(e);
  return out;
}

SimResponse get_notes(SimContext& ctx, const SimRequest&, const PathParams&) {
  json threat_notes = json::array(), alert_notes = json::array();
  for (const auto& n : ctx.state.threat_notes) {
    json j = render_threat_note(n);
    j["threatId"] = n.threat_id;
    threat_notes.push_back(j);
  }
  for (const auto& n : ctx.state.alert_notes) alert_notes.push_back(render_alert_note(ctx.scenario, n));
  return ok({{"threat_notes", threat_notes}, {"alert_notes", alert_notes}});
}

SimResponse get_tags(SimContext& ctx, const SimRequest&, const PathParams&) {
  json agents = json::object();
  for (const auto& [id, live] : ctx.state.agents) agents[id] = live.tags;
  return ok({{"data", log_list(ctx.state.tag_log)}, {"agents", agents}});
}

SimResponse get_verdicts(SimContext& ctx, const SimRequest&, const PathParams&) {
  return ok({{"data", log_list(ctx.state.verdict_log)}});
}

SimResponse get_statuses(SimContext& ctx, const SimRequest&, const PathParams&) {
  return ok({{"data", log_list(ctx.state.status_log)}});
}

SimResponse get_actions(SimContext& ctx, const SimRequest&, const PathParams&) {
  json agents = json::object();
  for (const auto& [id, live] : ctx.state.agents) agents[id] = live.network_status;
  return ok({{"data", log_list(ctx.state.action_log)}, {"networkStatus", agents}});
}

SimResponse get_add_events(SimContext& ctx, const SimRequest& req, const PathParams&) {
  json sessions = json::object();
  const auto only = req.param("session");
  for (const auto& [id, s] : ctx.state.sessions) {
    if (only && *only != id) continue;
    json events = json::array();
    for (const auto& e : s.events) events.push_back(e);
    sessions[id] = {{"sessionInfo", s.session_info},
                    {"requests", s.requests},
                    {"bytes", s.bytes},
                    {"lastTs", s.last_ts ? json(std::to_string(*s.last_ts)) : json(nullptr)},
                    {"events", events}};
  }
  return ok({{"sessions", sessions}});
}

SimResponse get_requests(SimContext& ctx, const SimRequest&, const PathParams&) {
  json routes = json::object();
  for (const auto& [route, n] : ctx.state.request_counts) routes[route] = n;
  return ok({{"total", ctx.state.total_requests}, {"routes", routes}});
}

json llm_modes(const SimState& st) {
  json modes = json::object();
  for (const auto& [provider, m] : st.llm_modes) {
    modes[provider] = {{"mode", m.mode}, {"remaining", m.remaining ? json(*m.remaining) : json(nullptr)}};
  }
  return modes;
}

SimResponse get_llm(SimContext& ctx, const SimRequest& req, const PathParams&) {
  std::size_t last = 20;
  if (auto n = req.param("last")) last = static_cast<std::size_t>(std::max(0LL, std::atoll(std::string(*n).c_str())));
  const auto& prompts = ctx.state.llm_prompts;
  json list = json::array();
  const std::size_t start = prompts.size() > last ? prompts.size() - last : 0;
  for (std::size_t i = start; i < prompts.size(); ++i) list.push_back(prompts[i]);
  return ok({{"modes", llm_modes(ctx.state)}, {"count", prompts.size()}, {"prompts", list}});
}

SimResponse set_llm_mode(SimContext& ctx, const SimRequest& req, const PathParams&) {
  auto body = json_body(req);
  if (!body) return bad(body.error().message);
  const std::string mode = string_field(*body, "mode");
  if (std::find(kLlmModes.begin(), kLlmModes.end(), mode) == kLlmModes.end()) {
    return bad("mode must be one of valid, invalid_json, schema_violation, injected, refusal");
  }
  std::string provider = string_field(*body, "provider", string_field(*body, "route", "*"));
  if (provider != "*" && provider != "openai" && provider != "azure" && provider != "anthropic") {
    return bad("provider must be openai, azure, anthropic or *");
  }
  LlmModeSetting setting{mode, std::nullopt};
  if (body->contains("count")) {
    auto count = int_field(*body, "count");
    if (!count || *count < 1) return bad("count must be a positive integer");
    setting.remaining = *count;
  }
  ctx.state.llm_modes[provider] = setting;
  return ok({{"modes", llm_modes(ctx.state)}});
}

SimResponse get_faults(SimContext& ctx, const SimRequest&, const PathParams&) { return ok(ctx.faults.describe()); }

SimResponse set_faults(SimContext& ctx, const SimRequest& req, const PathParams&) {
  auto rules = parse_faults(req.body, "POST /_sim/faults");
  if (!rules) return bad(rules.error().message);
  ctx.faults.set(std::move(*rules));
  return ok(ctx.faults.describe());
}

SimResponse clear_faults(SimContext& ctx, const SimRequest&, const PathParams&) {
  ctx.faults.clear();
  return ok(ctx.faults.describe());
}

SimResponse reset(SimContext& ctx, const SimRequest&, const PathParams&) {
  ctx.state.reset(ctx.scenario);
  ctx.faults.set(ctx.initial_faults);
  return ok({{"status", "reset"}});
}

SimResponse get_scenario(SimContext& ctx, const SimRequest&, const PathParams&) {
  const Scenario& s = ctx.scenario;
  return ok({{"name", s.name},
             {"description", s.description},
             {"now", format_iso_micros(s.now())},
             {"agents", s.agents.size()},
             {"threats", s.threats.size()},
             {"alerts", s.alerts.size()},
             {"dv_events", s.dv_events.size()},
             {"dataset_events", s.log_events.size()}});
}

}  // namespace

void add_control_routes(Router& r) {
  const ApiFamily c = ApiFamily::control;
  r.add("GET", "/_sim/notes", c, get_notes);
  r.add("GET", "/_sim/tags", c, get_tags);
  r.add("GET", "/_sim/verdicts", c, get_verdicts);
  r.add("GET", "/_sim/statuses", c, get_statuses);
  r.add("GET", "/_sim/actions", c, get_actions);
  r.add("GET", "/_sim/addEvents", c, get_add_events);
  r.add("GET", "/_sim/requests", c, get_requests);
  r.add("GET", "/_sim/llm", c, get_llm);
  r.add("POST", "/_sim/llm/mode", c, set_llm_mode);
  r.add("GET", "/_sim/faults", c, get_faults);
  r.add("POST", "/_sim/faults", c, set_faults);
  r.add("DELETE", "/_sim/faults", c, clear_faults);
  r.add("POST", "/_sim/reset", c, reset);
  r.add("GET", "/_sim/scenario", c, get_scenario);
}

}  // namespace triagent::sim
