// End to end on the shipped scenario: a Singularity webhook that carries only a threat id goes
// into the real daemon, which resolves the threat, gathers DataSet and Deep Visibility context from
// the simulator, asks the simulator's LLM, validates, governs and delivers; then the simulator and
// the audit chain are checked.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"

namespace triagent::testing {
namespace {

using nlohmann::json;

constexpr const char* kThreatId = "2287651234567890101";

class PipelineEndToEnd : public ::testing::Test {
 protected:
  void start(const std::string& mode, const std::string& s1_token = kSimS1Token, int llm_timeout_ms = 30'000) {
    TestConfig config;
    config.with("mode", mode);
    config.extra_yaml = sim_connectors_yaml(sim_.base_url(), s1_token, llm_timeout_ms);
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  // Posts the id-only webhook and waits for the job to finish; its JSON.
  json run_threat_job() {
    HttpTestClient c("127.0.0.1", daemon_->port());
    auto r = c.request("POST", "/v1/webhooks/singularity", json{{"threatId", kThreatId}}.dump(), bearer(kWebhookToken));
    EXPECT_EQ(r.status, 202) << r.body;
    const std::string job_id = r.json()["job_id"];
    HttpTestResponse job;
    EXPECT_TRUE(eventually([&] {
      job = c.request("GET", "/v1/jobs/" + job_id, "", bearer(kAdminToken));
      return job.status == 200 && (job.json()["state"] == "done" || job.json()["state"] == "dead");
    }, std::chrono::seconds(60))) << job.body;
    return job.json();
  }

  json sim(const std::string& target) {
    HttpTestClient c("127.0.0.1", sim_.port());
    return c.request("GET", target).json();
  }
  void sim_post(const std::string& target, const json& body) {
    HttpTestClient c("127.0.0.1", sim_.port());
    auto r = c.request("POST", target, body.dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::string our_note(const std::string& job) {
    const json notes = sim("/_sim/notes");  // a named copy: the loop must not iterate a temporary's member
    for (const auto& n : notes["threat_notes"]) {
      std::string text = n.value("text", "");
      if (text.find("[triagent:" + job + "]") != std::string::npos) return text;
    }
    return "";
  }
  bool nothing_acted() {
    return sim("/_sim/actions")["actions"].empty() && sim("/_sim/verdicts")["verdicts"].empty() &&
           sim("/_sim/statuses")["statuses"].empty();
  }

  int audit_verify_exit() {
    std::string cmd = std::string(TRIAGENT_BINARY_DIR) + "/triagent audit verify --dir " + dir_.path() + "/audit > /dev/null 2>&1";
    int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  SimProcess sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PipelineEndToEnd, AssistModePostsOneDraftNoteWithTechniquesAndTimeline) {
  start("assist");
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  const json& result = job["result"];
  EXPECT_EQ(result["produced_by"], "llm:sim-openai") << result.dump();
  EXPECT_FALSE(result["analysis"]["techniques"].empty());
  EXPECT_GT(result["stats"]["evidence_items"].get<int>(), 3);
  EXPECT_EQ(result["stats"]["iocs_kept"], result["stats"]["iocs_total"]);

  json notes = sim("/_sim/notes")["threat_notes"];
  int ours = 0;
  std::string note;
  for (const auto& n : notes) {
    std::string text = n.value("text", "");
    if (text.find("[triagent:" + result["job"].get<std::string>() + "]") != std::string::npos) {
      ++ours;
      note = text;
    }
  }
  ASSERT_EQ(ours, 1) << notes.dump();
  EXPECT_NE(note.find("[AI-Generated Draft]"), std::string::npos) << note;
  EXPECT_NE(note.find("T1059"), std::string::npos) << note;  // encoded PowerShell in the scenario
  EXPECT_NE(note.find("Timeline"), std::string::npos) << note;
  EXPECT_NE(sim("/_sim/addEvents").dump().find(result["job"].get<std::string>()), std::string::npos);
  // Redaction held: the host and user names never reached the model.
  std::string prompts = sim("/_sim/llm").dump();
  EXPECT_EQ(prompts.find("WS-FIN-023"), std::string::npos);
  EXPECT_EQ(prompts.find("jsmith"), std::string::npos);
  // Nothing high-risk ran on its own.
  EXPECT_TRUE(sim("/_sim/actions")["actions"].empty()) << sim("/_sim/actions").dump();
  EXPECT_TRUE(sim("/_sim/verdicts")["verdicts"].empty()) << sim("/_sim/verdicts").dump();
  EXPECT_EQ(audit_verify_exit(), 0);
}

TEST_F(PipelineEndToEnd, ShadowModeWritesNothingBack) {
  start("shadow");
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_FALSE(job["result"]["analysis"]["summary"].get<std::string>().empty());
  EXPECT_TRUE(sim("/_sim/notes")["threat_notes"].empty());
  EXPECT_TRUE(sim("/_sim/addEvents").dump().find("triagent_job_id") == std::string::npos);
  EXPECT_EQ(audit_verify_exit(), 0);
}

// ---------------------------------------------------------------- the fault matrix
// Every job ends delivered, degraded or dead-lettered with its reason; no unapproved action runs.

TEST_F(PipelineEndToEnd, InvalidJsonTwiceFallsBackToTheBuiltinAnalyst) {
  start("assist");
  sim_post("/_sim/llm/mode", {{"mode", "invalid_json"}, {"count", 2}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["produced_by"], "builtin");
  EXPECT_TRUE(job["result"]["fallback"].get<bool>());
  EXPECT_EQ(job["result"]["llm_attempts"].size(), 2u);
  EXPECT_FALSE(our_note(job["result"]["job"]).empty());
  EXPECT_EQ(audit_verify_exit(), 0);
}

TEST_F(PipelineEndToEnd, AnInjectedAnswerInAutoModeRunsNoAction) {
  start("auto");
  sim_post("/_sim/llm/mode", {{"mode", "injected"}, {"count", 2}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_TRUE(nothing_acted()) << sim("/_sim/actions").dump();
  for (const auto& a : job["result"]["governance"]) EXPECT_NE(a["disposition"], "execute") << a.dump();
}

TEST_F(PipelineEndToEnd, SchemaViolationsAreRepairedOrReplaced) {
  start("assist");
  sim_post("/_sim/llm/mode", {{"mode", "schema_violation"}, {"count", 1}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  const json& attempts = job["result"]["llm_attempts"];
  ASSERT_EQ(attempts.size(), 2u) << attempts.dump();
  EXPECT_EQ(attempts[0]["outcome"], "rejected");
  EXPECT_EQ(attempts[1]["outcome"], "accepted");
  EXPECT_EQ(job["result"]["produced_by"], "llm:sim-openai");
}

TEST_F(PipelineEndToEnd, AnLlmThatTimesOutIsReplacedByTheBuiltinAnalyst) {
  start("assist", kSimS1Token, 1'000);
  sim_post("/_sim/faults", {{"faults", json::array({{{"route", "POST /v1/chat/completions"}, {"latency_ms", 5'000}}})}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["produced_by"], "builtin");
  EXPECT_FALSE(our_note(job["result"]["job"]).empty());
}

TEST_F(PipelineEndToEnd, ARateLimitedLlmIsWaitedFor) {
  start("assist");
  sim_post("/_sim/faults", {{"faults", json::array({{{"route", "POST /v1/chat/completions"}, {"status", 429},
                                                      {"retry_after", 1}, {"count", 1}}})}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["produced_by"], "llm:sim-openai");
}

TEST_F(PipelineEndToEnd, ABrokenDeepVisibilityDegradesTheNoteAndSaysSo) {
  start("assist");
  sim_post("/_sim/faults", {{"faults", json::array({{{"route", "/web/api/v2.1/dv/"}, {"status", 500}}})}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_TRUE(job["result"]["degraded"].get<bool>());
  std::string note = our_note(job["result"]["job"]);
  EXPECT_NE(note.find("Degraded"), std::string::npos) << note;
}

TEST_F(PipelineEndToEnd, DataSetServerErrorsDegradeButDoNotStopTheJob) {
  start("assist");
  sim_post("/_sim/faults", {{"faults", json::array({{{"route", "POST /api/query"}, {"status", 503}},
                                                     {{"route", "POST /api/powerQuery"}, {"status", 503}}})}});
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_TRUE(job["result"]["degraded"].get<bool>());
  EXPECT_FALSE(our_note(job["result"]["job"]).empty());
}

TEST_F(PipelineEndToEnd, AWrongSingularityTokenEndsTheJobWithItsReason) {
  start("assist", "wrong-token-0123456789abcdef");
  json job = run_threat_job();
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_TRUE(job["result"]["degraded"].get<bool>());
  bool note_failed = false;
  for (const auto& d : job["result"]["delivery"]) note_failed |= d["step"] == "note" && d["outcome"] == "failed";
  EXPECT_TRUE(note_failed) << job["result"]["delivery"].dump();
  EXPECT_TRUE(nothing_acted());
}

}  // namespace
}  // namespace triagent::testing
