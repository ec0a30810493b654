// The converters from connector results to ContextEvent, on the recorded API samples.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline_evidence_test_support.hpp"
#include "support/scripted_http_client.hpp"
#include "triagent/core/json_safety.hpp"
#include "triagent/pipeline/evidence_normalize.hpp"
#include "triagent/pipeline/evidence_process_tree.hpp"

namespace triagent {
namespace {

using Json = nlohmann::json;

std::string field(const ContextEvent& ev, std::string_view name) {
  for (const auto& [n, v] : ev.fields) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(EvidenceNormalize, DvEventFromTheRecordedSample) {
  const Json page = Json::parse(testing::api_sample("s1_dv_events_response_page1.json"));
  auto dv = parse_dv_event(page["data"][0]);
  ASSERT_TRUE(dv.has_value());
  const ContextEvent ev = context_event_from_dv(*dv, "dv_agent_events");
  EXPECT_EQ(ev.source, "deep_visibility");
  EXPECT_EQ(ev.query_name, "dv_agent_events");
  EXPECT_EQ(ev.time_ms, parse_rfc3339_ms("2023-10-23T00:00:00.000Z"));
  EXPECT_EQ(ev.host, "ExampleName1");
  EXPECT_EQ(ev.summary, "Task Update: Example Name");
  EXPECT_EQ(field(ev, "taskName"), "Example Name");
  EXPECT_EQ(field(ev, "pid"), "1234");
  EXPECT_EQ(field(ev, "agentIsActive"), "<absent>");  // identity and noise stay in raw only
  EXPECT_EQ(ev.raw["id"], "000000000000000001");
  auto o = process_observation(ev);  // named by its unique key only
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->unique_key, "ABCD1234");
}

TEST(EvidenceNormalize, DvProcessCreationFromTheScenario) {
  const auto s = evidence_test::load_scenario();
  const DvEvent* ps = nullptr;
  for (const auto& e : s.dv) {
    if (e.process_name == "powershell.exe" && e.event_type == "Process Creation" && e.agent_name == "WS-FIN-023") {
      ps = &e;
    }
  }
  ASSERT_NE(ps, nullptr);
  const ContextEvent ev = context_event_from_dv(*ps);
  EXPECT_EQ(ev.summary, "Process Creation: powershell.exe (pid 9044) by WINWORD.EXE");
  EXPECT_EQ(ev.user, "NORTHWIND\\jsmith");
  ASSERT_FALSE(ev.fields.empty());
  EXPECT_EQ(ev.fields[0].first, "processCmd");  // the most telling field first
  EXPECT_EQ(field(ev, "relatedToThreat"), "true");
}

TEST(EvidenceNormalize, DataSetPowerQueryTableRows) {
  const Json body = Json::parse(testing::api_sample("dataset_powerQuery_response.json"));
  DataSetTable table;
  for (const auto& c : body["columns"]) table.columns.push_back({c["name"].get<std::string>(), "", -1});
  for (const auto& row : body["values"]) table.rows.push_back(row.get<std::vector<Json>>());
  const auto events = context_events_from_dataset_table(table, "volume_by_app");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].source, "dataset");
  EXPECT_EQ(events[0].time_ms, 0);
  EXPECT_EQ(field(events[0], "cluster"), "cluster-1-eu-central-1:kube-1");
  EXPECT_EQ(field(events[0], "volume"), "9481810");
  EXPECT_EQ(events[0].summary,
            "volume_by_app: cluster=cluster-1-eu-central-1:kube-1, application=application-2, volume=9481810");
}

TEST(EvidenceNormalize, DvPowerQueryRowsTakeTheirTimeFromEventTime) {
  const Json body = Json::parse(testing::api_sample("s1_dv_powerquery_pq_response.json"));
  DataSetTable table;
  for (const auto& c : body["data"]["columns"]) table.columns.push_back({c["name"].get<std::string>(), "", -1});
  for (const auto& row : body["data"]["data"]) table.rows.push_back(row.get<std::vector<Json>>());
  const ContextEvent ev = context_event_from_dataset_row(table, 0, "dv_pq");
  EXPECT_EQ(ev.time_ms, 1724151854609);
  EXPECT_EQ(field(ev, "agentUuid"), "ed8f14f1-f35b-0eca-1c1e-e31e97aefc71");
  EXPECT_EQ(field(ev, "eventTime"), "<absent>");
  EXPECT_EQ(context_event_from_dataset_row(table, 99).summary, "");  // out of range: empty, no throw
}

TEST(EvidenceNormalize, ThreatFromTheRecordedSample) {
  const Json page = Json::parse(testing::api_sample("s1_threats_v21_response.json"));
  auto threat = parse_threat(page["data"][0]);
  ASSERT_TRUE(threat.has_value());
  const ContextEvent ev = context_event_from_threat(*threat);
  EXPECT_EQ(ev.source, "threat");
  EXPECT_EQ(ev.host, "EC2AMAZ-AJ0KANC");
  EXPECT_EQ(ev.user, "EC2AMAZ-AJ0KANC\\Administrator");
  EXPECT_EQ(ev.time_ms, threat->created_at_ms);
  EXPECT_EQ(ev.summary, "Threat Unconfirmed 123490.crdownload: Malware, malicious, static detection, mitigated");
  EXPECT_EQ(field(ev, "sha1"), "3395856ce81f2b7382dee72602f798b642f14140");
  EXPECT_EQ(field(ev, "threatId"), "715718962991148224");
  EXPECT_EQ(field(ev, "rule"), "<absent>");  // the sample lists no indicators
}

TEST(EvidenceNormalize, ThreatIndicatorsBecomeRulesAndTechniques) {
  const auto s = evidence_test::load_scenario();
  const ContextEvent ev = context_event_from_threat(s.threats.at(0));
  EXPECT_EQ(field(ev, "rule"), "s1: Office application spawned a PowerShell process");
  EXPECT_EQ(field(ev, "techniques"), "T1204.002, T1566.001, T1059.001, T1027");
  EXPECT_EQ(field(ev, "commandLine").rfind("powershell.exe -NoP", 0), 0u);
}

TEST(EvidenceNormalize, WindowsLogLineGetsAHeadlineSummary) {
  const auto s = evidence_test::load_scenario();
  const DataSetLogEvent* failed = nullptr;
  for (const auto& l : s.logs) {
    if (l.attributes.value("EventID", 0) == 4625) failed = &l;
  }
  ASSERT_NE(failed, nullptr);
  const ContextEvent ev = context_event_from_dataset_log(*failed, "host_logs");
  EXPECT_EQ(ev.host, "SRV-FS-02");
  EXPECT_EQ(ev.summary.rfind("EventID 4625 (Security) An account failed to log on: ", 0), 0u) << ev.summary;
  EXPECT_NE(ev.summary.find("from 10.20.30.45"), std::string::npos);
  EXPECT_EQ(field(ev, "message"), "<absent>");  // the attributes say it better
  EXPECT_EQ(field(ev, "Channel"), "<absent>");  // in the summary already

  DataSetLogEvent bare;
  bare.timestamp_ns = 1'700'000'000'123'456'789;
  bare.message = "Nov 18 14:00:01 web1 sshd[1]: Failed password for root from 203.0.113.9\nsecond line";
  const ContextEvent line = context_event_from_dataset_log(bare);
  EXPECT_EQ(line.time_ms, 1'700'000'000'123);
  EXPECT_EQ(line.summary, "Nov 18 14:00:01 web1 sshd[1]: Failed password for root from 203.0.113.9");
  EXPECT_NE(field(line, "message"), "<absent>");
}

TEST(EvidenceNormalize, ThreatNoteAndBoundedValues) {
  ThreatNote note;
  note.text = "Confirmed with the user\nsecond line " + std::string(20'000, 'x');
  note.creator = "analyst@example.com";
  note.created_at = "2025-11-18T15:00:00.000Z";
  const ContextEvent ev = context_event_from_threat_note(note, "WS-1");
  EXPECT_EQ(ev.source, "threat_notes");
  EXPECT_EQ(ev.summary, "note by analyst@example.com: Confirmed with the user");
  EXPECT_LE(field(ev, "text").size(), kContextEventMaxValueBytes);
}

}  // namespace
}  // namespace triagent

namespace triagent {
namespace {

TEST(EvidenceNormalizeWebhook, TheAlertItselfBecomesEvidence) {
  Incident inc;
  inc.source = "dataset";
  inc.kind = "dataset_alert";
  inc.external_id = "a-1";
  inc.title = "Failed logons from 203.0.113.9";
  inc.time_ms = 1'763'474'512'604;
  inc.entities.hosts = {"WS-7"};
  inc.entities.ips = {"203.0.113.9"};
  inc.raw = {{"title", "Failed logons from 203.0.113.9"}, {"count", 42}, {"alert", {{"query", "action='logon'"}}}};
  ContextEvent ev = context_event_from_incident(inc);
  EXPECT_EQ(ev.source, "webhook");
  EXPECT_EQ(ev.host, "WS-7");
  EXPECT_EQ(ev.summary, "Failed logons from 203.0.113.9");
  auto has = [&](const std::string& name, const std::string& value) {
    return std::find(ev.fields.begin(), ev.fields.end(), std::make_pair(name, value)) != ev.fields.end();
  };
  EXPECT_TRUE(has("count", "42"));
  EXPECT_TRUE(has("alert.query", "action='logon'"));
  EXPECT_TRUE(has("ip", "203.0.113.9"));
}

}  // namespace
}  // namespace triagent
