#pragma once
// Renders scenario objects into the JSON shapes the real APIs answer with: v2.1 threats and
// agents, Deep Visibility events (every key of the recorded sample), UAM alerts (the GraphQL
// sample's shape), and the flat records DataSet queries run over.
//
//   nlohmann::json t = render_threat(scenario, threat, state);   // as in s1_threats_v21_response.json
//   nlohmann::json e = render_dv_event(scenario, scenario.dv_events[3], 3);

#include <cstddef>

#include <nlohmann/json.hpp>

#include "scenario.hpp"
#include "sim_state.hpp"

namespace triagent::sim {

nlohmann::json render_agent(const Scenario& s, const ScenarioAgent& a, const SimState& st);
nlohmann::json render_threat(const Scenario& s, const ScenarioThreat& t, const SimState& st);
nlohmann::json render_dv_event(const Scenario& s, const ScenarioDvEvent& e, std::size_t index);
nlohmann::json render_uam_alert(const Scenario& s, const ScenarioAlert& a, const SimState& st);
nlohmann::json render_threat_note(const ThreatNote& n);
nlohmann::json render_alert_note(const Scenario& s, const AlertNote& n);

// Flat records for DataSet-style queries: a log event (timestamp in ns, serverHost, logfile,
// parser, severity, message, attrs, session), or a DV event as SDL stores EDR data
// (dataSource.name = "SentinelOne", serverHost = the endpoint, a one-line message).
nlohmann::json log_record(const ScenarioLogEvent& e);
nlohmann::json dv_record(const Scenario& s, const ScenarioDvEvent& e, std::size_t index);
// The session id a record belongs to (deterministic from serverHost and logfile).
std::string session_id_for(const std::string& server_host, const std::string& logfile);

}  // namespace triagent::sim
