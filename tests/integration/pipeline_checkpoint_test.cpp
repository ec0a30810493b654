// The job checkpoint on the real daemon against the simulator: a job whose delivery failed for a
// reason time may cure goes round again and delivers the checkpoint its first attempt saved, so
// the LLM is asked once and the note posted once; an admin replay of the job delivers that same
// checkpoint again rather than a new analysis.
//
// The transient failure: the simulator answers the first note POST with 503 and a Retry-After
// longer than the daemon's inline wait (2 s), so the connector hands the job back to the queue
// (JobOutcome::retry) instead of retrying inline.
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

constexpr const char* kThreatId = "2287651234567890101";
constexpr const char* kNoteRoute = "POST /web/api/v2.1/threats/notes";
constexpr const char* kLlmRoute = "POST /v1/chat/completions";

class PipelineCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    TestConfig config;
    config.with("mode", "assist");
    config.extra_yaml = sim_connectors_yaml(sim_.base_url());
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  std::string post_webhook() {
    HttpTestClient c("127.0.0.1", daemon_->port());
    auto r = c.request("POST", "/v1/webhooks/singularity", json{{"threatId", kThreatId}}.dump(), bearer(kWebhookToken));
    EXPECT_EQ(r.status, 202) << r.body;
    return r.json().value("job_id", "");
  }

  json job(const std::string& id) {
    HttpTestClient c("127.0.0.1", daemon_->port());
    return c.request("GET", "/v1/jobs/" + id, "", bearer(kAdminToken)).json();
  }

  json wait_finished(const std::string& id) {
    json j;
    EXPECT_TRUE(eventually([&] {
      j = job(id);
      return j.value("state", "") == "done" || j.value("state", "") == "dead";
    }, std::chrono::seconds(60))) << j.dump() << "\n" << daemon_->stderr_text();
    return j;
  }

  json sim(const std::string& method, const std::string& target, const json& body = nullptr) {
    HttpTestClient c("127.0.0.1", sim_.port());
    auto r = c.request(method, target, body.is_null() ? "" : body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << method << " " << target << ": " << r.body;
    return r.json();
  }
  int requests_to(const std::string& route) { return sim("GET", "/_sim/requests")["routes"].value(route, 0); }
  int notes_containing(const std::string& text) {
    int n = 0;
    const json notes = sim("GET", "/_sim/notes");
    for (const auto& note : notes["threat_notes"]) n += note.value("text", "").find(text) != std::string::npos;
    return n;
  }

  static json delivery_step(const json& j, const std::string& step) {
    for (const auto& d : j["result"]["delivery"]) {
      if (d.value("step", "") == step) return d;
    }
    return json::object();
  }

  // The job's audit records of kind "checkpoint", once the audit log has written `n` of them.
  std::vector<json> checkpoint_records(const std::string& job_key, std::size_t n) {
    std::vector<json> out;
    eventually([&] {
      out.clear();
      std::ifstream in(dir_.path() + "/audit/audit.jsonl");
      for (std::string line; std::getline(in, line);) {
        json r = json::parse(line, nullptr, false);
        if (r.is_object() && r.value("kind", "") == "checkpoint" && r.value("job_id", "") == job_key) out.push_back(r);
      }
      return out.size() >= n;
    }, std::chrono::seconds(10));
    return out;
  }

  SimProcess sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PipelineCheckpoint, ATransientNoteFailureIsRetriedFromTheCheckpointWithoutAskingTheLlmAgain) {
  sim("POST", "/_sim/faults",
      {{"faults", json::array({{{"route", kNoteRoute}, {"status", 503}, {"retry_after", 3}, {"count", 1}}})}});
  const std::string id = post_webhook();
  ASSERT_FALSE(id.empty());
  const std::string marker = "[triagent:job-" + id + "]";

  const json finished = wait_finished(id);
  ASSERT_EQ(finished["state"], "done") << finished["last_error"];
  EXPECT_EQ(finished["attempts"], 2) << finished["last_error"];
  EXPECT_EQ(finished["result"].value("resumed_from_checkpoint", false), true) << finished["result"]["delivery"].dump();

  // One analysis for the whole job, and one note holding its marker.
  EXPECT_EQ(requests_to(kLlmRoute), 1);
  EXPECT_EQ(notes_containing(marker), 1);
  const json note = delivery_step(finished, "note");
  EXPECT_EQ(note.value("outcome", ""), "done") << finished["result"]["delivery"].dump();
  EXPECT_EQ(note.value("detail", ""), "posted") << note.dump();
  // The tags went through on the first attempt, beside the failed note; the second skipped them.
  EXPECT_EQ(delivery_step(finished, "tags").value("outcome", ""), "skipped");
  EXPECT_EQ(delivery_step(finished, "add_events").value("outcome", ""), "skipped");
  // The 503, the tags note, the case note.
  EXPECT_EQ(requests_to(kNoteRoute), 3);
  // The note delivered is the one the first attempt rendered and kept in its result.
  EXPECT_NE(finished["result"].value("note", "").find(marker), std::string::npos);

  const auto records = checkpoint_records("job-" + id, 2);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["data"]["event"], "saved");
  EXPECT_EQ(records[1]["data"]["event"], "resumed");
}

TEST_F(PipelineCheckpoint, AnAdminReplayDeliversTheSameCheckpointAgainWithoutANewAnalysis) {
  const std::string id = post_webhook();
  ASSERT_FALSE(id.empty());
  const json first = wait_finished(id);
  ASSERT_EQ(first["state"], "done") << first["last_error"];
  EXPECT_FALSE(first["result"].contains("resumed_from_checkpoint"));
  ASSERT_EQ(requests_to(kLlmRoute), 1);
  const int note_posts = requests_to(kNoteRoute);

  HttpTestClient c("127.0.0.1", daemon_->port());
  auto replayed = c.request("POST", "/v1/jobs/" + id + "/replay", "", bearer(kAdminToken));
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  json again;
  ASSERT_TRUE(eventually([&] {
    again = job(id);
    return again.value("state", "") == "done" && again["result"].value("resumed_from_checkpoint", false);
  }, std::chrono::seconds(60))) << again.value("state", "") << " " << again["result"]["delivery"].dump();

  EXPECT_EQ(requests_to(kLlmRoute), 1);
  EXPECT_EQ(requests_to(kNoteRoute), note_posts);
  EXPECT_EQ(again["result"]["analysis"], first["result"]["analysis"]);
  EXPECT_EQ(again["result"]["note"], first["result"]["note"]);
  for (const auto& step : again["result"]["delivery"]) EXPECT_EQ(step.value("outcome", ""), "skipped") << step.dump();
}

}  // namespace
}  // namespace triagent::testing
