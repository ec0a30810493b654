#pragma once
// Helpers for the queue tests: a temporary directory, a queue opened on a file in it with a
// ManualClock, and blocking wrappers that wait for each callback on a future (never a sleep).
//
//   QueueFixture f;                      // fresh database file, clock at 1'700'000'000'000
//   auto id = f.enqueue("k1")->job_id;
//   auto jobs = *f.lease("w1", 10);

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "queue/sqlite_job_queue_impl.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace triagent::queue_test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "triagent-queue-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Calls `start` with a callback and waits for that callback's result.
template <class T, class Start>
Result<T> wait_for(Start&& start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

// Named-field aggregate initialisation of NewJob trips GCC 12's -Wmissing-field-initializers
// (an error under -Werror) whenever a field is left out, hence this helper.
inline NewJob job_with_key(std::string key, std::string payload = "{}", int max_attempts = 0) {
  NewJob job;
  job.dedupe_key = std::move(key);
  job.payload = std::move(payload);
  job.max_attempts = max_attempts;
  return job;
}

class QueueFixture : public ::testing::Test {
 protected:
  QueueFixture() {
    options.path = (dir.path() / "sub" / "queue.db").string();
    options.backoff_base_ms = 1000;
    options.backoff_cap_ms = 5000;
    options.lease_seconds = 60;
  }

  void open() {
    auto q = open_sqlite_job_queue(options, clock, /*random_seed=*/42);
    ASSERT_TRUE(q) << q.error().message;
    queue = std::move(*q);
  }
  void reopen() {
    queue.reset();
    open();
  }
  void SetUp() override { open(); }

  SqliteJobQueue& sqlite() { return static_cast<SqliteJobQueue&>(*queue); }

  Result<EnqueueOutcome> enqueue(std::string key, int max_attempts = 0, std::string payload = "{}") {
    NewJob job = job_with_key(std::move(key), std::move(payload), max_attempts);
    return wait_for<EnqueueOutcome>([&](auto cb) { queue->enqueue(std::move(job), cb); });
  }
  std::int64_t enqueue_id(std::string key, int max_attempts = 0) {
    auto r = enqueue(std::move(key), max_attempts);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->job_id : 0;
  }
  Result<std::vector<LeasedJob>> lease(std::string owner, int n) {
    return wait_for<std::vector<LeasedJob>>([&](auto cb) { queue->lease(std::move(owner), n, cb); });
  }
  LeasedJob lease_one(std::string owner = "w1") {
    auto jobs = lease(std::move(owner), 1);
    EXPECT_TRUE(jobs && jobs->size() == 1);
    return jobs && !jobs->empty() ? jobs->front() : LeasedJob{};
  }
  Result<bool> ack(const LeasedJob& j, std::string result = "{\"ok\":true}") {
    return wait_for<bool>([&](auto cb) { queue->ack(j, std::move(result), cb); });
  }
  Result<bool> fail(const LeasedJob& j, std::string error, bool retryable,
                    std::optional<std::int64_t> retry_after_ms = std::nullopt) {
    return wait_for<bool>([&](auto cb) { queue->fail(j, std::move(error), retryable, retry_after_ms, cb); });
  }
  Result<bool> release(const LeasedJob& j) {
    return wait_for<bool>([&](auto cb) { queue->release(j, cb); });
  }
  Result<bool> extend(const LeasedJob& j) {
    return wait_for<bool>([&](auto cb) { queue->extend(j, cb); });
  }
  std::optional<JobRecord> get(std::int64_t id) {
    auto r = wait_for<std::optional<JobRecord>>([&](auto cb) { queue->get(id, cb); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::nullopt;
  }
  Result<std::vector<JobRecord>> list(JobState state, int limit) {
    return wait_for<std::vector<JobRecord>>([&](auto cb) { queue->list(state, limit, cb); });
  }
  Result<JobRecord> replay(std::int64_t id) {
    return wait_for<JobRecord>([&](auto cb) { queue->replay(id, cb); });
  }
  QueueStats stats() {
    auto r = wait_for<QueueStats>([&](auto cb) { queue->stats(cb); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : QueueStats{};
  }
  Result<HousekeepingReport> housekeep() {
    return wait_for<HousekeepingReport>([&](auto cb) { sqlite().housekeep_now(cb); });
  }

  TempDir dir;
  ManualClock clock{1'700'000'000'000};
  SqliteQueueOptions options;
  std::unique_ptr<JobQueue> queue;
};

}  // namespace triagent::queue_test
