#pragma once
// Scenario: everything the simulator serves, loaded once from a YAML file: credentials, the
// Singularity tenant (agents, threats, UAM alerts, Deep Visibility events) and the DataSet logs.
// Immutable after loading; what clients change (notes, verdicts, network status) lives in SimState.
//
//   auto scenario = load_scenario("tools/sim/scenarios/windows-workstation-attack.yaml");
//   if (!scenario) { std::cerr << scenario.error().message; return 78; }   // "file:line: why"
//   for (const auto& t : scenario->threats) ...

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "triagent/core/result.hpp"

namespace triagent::sim {

struct ScenarioAgent {
  std::string id;             // int64 as a string, e.g. "1834005763264471342"
  std::string uuid;           // 32 hex digits
  std::string computer_name;
  std::string domain;
  std::string os_name;        // "Windows 11 Enterprise"
  std::string os_type = "windows";
  std::string os_revision;
  std::string agent_version;
  std::string machine_type = "desktop";
  std::vector<std::string> inet;
  std::vector<std::string> inet6;
  std::string mac;
  std::string external_ip;
  std::string last_logged_in_user;
  std::string network_status = "connected";
  bool is_active = true;
  bool infected = false;
  std::int64_t registered_at_ns = 0;
  std::int64_t last_active_ns = 0;
};

struct ThreatTechnique {
  std::string id;      // "T1059.001"
  std::string name;    // "PowerShell"
  std::string tactic;  // "Execution"
};

struct ThreatIndicator {
  std::string category;     // "Exploitation", "Evasion", ...
  std::string description;
  std::vector<std::int64_t> ids;
  std::vector<ThreatTechnique> techniques;
};

struct ScenarioThreat {
  std::string id;
  std::string agent_id;
  std::string name;  // threatName
  std::string classification = "Malware";
  std::string classification_source = "Engine";
  std::string confidence_level = "malicious";
  std::string analyst_verdict = "undefined";
  std::string incident_status = "unresolved";
  std::string mitigation_status = "not_mitigated";
  std::string detection_type = "dynamic";
  std::string initiated_by = "agent_policy";
  std::vector<std::string> engines;
  std::string file_path, sha1, sha256, md5, storyline, process_user, originator_process, command_line, publisher;
  std::int64_t file_size = 0;
  std::int64_t created_at_ns = 0, updated_at_ns = 0, identified_at_ns = 0;
  std::vector<ThreatIndicator> indicators;
};

struct ScenarioAlert {  // a Unified Alert Management (GraphQL) alert
  std::string id;       // UUID-like
  std::string name, description;
  std::string severity = "HIGH";
  std::string status = "NEW";
  std::string analyst_verdict = "UNDEFINED";
  std::string classification = "MALWARE";
  std::string confidence_level = "MALICIOUS";
  std::string result = "NOT_MITIGATED";
  std::string agent_id;
  std::string storyline, file_name, file_hash, threat_id, analytics_name, analytics_category;
  std::int64_t detected_at_ns = 0;
};

struct ScenarioDvEvent {
  std::string agent_id;
  std::int64_t time_ns = 0;
  nlohmann::json fields;  // the DV fields given in the scenario (camelCase names)
};

struct ScenarioLogEvent {
  std::int64_t ts_ns = 0;
  std::string server_host, logfile, parser;
  int severity = 3;  // 0..6
  std::string message;
  nlohmann::json attrs = nlohmann::json::object();  // flat
};

struct Scenario {
  std::string source_path;
  std::string name, description;
  std::optional<std::int64_t> now_ns;  // the clock relative times ("24h") count back from

  // Credentials.
  std::vector<std::string> dataset_read_keys, dataset_write_keys, s1_api_tokens, llm_api_keys;

  // DataSet behaviour.
  std::size_t add_events_max_bytes = 6 * 1024 * 1024;
  int lrq_steps = 2;
  std::string lrq_total_field = "stepsTotal";  // or "totalSteps" (the Grafana plugin's spelling)

  // Singularity tenant.
  std::string account_id = "1523159856757822715", account_name = "Northwind Traders";
  std::string site_id = "1523159856766211324", site_name = "Default site";
  std::string group_id = "1523159856774599933", group_name = "Default Group";
  std::string api_user_name = "triagent-service", api_user_id = "1900000000000000001";
  bool end_cursor_string = true;  // last page's nextCursor: the string "null" (true) or JSON null
  int dv_running_polls = 2;       // query-status answers RUNNING this many times, then FINISHED

  // LLM endpoints.
  std::vector<std::string> azure_deployments;  // empty: any deployment name is accepted
  std::string llm_model = "sim-analyst-1";

  std::vector<ScenarioAgent> agents;
  std::vector<ScenarioThreat> threats;
  std::vector<ScenarioAlert> alerts;
  std::vector<ScenarioDvEvent> dv_events;  // sorted by time
  std::vector<ScenarioLogEvent> log_events;  // sorted by ts

  const ScenarioAgent* find_agent(std::string_view id) const;
  std::int64_t now() const;  // now_ns, or the wall clock
};

Result<Scenario> load_scenario(const std::string& path);
Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& source_name);

}  // namespace triagent::sim
