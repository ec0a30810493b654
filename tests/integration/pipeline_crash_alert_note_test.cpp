// A crash in the middle of an alert-note delivery (issue 5), as pipeline_crash_test does for the
// threat note: the real daemon is killed with SIGKILL after the simulator stored the UAM alert note
// but before the daemon heard the answer, so the ledger still says `started`. After a restart on
// the same data directory the job resumes from its checkpoint, lists the alert's notes (GraphQL
// alertNotes), finds its marker and posts nothing; the LLM was asked once for the whole job.
//
// The alert: the scenario's LSASS UAM alert without its EDR threat id (as an identity or cloud
// alert has none), so the note goes to the alert through GraphQL rather than to a threat. The
// scenario is the shipped one with that one line removed.
//
// The crash window: GraphQL has one route for every operation, so the hold is placed by count.
// The job's GraphQL calls are, in order: the alert read (resolve), alertNotes, the addNote
// mutation; `after: 2` holds the third answer, after the note is stored.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"

namespace triagent::testing {
namespace {

using nlohmann::json;

constexpr const char* kAlertId = "019a8f3c-5b2d-7e41-9c6a-3f2b1d0e4a57";
constexpr const char* kAlertThreatLine = "    threat_id: \"2287651234567890202\"\n";
constexpr const char* kGraphqlRoute = "POST /web/api/v2.1/unifiedalerts/graphql";
constexpr const char* kLlmRoute = "POST /v1/chat/completions";
constexpr int kHeldAnswerMs = 60'000;  // the daemon must never get the answer (see pipeline_crash_test)

// The shipped scenario with the LSASS alert's threat id taken out, written into `dir`.
std::string scenario_without_alert_threat(const std::string& dir) {
  std::ifstream in(std::string(TRIAGENT_SOURCE_DIR) + "/tools/sim/scenarios/windows-workstation-attack.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const auto at = yaml.find(std::string("  - id: \"") + kAlertId + "\"");
  const auto line = yaml.find(kAlertThreatLine, at);
  if (at == std::string::npos || line == std::string::npos) return "";
  yaml.erase(line, std::string(kAlertThreatLine).size());
  const std::string path = dir + "/scenario-alert-without-threat.yaml";
  std::ofstream(path) << yaml;
  return path;
}

class PipelineCrashAlertNote : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string scenario = scenario_without_alert_threat(scenario_dir_.path());
    ASSERT_FALSE(scenario.empty()) << "the shipped scenario no longer has the LSASS alert's threat_id line";
    SimOptions options;
    options.scenario = scenario;
    sim_ = std::make_unique<SimProcess>(options);
  }

  void start_daemon() {
    TestConfig config;
    config.with("mode", "assist");
    config.extra_yaml = sim_connectors_yaml(sim_->base_url());
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  json sim(const std::string& method, const std::string& target, const json& body = nullptr) {
    HttpTestClient c("127.0.0.1", sim_->port());
    auto r = c.request(method, target, body.is_null() ? "" : body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << method << " " << target << ": " << r.body;
    return r.json();
  }

  int alert_notes_containing(const std::string& text) {
    int n = 0;
    const json notes = sim("GET", "/_sim/notes");
    for (const auto& note : notes["alert_notes"]) {
      n += note.value("alertId", "") == kAlertId && note.value("text", "").find(text) != std::string::npos;
    }
    return n;
  }

  json wait_finished(const std::string& id) {
    HttpTestClient c("127.0.0.1", daemon_->port());
    json j;
    EXPECT_TRUE(eventually([&] {
      j = c.request("GET", "/v1/jobs/" + id, "", bearer(kAdminToken)).json();
      return j.value("state", "") == "done" || j.value("state", "") == "dead";
    }, std::chrono::seconds(60))) << j.value("state", "") << "\n" << daemon_->stderr_text();
    return j;
  }

  static json delivery_step(const json& j, const std::string& step) {
    for (const auto& d : j["result"]["delivery"]) {
      if (d.value("step", "") == step) return d;
    }
    return json::object();
  }

  TempDir scenario_dir_;
  std::unique_ptr<SimProcess> sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PipelineCrashAlertNote, AKillBetweenTheAlertNotePostAndTheLedgerLeavesOneNote) {
  sim("POST", "/_sim/faults",
      {{"faults", json::array({{{"route", kGraphqlRoute}, {"latency_ms", kHeldAnswerMs}, {"after", 2}}})}});
  start_daemon();
  HttpTestClient c("127.0.0.1", daemon_->port());
  auto posted = c.request("POST", "/v1/webhooks/singularity", json{{"alertId", kAlertId}}.dump(), bearer(kWebhookToken));
  ASSERT_EQ(posted.status, 202) << posted.body;
  const std::string id = posted.json().value("job_id", "");
  const std::string marker = "[triagent:job-" + id + "]";

  ASSERT_TRUE(eventually([&] { return alert_notes_containing(marker) > 0; }, std::chrono::seconds(60)))
      << daemon_->stderr_text();
  daemon_->kill_hard();
  ASSERT_EQ(alert_notes_containing(marker), 1);
  sim("DELETE", "/_sim/faults");
  start_daemon();

  const json finished = wait_finished(id);
  ASSERT_EQ(finished["state"], "done") << finished["last_error"];
  EXPECT_EQ(alert_notes_containing(marker), 1) << sim("GET", "/_sim/notes")["alert_notes"].dump();
  const json step = delivery_step(finished, "alert_note");
  EXPECT_EQ(step.value("target", ""), std::string("alert:") + kAlertId) << finished["result"]["delivery"].dump();
  EXPECT_EQ(step.value("outcome", ""), "done") << step.dump();
  EXPECT_EQ(step.value("detail", ""), "marker already present: not posted again") << step.dump();
  // The restart delivered the checkpoint: no second analysis.
  EXPECT_EQ(sim("GET", "/_sim/requests")["routes"].value(kLlmRoute, 0), 1);
  EXPECT_EQ(finished["result"].value("resumed_from_checkpoint", false), true);
}

}  // namespace
}  // namespace triagent::testing
