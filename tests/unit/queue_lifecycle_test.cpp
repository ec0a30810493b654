// The SQLite queue's life: restart on the same file, group commit under concurrent submitters,
// close, housekeeping, callbacks that throw.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <latch>
#include <set>
#include <thread>

#include "queue_test_support.hpp"

namespace triagent::queue_test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

using QueueLifecycle = QueueFixture;

TEST_F(QueueLifecycle, ReopenKeepsEveryJobAndFreesLeases) {
  auto a = enqueue_id("a");
  auto b = enqueue_id("b");
  auto c = enqueue_id("c");
  auto jobs = *lease("w1", 2);  // a, b
  ASSERT_TRUE(*ack(jobs[0], "done-a"));
  clock.advance(seconds(5));
  reopen();  // as after kill -9: b's lease belonged to the previous process

  EXPECT_EQ(get(a)->state, JobState::done);
  EXPECT_EQ(get(a)->result, "done-a");
  auto rb = get(b);
  EXPECT_EQ(rb->state, JobState::queued);
  EXPECT_EQ(rb->attempts, 1);  // the interrupted attempt counts
  EXPECT_EQ(rb->visible_ms, clock.now_ms());
  EXPECT_EQ(get(c)->state, JobState::queued);
  EXPECT_EQ(queue->approximate_depth(), 2);

  auto again = *lease("w2", 10);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].id, b);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(again[1].id, c);
  // The old token is dead: the job was leased again.
  EXPECT_FALSE(*ack(jobs[1]));
  // Dedupe keys survive a restart too.
  EXPECT_TRUE(enqueue("a")->duplicate);
}

TEST_F(QueueLifecycle, ReopenDeadLettersAJobInterruptedOnItsLastAttempt) {
  auto id = enqueue_id("poison", /*max_attempts=*/1);
  lease_one();
  reopen();
  auto rec = get(id);
  EXPECT_EQ(rec->state, JobState::dead);
  EXPECT_FALSE(rec->last_error.empty());
  EXPECT_EQ(queue->approximate_depth(), 0);
}

TEST_F(QueueLifecycle, SecondOpenOfTheSameFileIsRefused) {
  auto second = open_sqlite_job_queue(options, clock);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::unavailable);
  EXPECT_NE(second.error().message.find("is another triagent using it?"), std::string::npos)
      << second.error().message;
  enqueue_id("still works");
}

// A damaged file must be named as such (not blamed on another process holding the lock), and
// left exactly as it was: it may hold acknowledged webhooks that a backup or a repair can save.
TEST_F(QueueLifecycle, ADamagedFileIsRefusedAsDamagedAndLeftUntouched) {
  for (const std::string& content : {std::string(4096, 'x'), std::string("SQLite format 3") + '\0' +
                                                                 std::string(8000, '\x5a')}) {
    SCOPED_TRACE(content.substr(0, 15));
    const auto path = dir.path() / "damaged.db";
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << content;
    }
    SqliteQueueOptions damaged = options;
    damaged.path = path.string();
    auto q = open_sqlite_job_queue(damaged, clock);
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().code, ErrorCode::unavailable);
    EXPECT_NE(q.error().message.find("is damaged or is not a SQLite database"), std::string::npos)
        << q.error().message;
    EXPECT_EQ(q.error().message.find("another triagent"), std::string::npos) << q.error().message;
    std::ifstream in(path, std::ios::binary);
    const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(after, content);
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
  }
}

TEST_F(QueueLifecycle, ConcurrentEnqueuesAreGroupCommitted) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 125;
  // Hold the writer inside a callback until every enqueue is submitted, so that they wait in the
  // queue together and the number of transactions is decided by the batch size alone.
  std::promise<void> open_gate;
  auto gate = open_gate.get_future().share();
  std::promise<void> gate_reached;
  queue->stats([&, gate](Result<QueueStats>) {
    gate_reached.set_value();
    gate.wait();
  });
  gate_reached.get_future().wait();
  const auto before = sqlite().counters().transactions;

  std::latch all_done(kThreads * kPerThread);
  std::vector<Result<EnqueueOutcome>> results(kThreads * kPerThread, make_error(ErrorCode::internal, "not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        queue->enqueue(job_with_key("key-" + std::to_string(n), std::to_string(n)),
                       [&, n](Result<EnqueueOutcome> r) {
                         results[static_cast<std::size_t>(n)] = std::move(r);
                         all_done.count_down();
                       });
      }
    });
  }
  for (auto& th : threads) th.join();
  open_gate.set_value();
  all_done.wait();

  std::set<std::int64_t> ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->duplicate);
    ids.insert(r->job_id);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(stats().ready, kThreads * kPerThread);
  EXPECT_EQ(queue->approximate_depth(), kThreads * kPerThread);
  // 1000 operations in batches of at most 512 (the default), plus the stats() above.
  EXPECT_LE(sqlite().counters().transactions - before, 4);
}

TEST_F(QueueLifecycle, ConcurrentSubmittersWithoutAGateAllComplete) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 125;
  std::latch all_done(kThreads * kPerThread);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every key twice across threads: exactly one of each pair is new.
        const int n = (t * kPerThread + i) / 2;
        queue->enqueue(job_with_key("key-" + std::to_string(n)), [&](Result<EnqueueOutcome> r) {
          if (r) ok.fetch_add(1);
          all_done.count_down();
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  all_done.wait();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(stats().ready, kThreads * kPerThread / 2);
  EXPECT_LE(sqlite().counters().transactions, kThreads * kPerThread + 1);
}

TEST_F(QueueLifecycle, OneFailingOperationDoesNotSpoilItsBatch) {
  options.max_depth = 1;
  reopen();
  std::promise<void> open_gate;
  auto gate = open_gate.get_future().share();
  std::promise<void> gate_reached;
  queue->stats([&gate_reached, gate](Result<QueueStats>) {
    gate_reached.set_value();
    gate.wait();
  });
  gate_reached.get_future().wait();  // the four enqueues below will form one batch
  std::vector<std::promise<Result<EnqueueOutcome>>> done(4);
  const char* keys[] = {"a", "", "b", "a"};
  for (int i = 0; i < 4; ++i) {
    queue->enqueue(job_with_key(keys[i]),
                   [&done, i](Result<EnqueueOutcome> r) { done[static_cast<std::size_t>(i)].set_value(std::move(r)); });
  }
  open_gate.set_value();
  auto a = done[0].get_future().get();
  auto empty = done[1].get_future().get();
  auto b = done[2].get_future().get();
  auto dup = done[3].get_future().get();
  ASSERT_TRUE(a);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(b.error().code, ErrorCode::overloaded);  // a, in the same batch, already filled the queue
  ASSERT_TRUE(dup);
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->job_id, a->job_id);
  EXPECT_EQ(stats().ready, 1);
}

TEST_F(QueueLifecycle, CloseCompletesSubmittedWorkThenRefuses) {
  std::atomic<int> completed{0};
  for (int i = 0; i < 100; ++i) {
    queue->enqueue(job_with_key("k" + std::to_string(i)), [&](Result<EnqueueOutcome> r) {
      if (r) completed.fetch_add(1);
    });
  }
  queue->close();
  EXPECT_EQ(completed.load(), 100);

  const auto caller = std::this_thread::get_id();
  std::thread::id callback_thread;
  auto late = wait_for<EnqueueOutcome>([&](auto cb) {
    queue->enqueue(job_with_key("late"), [&, cb](Result<EnqueueOutcome> r) {
      callback_thread = std::this_thread::get_id();
      cb(std::move(r));
    });
  });
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::unavailable);
  EXPECT_NE(callback_thread, caller);
  EXPECT_EQ(lease("w", 1).error().code, ErrorCode::unavailable);
  EXPECT_EQ(replay(1).error().code, ErrorCode::unavailable);
  queue->close();  // a second close is harmless

  reopen();  // the file was released
  EXPECT_EQ(stats().ready, 100);
}

TEST_F(QueueLifecycle, CloseFromACallbackDoesNotDeadlock) {
  std::promise<void> closed_inside;
  queue->stats([&](Result<QueueStats>) {
    queue->close();  // cannot wait for itself: asks for the close and returns
    closed_inside.set_value();
  });
  closed_inside.get_future().wait();
  EXPECT_EQ(enqueue("late").error().code, ErrorCode::unavailable);
  queue->close();
}

TEST_F(QueueLifecycle, ThrowingCallbackDoesNotStopTheWriter) {
  queue->enqueue(job_with_key("a"), [](Result<EnqueueOutcome>) { throw std::runtime_error("caller bug"); });
  EXPECT_TRUE(enqueue("b"));
  EXPECT_TRUE(enqueue("a")->duplicate);
  EXPECT_EQ(sqlite().counters().callback_exceptions, 1);
}

TEST_F(QueueLifecycle, HousekeepingPurgesOldDoneJobsOnly) {
  options.done_retention_hours = 1;
  reopen();
  auto old1 = enqueue_id("old1");
  auto old2 = enqueue_id("old2");
  auto dead = enqueue_id("dead");
  auto jobs = *lease("w", 3);
  ASSERT_TRUE(*ack(jobs[0]));
  ASSERT_TRUE(*ack(jobs[1]));
  ASSERT_TRUE(*fail(jobs[2], "x", false));
  clock.advance(minutes(30));
  auto recent = enqueue_id("recent");
  ASSERT_TRUE(*ack(lease_one()));
  auto waiting = enqueue_id("waiting");
  clock.advance(minutes(45));  // old ones finished 75 min ago, recent 45 min ago

  auto report = housekeep();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->purged_done, 2);
  EXPECT_TRUE(report->checkpointed);
  EXPECT_EQ(std::filesystem::file_size(options.path + "-wal"), 0u);  // truncated by the checkpoint
  EXPECT_FALSE(get(old1));
  EXPECT_FALSE(get(old2));
  EXPECT_EQ(get(dead)->state, JobState::dead);  // dead letters wait for an operator
  EXPECT_EQ(get(recent)->state, JobState::done);
  EXPECT_EQ(get(waiting)->state, JobState::queued);

  // The dedupe window ends with the purge; a purged job's id is never reused.
  auto renewed = enqueue("old1");
  ASSERT_TRUE(renewed);
  EXPECT_FALSE(renewed->duplicate);
  EXPECT_GT(renewed->job_id, waiting);
  EXPECT_TRUE(enqueue("recent")->duplicate);

  clock.advance(hours(2));
  EXPECT_EQ(housekeep()->purged_done, 1);
}

TEST_F(QueueLifecycle, AnIdPurgedWithTheNewestJobIsNotGivenAgainAfterARestart) {
  options.done_retention_hours = 0;
  reopen();
  enqueue_id("first");
  auto newest = enqueue_id("newest");
  ASSERT_TRUE(*ack(lease_one()));
  ASSERT_TRUE(*ack(lease_one()));
  clock.advance(seconds(1));
  EXPECT_EQ(housekeep()->purged_done, 2);  // the table is empty now
  reopen();
  EXPECT_GT(enqueue_id("after restart"), newest);
}

TEST_F(QueueLifecycle, HousekeepingPurgesInChunks) {
  options.done_retention_hours = 0;
  options.max_depth = 5000;
  reopen();
  constexpr int kJobs = 2500;
  std::latch all_done(kJobs);
  for (int i = 0; i < kJobs; ++i) {
    queue->enqueue(job_with_key("k" + std::to_string(i)), [&](Result<EnqueueOutcome>) {
      all_done.count_down();
    });
  }
  all_done.wait();
  for (;;) {
    auto leased = lease("w", 1000);
    ASSERT_TRUE(leased) << leased.error().message;
    auto jobs = *leased;
    if (jobs.empty()) break;
    for (auto& j : jobs) {
      queue->ack(j, "", [](Result<bool>) {});
    }
  }
  EXPECT_EQ(stats().done, kJobs);
  clock.advance(seconds(1));
  auto report = housekeep();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->purged_done, kJobs);
  EXPECT_EQ(stats().done, 0);
}

}  // namespace
}  // namespace triagent::queue_test
