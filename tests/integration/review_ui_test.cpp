// The review UI end to end: the simulator's Windows attack runs through the real daemon in assist
// mode (every action the model recommends waits for a human), then headless Chromium logs in
// through /ui, checks the overview and the incident against the API, and approves the model's
// add_note with a reason (tests/ui/review_ui.mjs); finally the simulator must have received the
// note the approval wrote.
//
// Needs Debian's chromium and node with tests/ui/node_modules (scripts/install-deps.sh installs
// them). Without them the test is skipped, unless TRIAGENT_REQUIRE_UI_TEST is set (CI sets it),
// where it fails instead: CI must never pass by skipping.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
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

constexpr const char* kThreatId = "2287651234567890101";
constexpr const char* kReason = "Analysis checked in the review UI: record it on the threat";

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// The first executable `name` on PATH, "" when none.
std::string on_path(const std::string& name) {
  std::stringstream dirs(env_or("PATH", "/usr/local/bin:/usr/bin:/bin"));
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/" + name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ReviewUi : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = env_or("TRIAGENT_CHROMIUM", "/usr/bin/chromium");
    node_ = on_path("node");
    std::string missing;
    if (::access(chromium_.c_str(), X_OK) != 0) missing += " " + chromium_;
    if (node_.empty()) missing += " node";
    if (!std::filesystem::exists(ui_dir() + "/node_modules/playwright-core")) missing += " tests/ui/node_modules (npm ci)";
    if (missing.empty()) return;
    if (std::getenv("TRIAGENT_REQUIRE_UI_TEST") != nullptr) {
      FAIL() << "TRIAGENT_REQUIRE_UI_TEST is set but the UI test cannot run, missing:" << missing
             << " (run scripts/install-deps.sh)";
    }
    GTEST_SKIP() << "review UI test skipped, missing:" << missing
                 << " (run scripts/install-deps.sh; set TRIAGENT_REQUIRE_UI_TEST=1 to make this a failure)";
  }

  // Screenshots land in the test's temp dir, removed afterwards, unless TRIAGENT_UI_ARTIFACTS
  // names a directory to keep them in (to look at a failure).
  std::string artifacts_dir() const { return env_or("TRIAGENT_UI_ARTIFACTS", dir_.path() + "/ui-artifacts"); }

  static std::string ui_dir() { return std::string(TRIAGENT_SOURCE_DIR) + "/tests/ui"; }

  void start_daemon() {
    TestConfig config;
    config.with("mode", "assist");
    config.extra_yaml = sim_connectors_yaml(sim_.base_url());
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  HttpTestResponse api(const std::string& target) {
    HttpTestClient c("127.0.0.1", daemon_->port());
    return c.request("GET", target, "", bearer(kAdminToken));
  }

  json sim(const std::string& target) {
    HttpTestClient c("127.0.0.1", sim_.port());
    return c.request("GET", target).json();
  }

  // Runs the browser script with its inputs in the environment; its exit code, output in `log`.
  int run_browser(const std::string& job_id, const std::string& approval_id, std::string& log) {
    const std::string artifacts = artifacts_dir();
    const std::string log_path = dir_.path() + "/review_ui.log";
    ::setenv("TRIAGENT_UI_BASE_URL", ("http://127.0.0.1:" + std::to_string(daemon_->port())).c_str(), 1);
    ::setenv("TRIAGENT_UI_TOKEN", kAdminToken, 1);
    ::setenv("TRIAGENT_UI_JOB_ID", job_id.c_str(), 1);
    ::setenv("TRIAGENT_UI_APPROVAL_ID", approval_id.c_str(), 1);
    ::setenv("TRIAGENT_UI_ARTIFACTS", artifacts.c_str(), 1);
    ::setenv("TRIAGENT_UI_REASON", kReason, 1);
    ::setenv("TRIAGENT_CHROMIUM", chromium_.c_str(), 1);
    const std::string cmd = "'" + node_ + "' '" + ui_dir() + "/review_ui.mjs' > '" + log_path + "' 2>&1";
    int status = std::system(cmd.c_str());
    log = read_file(log_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string chromium_;
  std::string node_;
  SimProcess sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ReviewUi, AnAnalystReviewsTheIncidentAndApprovesAnActionInTheBrowser) {
  start_daemon();
  auto ui = api("/ui");
  ASSERT_EQ(ui.status, 200) << "the daemon does not serve /ui: is register_ui_routes() called in daemon.cpp?";

  HttpTestClient c("127.0.0.1", daemon_->port());
  auto posted = c.request("POST", "/v1/webhooks/singularity", json{{"threatId", kThreatId}}.dump(), bearer(kWebhookToken));
  ASSERT_EQ(posted.status, 202) << posted.body;
  const std::string job_id = posted.json()["job_id"];

  json job;
  ASSERT_TRUE(eventually([&] {
    job = api("/v1/jobs/" + job_id).json();
    return job.value("state", "") == "done" || job.value("state", "") == "dead";
  }, std::chrono::seconds(60))) << job.dump();
  ASSERT_EQ(job["state"], "done") << job.dump();

  // Assist mode holds every recommended action; add_note has an executor that writes to the
  // simulator, so approving it is observable there.
  json held;
  ASSERT_TRUE(eventually([&] {
    for (const auto& id : job["result"].value("approvals", json::array())) {
      json a = api("/v1/approvals/" + id.get<std::string>()).json();
      if (a.value("status", "") == "pending" && a.value("action", "") == "add_note") held = a;
    }
    return !held.is_null();
  }, std::chrono::seconds(10))) << job["result"]["governance"].dump();
  const std::string approval_id = held["id"];
  const std::string marker = "[triagent:approval:" + approval_id + "]";
  ASSERT_EQ(sim("/_sim/notes").dump().find(marker), std::string::npos) << "executed before the approval";

  std::string log;
  ASSERT_EQ(run_browser(job_id, approval_id, log), 0) << log;

  // The click reached the executor, which wrote the approved note to the simulator's threat.
  std::string written;
  EXPECT_TRUE(eventually([&] {
    const json notes = sim("/_sim/notes");  // named: the loop must not iterate a temporary's member
    for (const auto& n : notes.value("threat_notes", json::array())) {
      std::string text = n.value("text", "");
      if (text.find(marker) != std::string::npos) written = text;
    }
    return !written.empty();
  }, std::chrono::seconds(30))) << sim("/_sim/notes").dump();
  EXPECT_NE(written.find("approved by admin"), std::string::npos) << written;
  json decided = api("/v1/approvals/" + approval_id).json();
  EXPECT_EQ(decided["status"], "executed") << decided.dump();
  EXPECT_EQ(decided["decision_reason"], kReason) << decided.dump();
  EXPECT_GT(std::filesystem::file_size(artifacts_dir() + "/incident.png"), 0u);
}

}  // namespace
}  // namespace triagent::testing
