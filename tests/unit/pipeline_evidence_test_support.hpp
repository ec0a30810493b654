#pragma once
// Shared by the evidence packer tests: one Analyzer for the binary, small ContextEvent builders,
// and the simulator's windows-workstation-attack scenario read as the connectors would return it.
//
//   const auto& a = evidence_test::analyzer();
//   ContextEvent ev = evidence_test::dv_process("WS-1", 1000, "powershell.exe", "9044", "WINWORD.EXE", "8120", "-enc
//   ..."); evidence_test::Scenario s = evidence_test::load_scenario();   // s.threats, s.dv, s.logs

#include <yaml-cpp/yaml.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/connectors/dataset_query_types.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/pipeline/context_event.hpp"

namespace triagent::evidence_test {

inline const analysis::Analyzer& analyzer() {
  static const analysis::Analyzer a = [] {
    auto r = analysis::Analyzer::create(analysis::AnalyzerConfig{});
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }();
  return a;
}

// A DV 2.1 "Process Creation" event as the converter would make it.
inline ContextEvent dv_process(const std::string& host, std::int64_t t, const std::string& name, const std::string& pid,
                               const std::string& parent, const std::string& ppid, const std::string& cmd) {
  ContextEvent ev;
  ev.source = "deep_visibility";
  ev.query_name = "dv_processes";
  ev.time_ms = t;
  ev.host = host;
  ev.user = "CORP\\alice";
  ev.summary = "Process Creation: " + name + " (pid " + pid + ") by " + parent;
  ev.fields = {
      {"processName", name}, {"pid", pid}, {"processCmd", cmd}, {"parentProcessName", parent}, {"parentPid", ppid}};
  ev.raw = {{"eventType", "Process Creation"}, {"agentOs", "windows"}, {"processName", name}, {"pid", pid},
            {"parentProcessName", parent},     {"parentPid", ppid},    {"processCmd", cmd}};
  return ev;
}

// A plain event with a summary and fields and nothing the Analyzer flags (no IOC, no rule).
inline ContextEvent plain(const std::string& source, std::int64_t t, const std::string& summary,
                          std::vector<std::pair<std::string, std::string>> fields = {}) {
  ContextEvent ev;
  ev.source = source;
  ev.time_ms = t;
  ev.host = "host-a";
  ev.summary = summary;
  ev.fields = std::move(fields);
  return ev;
}

struct Scenario {
  std::vector<Threat> threats;
  std::vector<DvEvent> dv;
  std::vector<DataSetLogEvent> logs;
};

// Plain YAML scalars that read as integers become JSON numbers (EventID: 4625), as nxlog sends them.
inline nlohmann::json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json o = nlohmann::json::object();
    for (auto it = n.begin(); it != n.end(); ++it) o[it->first.Scalar()] = yaml_to_json(it->second);
    return o;
  }
  if (n.IsSequence()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : n) a.push_back(yaml_to_json(e));
    return a;
  }
  if (!n.IsScalar()) return nullptr;
  const std::string& s = n.Scalar();
  if (n.Tag() == "?" && !s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == std::string::npos &&
      (s == "0" || s[0] != '0')) {
    return std::stoll(s);
  }
  return s;
}

inline Scenario load_scenario() {
  const YAML::Node doc =
      YAML::LoadFile(std::string(TRIAGENT_SOURCE_DIR) + "/tools/sim/scenarios/windows-workstation-attack.yaml");
  std::map<std::string, std::string> hosts;
  for (const auto& a : doc["agents"]) hosts[a["id"].Scalar()] = a["computer_name"].Scalar();
  Scenario s;
  int n = 0;
  for (const auto& e : doc["dv_events"]) {
    nlohmann::json o = nlohmann::json::object();
    for (auto it = e.begin(); it != e.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "agent" || key == "time" || key == "type") continue;
      o[key] = yaml_to_json(it->second);
    }
    o["id"] = std::to_string(1900000000000000000ULL + 1000 * ++n);
    o["agentId"] = e["agent"].Scalar();
    o["agentName"] = hosts[e["agent"].Scalar()];
    o["agentOs"] = "windows";
    o["eventTime"] = e["time"].Scalar();
    o["eventType"] = e["type"].Scalar();
    auto ev = parse_dv_event(o);
    if (!ev) throw std::runtime_error(ev.error().message);
    s.dv.push_back(std::move(*ev));
  }
  for (const auto& e : doc["dataset_events"]) {
    DataSetLogEvent l;
    l.timestamp_ns = parse_rfc3339_ms(e["time"].Scalar()) * 1'000'000;
    l.message = e["message"].Scalar();
    l.severity = e["severity"].as<int>();
    l.attributes = yaml_to_json(e["attrs"]);
    l.attributes["parser"] = e["parser"].Scalar();
    l.session_attributes = {{"serverHost", e["server_host"].Scalar()}, {"logfile", e["logfile"].Scalar()}};
    s.logs.push_back(std::move(l));
  }
  for (const auto& t : doc["threats"]) {
    nlohmann::json indicators = nlohmann::json::array();
    for (const auto& ind : t["indicators"]) {
      nlohmann::json techniques = nlohmann::json::array();
      for (const auto& tech : ind["techniques"]) {
        techniques.push_back({{"title", tech["id"].Scalar() + " " + tech["name"].Scalar()}});
      }
      indicators.push_back({{"category", ind["category"].Scalar()},
                            {"description", ind["description"].Scalar()},
                            {"tactics", {{{"name", "MITRE"}, {"techniques", techniques}}}}});
    }
    nlohmann::json engines = yaml_to_json(t["engines"]);
    nlohmann::json o = {{"id", t["id"].Scalar()},
                        {"indicators", indicators},
                        {"agentRealtimeInfo",
                         {{"agentId", t["agent"].Scalar()},
                          {"agentComputerName", hosts[t["agent"].Scalar()]},
                          {"agentOsType", "windows"}}},
                        {"threatInfo",
                         {{"threatId", t["id"].Scalar()},
                          {"threatName", t["name"].Scalar()},
                          {"classification", t["classification"].Scalar()},
                          {"confidenceLevel", t["confidence_level"].Scalar()},
                          {"detectionType", t["detection_type"].Scalar()},
                          {"engines", engines},
                          {"filePath", t["file_path"].Scalar()},
                          {"sha1", t["sha1"].Scalar()},
                          {"sha256", t["sha256"].Scalar()},
                          {"md5", t["md5"].Scalar()},
                          {"storyline", t["storyline"].Scalar()},
                          {"processUser", t["process_user"].Scalar()},
                          {"originatorProcess", t["originator_process"].Scalar()},
                          {"maliciousProcessArguments", t["command_line"].Scalar()},
                          {"createdAt", t["created_at"].Scalar()},
                          {"mitigationStatus", "not_mitigated"},
                          {"analystVerdict", "undefined"},
                          {"incidentStatus", "unresolved"}}}};
    auto threat = parse_threat(o);
    if (!threat) throw std::runtime_error(threat.error().message);
    s.threats.push_back(std::move(*threat));
  }
  return s;
}

}  // namespace triagent::evidence_test
