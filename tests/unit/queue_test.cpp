// JobQueue behaviour on the SQLite backend: enqueue, dedupe, back-pressure, leases and fencing,
// failures and backoff, dead letters, replay, stats.

#include <gtest/gtest.h>

#include "queue_test_support.hpp"

namespace triagent::queue_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kStart = 1'700'000'000'000;

TEST(JobState, RoundTripsItsNames) {
  for (auto s : {JobState::queued, JobState::leased, JobState::done, JobState::dead}) {
    EXPECT_EQ(parse_job_state(to_string(s)), s);
  }
  EXPECT_FALSE(parse_job_state("QUEUED"));
  EXPECT_FALSE(parse_job_state(""));
}

TEST(SqliteQueueOptions, ComeFromTheQueueConfig) {
  Config cfg;
  cfg.data_dir = "/srv/triagent";
  cfg.queue.max_depth = 7;
  cfg.queue.lease_seconds = 9;
  cfg.queue.max_attempts = 3;
  cfg.queue.group_commit_max_batch = 64;
  auto o = SqliteQueueOptions::from_config(cfg);
  EXPECT_EQ(o.path, "/srv/triagent/triagent.db");
  EXPECT_EQ(o.max_depth, 7);
  EXPECT_EQ(o.lease_seconds, 9);
  EXPECT_EQ(o.default_max_attempts, 3);
  EXPECT_EQ(o.group_commit_max_batch, 64);
  cfg.queue.path = "/elsewhere/q.db";
  EXPECT_EQ(SqliteQueueOptions::from_config(cfg).path, "/elsewhere/q.db");
}

TEST(OpenSqliteJobQueue, RejectsInvalidOptions) {
  ManualClock clock;
  TempDir dir;
  SqliteQueueOptions o;
  o.path = (dir.path() / "q.db").string();
  auto bad = [&](auto mutate) {
    SqliteQueueOptions copy = o;
    mutate(copy);
    auto q = open_sqlite_job_queue(copy, clock);
    return !q && q.error().code == ErrorCode::invalid_argument;
  };
  EXPECT_TRUE(bad([](auto& c) { c.path.clear(); }));
  EXPECT_TRUE(bad([](auto& c) { c.max_depth = 0; }));
  EXPECT_TRUE(bad([](auto& c) { c.lease_seconds = 0; }));
  EXPECT_TRUE(bad([](auto& c) { c.default_max_attempts = 0; }));
  EXPECT_TRUE(bad([](auto& c) { c.backoff_cap_ms = c.backoff_base_ms - 1; }));
  EXPECT_TRUE(bad([](auto& c) { c.group_commit_max_batch = 0; }));
}

using Queue = QueueFixture;

TEST_F(Queue, EnqueueThenGetReturnsTheJob) {
  NewJob job = job_with_key("dataset:1", R"({"a":1})");
  job.traceparent = "00-tp";
  auto r = wait_for<EnqueueOutcome>([&](auto cb) { queue->enqueue(job, cb); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->duplicate);
  auto rec = get(r->job_id);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->id, r->job_id);
  EXPECT_EQ(rec->kind, "enrich");
  EXPECT_EQ(rec->dedupe_key, "dataset:1");
  EXPECT_EQ(rec->payload, R"({"a":1})");
  EXPECT_EQ(rec->traceparent, "00-tp");
  EXPECT_EQ(rec->state, JobState::queued);
  EXPECT_EQ(rec->attempts, 0);
  EXPECT_EQ(rec->max_attempts, options.default_max_attempts);
  EXPECT_EQ(rec->created_ms, kStart);
  EXPECT_EQ(rec->visible_ms, kStart);
  EXPECT_TRUE(rec->result.empty());
  EXPECT_FALSE(get(r->job_id + 1));
}

TEST_F(Queue, DuplicateKeyAnswersTheFirstJob) {
  auto first = enqueue("k", 0, "first");
  auto second = enqueue("k", 0, "second");
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->job_id, first->job_id);
  EXPECT_EQ(get(first->job_id)->payload, "first");
  EXPECT_EQ(stats().ready, 1);
  EXPECT_EQ(queue->approximate_depth(), 1);
}

TEST_F(Queue, RefusesEmptyOrOversizedKeys) {
  auto empty = enqueue("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  auto huge = enqueue(std::string(5000, 'k'));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(stats().ready, 0);
}

TEST_F(Queue, OverloadedAtMaxDepthButDuplicatesStillAnswered) {
  options.max_depth = 2;
  reopen();
  auto a = enqueue_id("a");
  enqueue_id("b");
  auto c = enqueue("c");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::overloaded);
  auto dup = enqueue("a");
  ASSERT_TRUE(dup) << dup.error().message;
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->job_id, a);
  EXPECT_EQ(queue->approximate_depth(), 2);

  // A leased job still counts; a finished one frees its place.
  auto job = lease_one();
  EXPECT_FALSE(enqueue("c"));
  ASSERT_TRUE(*ack(job));
  EXPECT_EQ(queue->approximate_depth(), 1);
  EXPECT_TRUE(enqueue("c"));
}

TEST_F(Queue, LeasesOldestFirstUpToMaxJobs) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(enqueue_id("k" + std::to_string(i)));
  auto first = lease("w1", 3);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto& j = (*first)[static_cast<std::size_t>(i)];
    EXPECT_EQ(j.id, ids[static_cast<std::size_t>(i)]);
    EXPECT_EQ(j.lease_owner, "w1");
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.max_attempts, options.default_max_attempts);
    EXPECT_EQ(j.lease_expires_ms, kStart + 60'000);
    EXPECT_EQ(j.payload, "{}");
  }
  auto rest = lease("w2", 10);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].id, ids[3]);
  EXPECT_EQ((*rest)[1].id, ids[4]);
  EXPECT_TRUE(lease("w3", 10)->empty());
  EXPECT_EQ(get(ids[0])->state, JobState::leased);

  auto bad = lease("w1", 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(lease("", 1).error().code, ErrorCode::invalid_argument);
}

TEST_F(Queue, ExpiredLeaseMakesTheJobVisibleAgain) {
  auto id = enqueue_id("k");
  auto job = lease_one("w1");
  clock.advance(seconds(59));
  EXPECT_TRUE(lease("w2", 1)->empty());
  clock.advance(seconds(1));
  auto again = lease("w2", 1);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, id);
  EXPECT_EQ((*again)[0].attempts, 2);
  EXPECT_EQ((*again)[0].lease_owner, "w2");
}

TEST_F(Queue, StaleTokenChangesNothing) {
  auto id = enqueue_id("k");
  auto stale = lease_one("w1");
  clock.advance(seconds(61));
  auto current = lease_one("w2");

  EXPECT_FALSE(*ack(stale, "stale"));
  EXPECT_FALSE(*fail(stale, "stale", false));
  EXPECT_FALSE(*release(stale));
  EXPECT_FALSE(*extend(stale));
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::leased);
  EXPECT_EQ(rec->attempts, 2);
  EXPECT_TRUE(rec->result.empty());
  EXPECT_TRUE(rec->last_error.empty());

  // Same owner and id but another attempt is stale too.
  LeasedJob forged = current;
  forged.attempts = 1;
  EXPECT_FALSE(*ack(forged));
  EXPECT_TRUE(*ack(current, "fresh"));
  EXPECT_EQ(get(id)->result, "fresh");
}

TEST_F(Queue, AckStoresTheResultOnce) {
  auto id = enqueue_id("k");
  auto job = lease_one();
  clock.advance(seconds(5));
  ASSERT_TRUE(*ack(job, R"({"verdict":"benign"})"));
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::done);
  EXPECT_EQ(rec->result, R"({"verdict":"benign"})");
  EXPECT_EQ(rec->updated_ms, kStart + 5000);
  EXPECT_FALSE(*ack(job, "again"));
  EXPECT_EQ(get(id)->result, R"({"verdict":"benign"})");
  EXPECT_EQ(queue->approximate_depth(), 0);
}

TEST_F(Queue, FailBacksOffWithFullJitterUnderTheCap) {
  // base 1 s, cap 5 s: ceilings 1, 2, 4, 5, 5 s for attempts 1..5.
  const std::int64_t ceilings[] = {1000, 2000, 4000, 5000, 5000};
  options.default_max_attempts = 6;
  reopen();
  auto id = enqueue_id("k");
  for (std::int64_t ceiling : ceilings) {
    auto job = lease_one();
    const std::int64_t failed_at = clock.now_ms();
    ASSERT_TRUE(*fail(job, "upstream 503", true));
    auto rec = get(id);
    EXPECT_EQ(rec->state, JobState::queued);
    EXPECT_EQ(rec->last_error, "upstream 503");
    EXPECT_GE(rec->visible_ms, failed_at);
    EXPECT_LE(rec->visible_ms, failed_at + ceiling) << "attempt " << job.attempts;
    clock.set_ms(rec->visible_ms);
  }
}

TEST_F(Queue, FailHonoursRetryAfterExactly) {
  auto id = enqueue_id("k");
  auto job = lease_one();
  ASSERT_TRUE(*fail(job, "429", true, 7500));
  auto rec = get(id);
  EXPECT_EQ(rec->visible_ms, kStart + 7500);
  clock.advance(milliseconds(7499));
  EXPECT_TRUE(lease("w1", 1)->empty());
  clock.advance(milliseconds(1));
  EXPECT_EQ(lease("w1", 1)->size(), 1u);
}

TEST_F(Queue, DeadAfterMaxAttemptsWithTheLastError) {
  auto id = enqueue_id("k", /*max_attempts=*/2);
  auto first = lease_one();
  ASSERT_TRUE(*fail(first, "timeout", true, 0));
  auto second = lease_one();
  EXPECT_EQ(second.attempts, 2);
  ASSERT_TRUE(*fail(second, "timeout again", true, 0));
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::dead);
  EXPECT_EQ(rec->last_error, "timeout again");
  EXPECT_EQ(rec->attempts, 2);
  EXPECT_TRUE(lease("w1", 1)->empty());
  EXPECT_EQ(queue->approximate_depth(), 0);
}

TEST_F(Queue, NonRetryableFailureGoesDeadAtOnce) {
  auto id = enqueue_id("k");
  ASSERT_TRUE(*fail(lease_one(), "schema violation", false));
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::dead);
  EXPECT_EQ(rec->attempts, 1);
  EXPECT_EQ(rec->last_error, "schema violation");
}

TEST_F(Queue, LongErrorsAreTruncated) {
  auto id = enqueue_id("k");
  ASSERT_TRUE(*fail(lease_one(), std::string(10'000, 'e'), false));
  EXPECT_EQ(get(id)->last_error.size(), 4096u);
}

TEST_F(Queue, ExpiredLastAttemptGoesDeadInsteadOfRunningAgain) {
  auto id = enqueue_id("k", /*max_attempts=*/1);
  lease_one("w1");
  clock.advance(seconds(61));
  EXPECT_TRUE(lease("w2", 1)->empty());
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::dead);
  EXPECT_FALSE(rec->last_error.empty());
  EXPECT_EQ(queue->approximate_depth(), 0);
}

TEST_F(Queue, ReleaseGivesTheJobBackWithoutCountingAnAttempt) {
  auto id = enqueue_id("k");
  auto job = lease_one();
  clock.advance(seconds(3));
  ASSERT_TRUE(*release(job));
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::queued);
  EXPECT_EQ(rec->attempts, 0);
  EXPECT_EQ(rec->visible_ms, kStart + 3000);
  EXPECT_EQ(lease_one("w2").attempts, 1);
}

TEST_F(Queue, ExtendPushesTheLeaseExpiry) {
  auto id = enqueue_id("k");
  auto job = lease_one();
  clock.advance(seconds(50));
  ASSERT_TRUE(*extend(job));
  EXPECT_EQ(get(id)->visible_ms, kStart + 50'000 + 60'000);
  clock.advance(seconds(20));  // past the first expiry, before the extended one
  EXPECT_TRUE(lease("w2", 1)->empty());
  EXPECT_TRUE(*ack(job));
}

TEST_F(Queue, ListsNewestFirstWithALimit) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(enqueue_id("k" + std::to_string(i)));
  }
  for (int i = 0; i < 3; ++i) {
    clock.advance(seconds(1));
    ASSERT_TRUE(*fail(lease_one(), "e" + std::to_string(i), false));
  }
  auto dead = list(JobState::dead, 2);
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 2u);
  EXPECT_EQ((*dead)[0].id, ids[2]);
  EXPECT_EQ((*dead)[0].last_error, "e2");
  EXPECT_EQ((*dead)[1].id, ids[1]);
  EXPECT_TRUE(list(JobState::queued, 10)->empty());
  EXPECT_EQ(list(JobState::dead, 0).error().code, ErrorCode::invalid_argument);
}

TEST_F(Queue, ReplayRequeuesOnlyFinishedJobs) {
  EXPECT_EQ(replay(999).error().code, ErrorCode::not_found);

  auto queued = enqueue_id("queued");
  EXPECT_EQ(replay(queued).error().code, ErrorCode::conflict);
  auto leased = lease_one();
  EXPECT_EQ(replay(leased.id).error().code, ErrorCode::conflict);
  ASSERT_TRUE(*fail(leased, "bad payload", false));

  clock.advance(seconds(10));
  auto replayed = replay(queued);
  ASSERT_TRUE(replayed) << replayed.error().message;
  EXPECT_EQ(replayed->state, JobState::queued);
  EXPECT_EQ(replayed->attempts, 0);
  EXPECT_EQ(replayed->visible_ms, kStart + 10'000);
  EXPECT_EQ(replayed->last_error, "bad payload");
  EXPECT_EQ(queue->approximate_depth(), 1);

  auto again = lease_one();
  EXPECT_EQ(again.attempts, 1);
  ASSERT_TRUE(*ack(again, "r"));
  auto done_replayed = replay(queued);
  ASSERT_TRUE(done_replayed);
  EXPECT_EQ(done_replayed->state, JobState::queued);
  EXPECT_TRUE(done_replayed->result.empty());
}

TEST_F(Queue, StatsCountEachState) {
  enqueue_id("a");
  clock.advance(seconds(1));
  enqueue_id("b");
  enqueue_id("c");
  enqueue_id("d");
  enqueue_id("e");
  auto jobs = *lease("w", 3);  // a, b, c
  ASSERT_TRUE(*ack(jobs[0]));
  ASSERT_TRUE(*fail(jobs[1], "x", false));
  auto s = stats();
  EXPECT_EQ(s.ready, 2);
  EXPECT_EQ(s.leased, 1);
  EXPECT_EQ(s.done, 1);
  EXPECT_EQ(s.dead, 1);
  EXPECT_EQ(s.oldest_ready_created_ms, kStart + 1000);
  EXPECT_EQ(queue->approximate_depth(), 3);

  ASSERT_TRUE(*ack(jobs[2]));
  auto rest = *lease("w", 10);
  for (auto& j : rest) ASSERT_TRUE(*ack(j));
  s = stats();
  EXPECT_EQ(s.ready, 0);
  EXPECT_EQ(s.oldest_ready_created_ms, 0);
  EXPECT_EQ(queue->approximate_depth(), 0);
}

}  // namespace
}  // namespace triagent::queue_test
