// WorkerPool: a new job wakes one idle worker (not all of them), a notification that lands between
// a worker's empty lease and its wait is not lost, and stop() ends idle workers at once.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>

#include "triagent/pipeline/worker_pool.hpp"

namespace triagent {
namespace {

// Answers at once from an in-memory list and counts the leases asked for.
class CountingQueue final : public JobQueue {
 public:
  std::deque<LeasedJob> ready;
  int leases = 0;
  std::function<void()> on_lease;  // runs inside lease(), before the answer is taken

  void lease(std::string, int, Callback<std::vector<LeasedJob>> done) override {
    ++leases;
    std::vector<LeasedJob> out;
    if (!ready.empty()) {
      out.push_back(ready.front());
      ready.pop_front();
    }
    if (on_lease) std::exchange(on_lease, nullptr)();
    done(std::move(out));
  }
  void ack(const LeasedJob&, std::string, Callback<bool> done) override { done(true); }
  void fail(const LeasedJob&, std::string, bool, std::optional<std::int64_t>, Callback<bool> done) override {
    done(true);
  }
  void release(const LeasedJob&, Callback<bool> done) override { done(true); }
  void extend(const LeasedJob&, Callback<bool> done) override { done(true); }
  void enqueue(NewJob, Callback<EnqueueOutcome> done) override { done(unsupported()); }
  void get(std::int64_t, Callback<std::optional<JobRecord>> done) override { done(unsupported()); }
  void list(JobState, int, Callback<std::vector<JobRecord>> done) override { done(unsupported()); }
  void replay(std::int64_t, Callback<JobRecord> done) override { done(unsupported()); }
  void stats(Callback<QueueStats> done) override { done(unsupported()); }
  std::int64_t approximate_depth() const override { return static_cast<std::int64_t>(ready.size()); }
  void close() override {}

 private:
  static Error unsupported() { return Error{ErrorCode::internal, "not used by the worker pool"}; }
};

class CountingRunner final : public JobRunner {
 public:
  int runs = 0;
  boost::asio::awaitable<JobOutcome> run(LeasedJob) override {
    ++runs;
    co_return JobOutcome::done("{}");
  }
};

LeasedJob job(std::int64_t id) {
  LeasedJob j;
  j.id = id;
  j.attempts = 1;
  return j;
}

struct PoolFixture {
  explicit PoolFixture(int workers) : pool(ioc, queue, runner, config(workers), "test") {}

  static WorkersConfig config(int workers) {
    WorkersConfig c;
    c.count = workers;
    c.poll_interval_ms = 600'000;  // no poll wake-up within a test: only notify() wakes a worker
    return c;
  }
  // Runs every handler that is ready, until none is (the idle workers' timers stay pending).
  void settle() {
    while (ioc.poll() > 0) {
    }
  }

  boost::asio::io_context ioc;
  CountingQueue queue;
  CountingRunner runner;
  WorkerPool pool;
};

TEST(WorkerPool, ANewJobWakesOneIdleWorkerNotAll) {
  PoolFixture f(8);
  f.pool.start();
  f.settle();
  EXPECT_EQ(f.queue.leases, 8);  // each worker looked once and went idle

  f.queue.ready.push_back(job(1));
  f.pool.notify();
  f.settle();
  EXPECT_EQ(f.runner.runs, 1);
  // The woken worker leased the job and once more after it; the seven others stayed asleep.
  EXPECT_EQ(f.queue.leases, 10);

  f.pool.notify();  // nothing new: one more empty lease, not eight
  f.settle();
  EXPECT_EQ(f.queue.leases, 11);
  f.pool.stop(std::chrono::seconds(1), [] {});
  f.settle();
}

TEST(WorkerPool, ANotificationBetweenAnEmptyLeaseAndTheWaitIsNotLost) {
  PoolFixture f(1);
  // The job arrives, and its notification with it, while the only worker's lease is answering
  // "nothing": no worker is idle yet, so the worker itself must notice and look again.
  f.queue.on_lease = [&f] {
    f.queue.ready.push_back(job(7));
    f.pool.notify();
  };
  f.pool.start();
  f.settle();
  EXPECT_EQ(f.runner.runs, 1);
  EXPECT_EQ(f.queue.leases, 3);  // empty, the job, empty
  f.pool.stop(std::chrono::seconds(1), [] {});
  f.settle();
}

TEST(WorkerPool, StopEndsIdleWorkersAtOnce) {
  PoolFixture f(4);
  f.pool.start();
  f.settle();
  bool stopped = false;
  f.pool.stop(std::chrono::seconds(60), [&stopped] { stopped = true; });
  f.settle();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(f.pool.stats().in_flight, 0u);
}

}  // namespace
}  // namespace triagent
