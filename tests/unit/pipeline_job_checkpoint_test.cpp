// The job checkpoint (job_checkpoint.hpp, job_checkpoint_store.hpp): what a job saves before its
// first delivery step, kept in real SQLite files and read back as a later attempt would.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/temp_files.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/pipeline/job_checkpoint.hpp"
#include "triagent/pipeline/job_checkpoint_store.hpp"
#include "triagent/pipeline/job_checkpoint_sweep.hpp"

namespace triagent {
namespace {

using nlohmann::json;

JobCheckpoint sample(const std::string& job = "job-42", const std::string& note = "[triagent:job-42] summary") {
  JobCheckpoint c;
  c.job_id = job;
  c.payload_sha256 = std::string(64, 'a');
  c.note_text = note;
  c.tags = {"triagent", "severity:high"};
  DataSetEvent incident_event;
  incident_event.thread = "t1";
  incident_event.sev = 4;
  incident_event.attrs = {{"triagent_event_id", job + ":incident"}, {"ai_summary", "caf\xc3\xa9 \"quoted\""}};
  incident_event.ts_ns = 1'763'474'400'000'000'000;
  DataSetEvent evidence_event;
  evidence_event.attrs = {{"triagent_event_id", job + ":ev-1"}, {"ai_cited", true}};
  c.events = {incident_event, evidence_event};
  c.note_threat_id = "2287651234567890101";
  c.tags_threat_id = "2287651234567890101";
  c.send_events = true;
  c.result = {{"job", job}, {"mode", "assist"}, {"analysis", {{"summary", "s"}, {"confidence", 0.9}}}};
  return c;
}

std::unique_ptr<JobCheckpointStore> open_store(const std::string& path, const Clock& clock,
                                               std::size_t max_body_bytes = 8 * 1024 * 1024) {
  auto opened = JobCheckpointStore::open({.path = path, .max_body_bytes = max_body_bytes}, clock);
  EXPECT_TRUE(opened) << opened.error().message;
  return std::move(*opened);
}

void expect_same_delivery(const JobCheckpoint& a, const JobCheckpoint& b) {
  EXPECT_EQ(a.job_id, b.job_id);
  EXPECT_EQ(a.payload_sha256, b.payload_sha256);
  EXPECT_EQ(a.note_text, b.note_text);
  EXPECT_EQ(a.tags, b.tags);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].thread, b.events[i].thread);
    EXPECT_EQ(a.events[i].sev, b.events[i].sev);
    EXPECT_EQ(a.events[i].attrs, b.events[i].attrs);
    EXPECT_EQ(a.events[i].ts_ns, b.events[i].ts_ns);
  }
  EXPECT_EQ(a.note_threat_id, b.note_threat_id);
  EXPECT_EQ(a.alert_note_alert_id, b.alert_note_alert_id);
  EXPECT_EQ(a.tags_threat_id, b.tags_threat_id);
  EXPECT_EQ(a.send_events, b.send_events);
  EXPECT_EQ(a.result, b.result);
}

TEST(JobCheckpointStore, ASavedCheckpointReadsBackWholeAfterAReopen) {
  testing::TempDbFile db_roundtrip("checkpoint_roundtrip");
  const std::string path = db_roundtrip.path();
  ManualClock clock(1'763'474'400'000);
  {
    auto store = open_store(path, clock);
    auto saved = store->save(sample());
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_TRUE(saved->written);
    expect_same_delivery(saved->kept, sample());
    EXPECT_EQ(saved->kept.created_at_ms, 1'763'474'400'000);
  }
  // A new connection (a restarted daemon) reads what the first one committed.
  auto store = open_store(path, clock);
  auto found = store->load("job-42");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  expect_same_delivery(**found, sample());
  EXPECT_EQ((*found)->created_at_ms, 1'763'474'400'000);

  DeliveryPlan plan = delivery_plan_of(**found, std::nullopt, Incident{});
  EXPECT_EQ(plan.job_id, "job-42");
  EXPECT_EQ(plan.note_text, "[triagent:job-42] summary");
  EXPECT_EQ(plan.note_threat_id, "2287651234567890101");
  EXPECT_EQ(plan.events.size(), 2u);
  EXPECT_TRUE(plan.send_events);
}

TEST(JobCheckpointStore, AJobWithoutACheckpointHasNone) {
  ManualClock clock;
  testing::TempDbFile db_missing("checkpoint_missing");
  auto store = open_store(db_missing.path(), clock);
  ASSERT_TRUE(store->save(sample("job-1")));
  auto found = store->load("job-2");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(found->has_value());
}

TEST(JobCheckpointStore, TheFirstCheckpointOfAJobIsKeptForTheSamePayload) {
  ManualClock clock;
  testing::TempDbFile db_first_wins("checkpoint_first-wins");
  auto store = open_store(db_first_wins.path(), clock);
  ASSERT_TRUE(store->save(sample("job-42", "[triagent:job-42] first analysis")));
  clock.advance(std::chrono::seconds(30));
  // A second attempt that analysed again (its lease ran out) must deliver the first one's note.
  auto saved = store->save(sample("job-42", "[triagent:job-42] second analysis"));
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_FALSE(saved->written);
  EXPECT_EQ(saved->kept.note_text, "[triagent:job-42] first analysis");
  EXPECT_EQ(saved->kept.created_at_ms, clock.now_ms() - 30'000);
}

TEST(JobCheckpointStore, ACheckpointOfAnotherPayloadIsReplaced) {
  ManualClock clock;
  testing::TempDbFile db_other_payload("checkpoint_other-payload");
  auto store = open_store(db_other_payload.path(), clock);
  ASSERT_TRUE(store->save(sample("job-1", "[triagent:job-1] old incident")));
  JobCheckpoint fresh = sample("job-1", "[triagent:job-1] new incident");
  fresh.payload_sha256 = std::string(64, 'b');
  auto saved = store->save(fresh);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_TRUE(saved->written);
  EXPECT_EQ(saved->kept.note_text, "[triagent:job-1] new incident");
  EXPECT_EQ((*store->load("job-1"))->payload_sha256, std::string(64, 'b'));
}

TEST(JobCheckpointStore, AHugeCheckpointIsRefusedWithAClearErrorAndNothingStored) {
  ManualClock clock;
  testing::TempDbFile db_too_large("checkpoint_too-large");
  auto store = open_store(db_too_large.path(), clock, 64 * 1024);
  JobCheckpoint huge = sample();
  huge.result["evidence"] = std::string(100 * 1024, 'x');
  auto kept = store->save(huge);
  ASSERT_FALSE(kept);
  EXPECT_EQ(kept.error().code, ErrorCode::too_large);
  EXPECT_TRUE(kept.error().message.starts_with("job checkpoints: the checkpoint of job-42 is 10")) << kept.error().message;
  EXPECT_TRUE(kept.error().message.ends_with(" bytes, over the limit of 65536 bytes")) << kept.error().message;
  EXPECT_FALSE(store->load("job-42")->has_value());
  // A checkpoint within the limit still goes in.
  EXPECT_TRUE(store->save(sample()));
}

TEST(JobCheckpointStore, ACheckpointNeedsAJobIdAndAPayloadHash) {
  ManualClock clock;
  testing::TempDbFile db_invalid("checkpoint_invalid");
  auto store = open_store(db_invalid.path(), clock);
  JobCheckpoint no_job = sample();
  no_job.job_id.clear();
  EXPECT_EQ(store->save(no_job).error().code, ErrorCode::invalid_argument);
  JobCheckpoint no_hash = sample();
  no_hash.payload_sha256.clear();
  EXPECT_EQ(store->save(no_hash).error().code, ErrorCode::invalid_argument);
}

TEST(JobCheckpointStore, AnUnreadableBodyIsAnErrorNotAGuess) {
  testing::TempDbFile db_unreadable("checkpoint_unreadable");
  const std::string path = db_unreadable.path();
  ManualClock clock;
  auto store = open_store(path, clock);
  ASSERT_TRUE(store->save(sample()));
  // As another (newer) version of the daemon might have written it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE job_checkpoints SET body = '{\"version\":2}'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto found = store->load("job-42");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(found.error().message.find("job-42 is unreadable: job checkpoint: body version 2 is not 1"),
            std::string::npos)
      << found.error().message;
}

TEST(JobCheckpointStore, PruneDeletesOnlyCheckpointsOlderThanTheCutoff) {
  ManualClock clock(1'000'000);
  testing::TempDbFile db_prune("checkpoint_prune");
  auto store = open_store(db_prune.path(), clock);
  for (int i = 0; i < 1'205; ++i) ASSERT_TRUE(store->save(sample("job-old-" + std::to_string(i))));
  clock.set_ms(2'000'000);
  ASSERT_TRUE(store->save(sample("job-new")));
  auto pruned = store->prune_created_before(1'500'000);
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(*pruned, 1'205);  // across more than one chunk of a thousand
  EXPECT_FALSE(store->load("job-old-0")->has_value());
  EXPECT_FALSE(store->load("job-old-1204")->has_value());
  EXPECT_TRUE(store->load("job-new")->has_value());
  EXPECT_EQ(*store->prune_created_before(1'500'000), 0);
}

boost::asio::awaitable<void> run_inline(std::function<void()> work) {
  work();
  co_return;
}

TEST(JobCheckpointSweep, ARoundRunsAtOnceAndDeletesWhatIsPastTheRetention) {
  ManualClock clock(1'000'000);
  testing::TempDbFile db_sweep("checkpoint_sweep");
  auto store = open_store(db_sweep.path(), clock);
  ASSERT_TRUE(store->save(sample("job-old")));
  clock.set_ms(1'000'000 + 3'600'000);
  ASSERT_TRUE(store->save(sample("job-recent")));
  clock.advance(std::chrono::minutes(30));

  boost::asio::io_context io;
  boost::asio::steady_timer timer(io);
  std::atomic<bool> stopped{false};
  JobCheckpointSweepConfig config;
  config.retention = std::chrono::hours(1);
  boost::asio::co_spawn(io, sweep_job_checkpoints(store.get(), config, &timer, &stopped, run_inline, &clock),
                        boost::asio::detached);
  io.poll();  // the first round, up to the wait for the next interval
  EXPECT_FALSE(store->load("job-old")->has_value());
  EXPECT_TRUE(store->load("job-recent")->has_value());

  stopped = true;
  timer.cancel();
  io.run();  // returns only once the sweep has ended
}

TEST(JobCheckpoint, ABodyOfTheWrongShapeDoesNotDecode) {
  for (const char* body : {"", "[]", "{\"version\":1}", "{\"version\":1,\"note_text\":3}", "not json"}) {
    auto c = decode_checkpoint_body(body);
    ASSERT_FALSE(c) << body;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_argument) << body;
  }
  JobCheckpoint c = sample();
  c.result = json::array();
  EXPECT_FALSE(decode_checkpoint_body(encode_checkpoint_body(c)));
}

TEST(JobCheckpoint, OnlyACheckpointWithATargetOrEventsDelivers) {
  JobCheckpoint shadow;
  shadow.result = {{"mode", "shadow"}};
  EXPECT_FALSE(shadow.delivers());
  JobCheckpoint alert = shadow;
  alert.alert_note_alert_id = "019a8f3c-5b2d-7e41-9c6a-3f2b1d0e4a57";
  EXPECT_TRUE(alert.delivers());
  JobCheckpoint events = shadow;
  events.send_events = true;
  EXPECT_TRUE(events.delivers());
}

}  // namespace
}  // namespace triagent
