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
  void start(const std::string& mode) {
    TestConfig config;
    config.with("mode", mode);
    config.extra_yaml = "connectors:\n"
                        "  singularity:\n"
                        "    base_url: " + sim_.base_url() + "\n"
                        "    api_token: " + std::string(kSimS1Token) + "\n"
                        "    deep_visibility: {poll_interval_ms: 100, status_requests_per_second: 50}\n"
                        "  dataset:\n"
                        "    base_url: " + sim_.base_url() + "\n"
                        "    read_key: " + std::string(kSimDatasetReadKey) + "\n"
                        "    write_key: " + std::string(kSimDatasetWriteKey) + "\n"
                        "    tenant: true\n"
                        "llm:\n"
                        "  providers:\n"
                        "    - name: sim-openai\n"
                        "      kind: openai\n"
                        "      base_url: " + sim_.base_url() + "\n"
                        "      model: sim-analyst-1\n"
                        "      api_key: " + std::string(kSimLlmKey) + "\n"
                        "upstreams:\n"
                        "  singularity: {retry: {base_delay_ms: 10}}\n"
                        "  sim-openai: {retry: {base_delay_ms: 10}}\n";
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

}  // namespace
}  // namespace triagent::testing
