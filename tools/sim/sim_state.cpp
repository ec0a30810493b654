#include "sim_state.hpp"

namespace triagent::sim {

void SimState::add_ingested(nlohmann::json record) {
  const std::int64_t ts = record["timestamp"].get<std::int64_t>();
  ingested_by_time.emplace(ts, &ingested_records.emplace_back(std::move(record)));
}

void SimState::reset(const Scenario& scenario) {
  threats.clear();
  agents.clear();
  alerts.clear();
  for (const auto& t : scenario.threats) {
    threats[t.id] = ThreatLive{t.analyst_verdict, t.incident_status, "", t.updated_at_ns};
  }
  for (const auto& a : scenario.agents) agents[a.id] = AgentLive{a.network_status, nlohmann::json::array()};
  for (const auto& a : scenario.alerts) alerts[a.id] = AlertLive{a.status, a.analyst_verdict, a.detected_at_ns};
  threat_notes.clear();
  alert_notes.clear();
  dv_queries.clear();
  lrq_queries.clear();
  sessions.clear();
  ingested_records.clear();
  ingested_by_time.clear();
  tag_log.clear();
  verdict_log.clear();
  status_log.clear();
  action_log.clear();
  request_counts.clear();
  total_requests = 0;
  llm_modes.clear();
  llm_prompts.clear();
  next_id = 1;
  ++version;  // never back to an old value: cached answers of before the reset stay invalid
}

std::string SimState::new_id(const std::string& prefix) { return prefix + std::to_string(next_id++); }

std::string SimState::numeric_id() { return std::to_string(2100000000000000000ULL + next_id++); }

std::string SimState::take_llm_mode(const std::string& provider) {
  for (const std::string& key : {provider, std::string("*")}) {
    auto it = llm_modes.find(key);
    if (it == llm_modes.end()) continue;
    std::string mode = it->second.mode;
    if (it->second.remaining && --*it->second.remaining <= 0) llm_modes.erase(it);
    return mode;
  }
  return "valid";
}

}  // namespace triagent::sim
