// A crash in the middle of delivery (issue 5): the real daemon is killed with SIGKILL after
// SentinelOne stored a write but before the daemon heard the answer, so the delivery ledger still
// says `started`. After a restart on the same data directory the job runs again, and the threat
// must still hold that write exactly once.
//
// The crash window is made without any hook in the daemon: the simulator runs the note route
// (the note is stored) and only then holds the answer back for a long `latency_ms` (tools/sim
// README, "Faults"). The test waits until the simulator holds the write, then kills the daemon.
// On restart the queue requeues every job left leased by the dead process (recover_leases), so
// no short lease is needed (and a lease shorter than the job would let a second worker run the
// same job concurrently, which is a different test).
#include <gtest/gtest.h>

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
constexpr const char* kNoteRoute = "POST /web/api/v2.1/threats/notes";
constexpr const char* kTagsMarker = "[triagent:tags: ";
// Far longer than the test needs to see the stored note and kill the daemon: the daemon must
// never get the answer. The simulator stops its timers when it is stopped, so this costs nothing.
constexpr int kHeldAnswerMs = 60'000;

class PipelineCrash : public ::testing::Test {
 protected:
  void start_daemon() {
    TestConfig config;
    config.with("mode", "assist");
    config.extra_yaml = sim_connectors_yaml(sim_.base_url());
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  // Posts the id-only webhook; the job id.
  std::string post_webhook() {
    HttpTestClient c("127.0.0.1", daemon_->port());
    auto r = c.request("POST", "/v1/webhooks/singularity", json{{"threatId", kThreatId}}.dump(), bearer(kWebhookToken));
    EXPECT_EQ(r.status, 202) << r.body;
    return r.json().value("job_id", "");
  }

  json wait_finished(const std::string& job_id) {
    HttpTestClient c("127.0.0.1", daemon_->port());
    HttpTestResponse job;
    EXPECT_TRUE(eventually([&] {
      job = c.request("GET", "/v1/jobs/" + job_id, "", bearer(kAdminToken));
      return job.status == 200 && (job.json()["state"] == "done" || job.json()["state"] == "dead");
    }, std::chrono::seconds(60))) << job.body << "\n" << daemon_->stderr_text();
    return job.json();
  }

  // The threat's notes as SentinelOne lists them to the API token (what the daemon itself sees).
  json threat_notes() {
    HttpTestClient c("127.0.0.1", sim_.port());
    auto r = c.request("GET", std::string("/web/api/v2.1/threats/") + kThreatId + "/notes?limit=1000", "",
                       {{"Authorization", sim_s1_auth()}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("data", json::array());
  }
  int notes_containing(const std::string& text) {
    int n = 0;
    for (const auto& note : threat_notes()) n += note.value("text", "").find(text) != std::string::npos;
    return n;
  }

  void hold_note_answers(int after) {
    HttpTestClient c("127.0.0.1", sim_.port());
    json rule = {{"route", kNoteRoute}, {"latency_ms", kHeldAnswerMs}, {"after", after}};
    auto r = c.request("POST", "/_sim/faults", json{{"faults", json::array({rule})}}.dump(),
                       {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void clear_faults() {
    HttpTestClient c("127.0.0.1", sim_.port());
    auto r = c.request("DELETE", "/_sim/faults");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  int note_posts() {
    HttpTestClient c("127.0.0.1", sim_.port());
    return c.request("GET", "/_sim/requests").json()["routes"].value(kNoteRoute, 0);
  }

  // Kills the daemon as soon as the simulator holds a note containing `text`, then restarts it on
  // the same data directory with the answers no longer held.
  void crash_once_stored_then_restart(const std::string& text) {
    ASSERT_TRUE(eventually([&] { return notes_containing(text) > 0; }, std::chrono::seconds(60)))
        << daemon_->stderr_text();
    daemon_->kill_hard();
    ASSERT_EQ(notes_containing(text), 1);
    clear_faults();
    start_daemon();
  }

  static json delivery_step(const json& job, const std::string& step) {
    for (const auto& d : job["result"]["delivery"]) {
      if (d.value("step", "") == step) return d;
    }
    return json::object();
  }

  SimProcess sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PipelineCrash, AKillBetweenTheNotePostAndTheLedgerLeavesOneNote) {
  hold_note_answers(0);
  start_daemon();
  const std::string job_id = post_webhook();
  ASSERT_FALSE(job_id.empty());
  const std::string marker = "[triagent:job-" + job_id + "]";

  crash_once_stored_then_restart(marker);
  const json job = wait_finished(job_id);
  ASSERT_EQ(job["state"], "done") << job.dump();

  EXPECT_EQ(notes_containing(marker), 1) << threat_notes().dump();
  // The restart found its note on the server rather than posting it again.
  const json note = delivery_step(job, "note");
  EXPECT_EQ(note.value("outcome", ""), "done") << job["result"]["delivery"].dump();
  EXPECT_NE(note.value("detail", "").find("marker already present"), std::string::npos) << note.dump();
  // One POST for the note (before the crash) and one for the tags (after it).
  EXPECT_EQ(note_posts(), 2);
  EXPECT_EQ(notes_containing(kTagsMarker), 1) << threat_notes().dump();
}

TEST_F(PipelineCrash, AKillBetweenTheTagsPostAndTheLedgerLeavesOneTagsNote) {
  hold_note_answers(1);  // the case note goes through; the tags note (the second POST) is held
  start_daemon();
  const std::string job_id = post_webhook();
  ASSERT_FALSE(job_id.empty());
  const std::string marker = "[triagent:job-" + job_id + "]";

  crash_once_stored_then_restart(kTagsMarker);
  const json job = wait_finished(job_id);
  ASSERT_EQ(job["state"], "done") << job.dump();

  // The retry's analysis may come out with other tags; the job's own tags marker still finds the
  // note the killed attempt wrote.
  EXPECT_EQ(notes_containing(kTagsMarker), 1) << threat_notes().dump();
  EXPECT_EQ(notes_containing("[triagent:job-" + job_id + " tags]"), 1) << threat_notes().dump();
  EXPECT_EQ(notes_containing(marker), 1) << threat_notes().dump();
  // The note's outcome is recorded with the tags' when the Singularity steps end, so the killed
  // attempt left it `started` too: the restart found its marker rather than posting it again.
  const json note = delivery_step(job, "note");
  EXPECT_EQ(note.value("outcome", ""), "done") << job["result"]["delivery"].dump();
  EXPECT_NE(note.value("detail", "").find("marker already present"), std::string::npos) << note.dump();
  const json tags = delivery_step(job, "tags");
  EXPECT_EQ(tags.value("outcome", ""), "done") << job["result"]["delivery"].dump();
  EXPECT_NE(tags.value("detail", "").find("marker already present"), std::string::npos) << tags.dump();
  EXPECT_EQ(note_posts(), 2);  // the case note and the tags note, each once
}

}  // namespace
}  // namespace triagent::testing
