// The approval executor against a scripted SentinelOne: the target is re-read first, a change that
// makes the action moot or unsafe refuses it, and otherwise the right endpoint is called once.

#include <gtest/gtest.h>

#include <fstream>

#include "connectors_singularity_harness.hpp"
#include "pipeline_approval_test_support.hpp"
#include "triagent/pipeline/approval_executor.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::ApprovalFixture;
using testing::json_response;
using testing::S1Harness;

// What the scripted console holds now; tests change it to simulate what happened after the proposal.
struct Console {
  std::string verdict = "undefined";
  std::string status = "unresolved";
  std::string threat_agent = "42";
  std::string network = "connected";
  bool threat_exists = true;
};

HttpResult answer(const Console& c, const HttpRequest& r) {
  const std::string& url = r.url;
  if (r.method == "GET" && testing::contains(url, "/threats/7001/notes")) {
    return json_response(200, R"({"data":[],"pagination":{"nextCursor":null}})");
  }
  if (r.method == "GET" && testing::contains(url, "/threats?")) {
    if (!c.threat_exists) return json_response(200, R"({"data":[]})");
    json t = {{"id", "7001"},
              {"agentRealtimeInfo", {{"agentId", c.threat_agent}, {"agentComputerName", "HOST-1"}}},
              {"threatInfo", {{"analystVerdict", c.verdict}, {"incidentStatus", c.status}}}};
    return json_response(200, json{{"data", {t}}}.dump());
  }
  if (r.method == "GET" && testing::contains(url, "/agents?")) {
    json a = {{"id", "42"}, {"computerName", "HOST-1"}, {"networkStatus", c.network}, {"isActive", true}};
    return json_response(200, json{{"data", {a}}}.dump());
  }
  if (r.method == "POST") return json_response(200, R"({"data":{"affected":1}})");
  return json_response(404, R"({"errors":[{"title":"unexpected"}]})");
}

class Executor : public ::testing::Test {
 protected:
  Executor()
      : h([this](const HttpRequest& r) { return answer(console, r); }),
        threats(h.config, h.upstream),
        agents(h.config, h.upstream) {}

  ApprovalRecord approved(const ApprovalRequest& request) {
    auto record = f.create(request);
    auto d = f.approve(record.id);
    if (!d) throw std::runtime_error(d.error().message);
    return *d;
  }

  Result<ApprovalRecord> execute(const ApprovalRecord& r, audit::AuditLog* audit = nullptr) {
    ApprovalExecution env{.store = f.store.get(), .connectors = {&threats, &agents}, .audit = audit};
    return h.run(execute_approved(r, env));
  }

  std::vector<std::string> posted_urls() const {
    std::vector<std::string> out;
    for (const auto& r : h.http.requests()) {
      if (r.method == "POST") out.push_back(r.url);
    }
    return out;
  }

  Console console;
  ApprovalFixture f;
  S1Harness h;
  SingularityThreats threats;
  SingularityAgents agents;
};

TEST_F(Executor, SetsTheVerdictAfterReReadingTheThreat) {
  auto r = execute(approved(testing::verdict_request("job-1")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, ApprovalStatus::executed) << r->result;
  EXPECT_EQ(r->result, "set verdict: affected 1");
  ASSERT_EQ(h.request_count(), 2u);
  EXPECT_EQ(h.request(0).method, "GET");
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/threats?ids=7001");
  EXPECT_EQ(h.request(1).url, "https://s1.test/web/api/v2.1/threats/analyst-verdict");
  EXPECT_EQ(h.body(1), json::parse(R"({"data":{"analystVerdict":"true_positive"},"filter":{"ids":["7001"],"tenant":"true"}})"));
  EXPECT_EQ(f.store->get(r->id)->status, ApprovalStatus::executed);
}

TEST_F(Executor, IsolatesTheApprovedAgentOnly) {
  auto r = execute(approved(testing::isolate_request("job-1")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, ApprovalStatus::executed) << r->result;
  EXPECT_EQ(posted_urls(), std::vector<std::string>{"https://s1.test/web/api/v2.1/agents/actions/disconnect"});
  EXPECT_EQ(h.body(2), json::parse(R"({"filter":{"ids":["42"]}})"));
  for (std::size_t i = 0; i < h.request_count(); ++i) {  // the job's trace follows the action
    ASSERT_TRUE(h.request(i).trace.has_value());
    EXPECT_EQ(h.request(i).trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  }
}

TEST_F(Executor, SetsTheIncidentStatus) {
  auto r = execute(approved(testing::approval_request("job-1", "set_incident_status", {{"status", "in_progress"}})));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ApprovalStatus::executed) << r->result;
  EXPECT_EQ(posted_urls(), std::vector<std::string>{"https://s1.test/web/api/v2.1/threats/incident"});
}

TEST_F(Executor, ANoteIsPostedOnceWithTheApprovalMarkerAndDraftHeading) {
  auto r = execute(approved(testing::approval_request("job-1", "add_note", {{"text", "check the parent process"}})));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ApprovalStatus::executed) << r->result;
  ASSERT_EQ(posted_urls().size(), 1u);
  std::string text = h.body(h.request_count() - 1)["data"]["text"];
  EXPECT_EQ(text, "[triagent:approval:" + r->id + "] [AI-Generated Draft] check the parent process (approved by alice)");
}

struct RefusalCase {
  const char* name;
  void (*change)(Console&);
  const char* action;  // "isolate", "verdict", "status"
  const char* reason_part;
};

class ExecutorRefusal : public Executor, public ::testing::WithParamInterface<RefusalCase> {};

TEST_P(ExecutorRefusal, ChangedStateRefusesWithoutWriting) {
  const RefusalCase& c = GetParam();
  c.change(console);
  ApprovalRequest req = std::string(c.action) == "isolate" ? testing::isolate_request("job-1")
                        : std::string(c.action) == "verdict"
                            ? testing::verdict_request("job-1")
                            : testing::approval_request("job-1", "set_incident_status", {{"status", "in_progress"}});
  auto r = execute(approved(req));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, ApprovalStatus::failed);
  EXPECT_EQ(r->result.rfind("refused: ", 0), 0u) << r->result;
  EXPECT_NE(r->result.find(c.reason_part), std::string::npos) << r->result;
  EXPECT_TRUE(posted_urls().empty());
}

INSTANTIATE_TEST_SUITE_P(
    States, ExecutorRefusal,
    ::testing::Values(
        RefusalCase{"HumanSetAVerdict", [](Console& c) { c.verdict = "false_positive"; }, "verdict",
                    "verdict changed from undefined to false_positive"},
        RefusalCase{"VerdictAlreadyWanted", [](Console& c) { c.verdict = "true_positive"; }, "verdict",
                    "moot: the verdict is already true_positive"},
        RefusalCase{"StatusChangedByAnalyst", [](Console& c) { c.status = "resolved"; }, "status",
                    "status changed from unresolved to resolved"},
        RefusalCase{"StatusAlreadyWanted", [](Console& c) { c.status = "in_progress"; }, "status", "moot"},
        RefusalCase{"AgentAlreadyDisconnected", [](Console& c) { c.network = "disconnected"; }, "isolate",
                    "already disconnected"},
        RefusalCase{"AgentDisconnecting", [](Console& c) { c.network = "disconnecting"; }, "isolate",
                    "already disconnecting"},
        RefusalCase{"ThreatResolved", [](Console& c) { c.status = "resolved"; }, "isolate", "the threat is resolved"},
        RefusalCase{"ThreatMarkedFalsePositive", [](Console& c) { c.verdict = "false_positive"; }, "isolate",
                    "false_positive"},
        RefusalCase{"ThreatMovedToAnotherAgent", [](Console& c) { c.threat_agent = "43"; }, "isolate",
                    "now on agent 43"},
        RefusalCase{"ThreatGone", [](Console& c) { c.threat_exists = false; }, "isolate",
                    "could not re-read threat 7001"}),
    [](const ::testing::TestParamInfo<RefusalCase>& i) { return std::string(i.param.name); });

TEST_F(Executor, OnlyAnApprovedApprovalRunsAndOnlyOnce) {
  auto pending = f.create(testing::isolate_request("job-1"));
  auto r = execute(pending);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(h.request_count(), 0u);

  auto ok = f.approve(pending.id);
  ASSERT_TRUE(ok);
  ASSERT_TRUE(execute(*ok));
  auto again = execute(*ok);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(posted_urls().size(), 1u);
}

TEST_F(Executor, WhatRunsIsTheStoredApprovalNotTheCallersCopy) {
  ApprovalRecord r = approved(testing::isolate_request("job-1"));
  ApprovalRecord forged = r;
  forged.agent_id = "99";
  forged.params = {{"agent_id", "99"}};
  auto done = execute(forged);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, ApprovalStatus::executed);
  EXPECT_EQ(h.body(2), json::parse(R"({"filter":{"ids":["42"]}})"));
}

TEST_F(Executor, ActionsWithoutAnExecutorFail) {
  auto r = execute(approved(testing::approval_request("job-1", "open_ticket", {{"system", "jira"}})));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, ApprovalStatus::failed);
  EXPECT_EQ(r->result, "no executor for open_ticket yet");
  EXPECT_EQ(h.request_count(), 0u);
}

TEST_F(Executor, AnUpstreamRefusalIsRecordedAsFailed) {
  ApprovalRecord r = approved(testing::verdict_request("job-1"));
  S1Harness denied([this](const HttpRequest& req) -> HttpResult {
    if (req.method == "POST") return json_response(403, R"({"errors":[{"code":4030010,"title":"Forbidden"}]})");
    return answer(console, req);
  });
  SingularityThreats denied_threats(denied.config, denied.upstream);
  ApprovalExecution env{.store = f.store.get(), .connectors = {&denied_threats, nullptr}};
  auto done = denied.run(execute_approved(r, env));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, ApprovalStatus::failed);
  EXPECT_EQ(done->result.rfind("set verdict failed: ", 0), 0u) << done->result;
}

TEST_F(Executor, ExecutionIsAudited) {
  auto log = audit::AuditLog::open({.dir = (f.dir / "audit").string()}, f.clock);
  ASSERT_TRUE(log);
  auto r = execute(approved(testing::isolate_request("job-7")), log->get());
  ASSERT_TRUE(r);
  (*log)->close();
  std::ifstream in(audit::audit_file_path((f.dir / "audit").string()));
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto j = json::parse(line);
  EXPECT_EQ(j["kind"], "action_executed");
  EXPECT_EQ(j["job_id"], "job-7");
  EXPECT_EQ(j["data"]["status"], "executed");
  EXPECT_EQ(j["data"]["agent_id"], "42");
  EXPECT_EQ(j["data"]["decided_by"], "alice");
}

TEST(ExecutorTargetState, ComesFromTheThreatAsRead) {
  Threat t;
  t.id = "7001";
  t.agent_id = "42";
  t.agent_computer_name = "HOST-1";
  t.analyst_verdict = "suspicious";
  t.incident_status = "in_progress";
  TargetState s = target_state_of(t, VerdictSource::mdr);
  EXPECT_EQ(s.threat_id, "7001");
  EXPECT_EQ(s.agent_id, "42");
  EXPECT_EQ(s.analyst_verdict, "suspicious");
  EXPECT_EQ(s.verdict_set_by, VerdictSource::mdr);
  EXPECT_EQ(s.incident_status, "in_progress");
}

}  // namespace
}  // namespace triagent
