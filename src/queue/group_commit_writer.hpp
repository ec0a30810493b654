#pragma once
// GroupCommitWriter: the one thread that owns the queue's SQLite connection. Callers submit
// operations (a short mutex push); the thread takes up to `max_batch` of them, runs them in one
// `BEGIN IMMEDIATE ... COMMIT` with a savepoint each, and only after the commit (one fsync for the
// whole batch) invokes their callbacks. When idle it does the housekeeping.
//
//   GroupCommitWriter writer(std::move(store), 512);
//   writer.submit(make_operation<EnqueueOutcome>([job](JobStore& s) { return s.enqueue(job); }, done));
//   writer.close();   // runs everything submitted, closes the database

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "queue/job_store.hpp"
#include "queue/writer_operation.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace triagent::queue_detail {

using CommitObserver = std::function<void(const CommitObservation&)>;

struct WriterCounters {
  std::int64_t transactions = 0;         // batches committed
  std::int64_t operations = 0;           // operations that ran in a committed batch
  std::int64_t failed_batches = 0;       // batches whose transaction could not begin or commit
  std::int64_t callback_exceptions = 0;  // exceptions thrown by callbacks (caught and dropped)
  std::int64_t housekeeping_runs = 0;
  std::int64_t housekeeping_failures = 0;
};

class GroupCommitWriter {
 public:
  // Idle housekeeping at most this often; under a load that never lets the writer idle, a
  // bounded round still runs once per overdue interval.
  static constexpr std::chrono::seconds kHousekeepingInterval{60};
  static constexpr std::chrono::seconds kHousekeepingOverdue{600};

  // `on_commit` (optional) hears about every batch, on this thread, before the batch's callbacks.
  GroupCommitWriter(std::unique_ptr<JobStore> store, int max_batch, CommitObserver on_commit = {});
  // Closes, then stops the thread. Must not run on the writer thread (from a callback).
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  void submit(std::unique_ptr<WriterOperation> op);
  // Runs every operation submitted so far, then closes the database. Later operations are
  // aborted with ErrorCode::unavailable (on this thread, never the caller's). From a callback it
  // only asks for the close and returns.
  void close();

  std::int64_t depth() const { return depth_.load(std::memory_order_relaxed); }
  WriterCounters counters() const;

 private:
  using Batch = std::vector<std::unique_ptr<WriterOperation>>;

  void run();
  void execute_batch(Batch& batch);
  void execute_standalone(WriterOperation& op);
  void housekeep(bool overdue);
  void deliver(WriterOperation& op, const Error* error);
  void observe(const CommitObservation& observation);
  // After a failed fsync: remembers it, so that nothing is written or answered any more.
  void note_sync_failure(const Error& cause);

  // Set once the disk failed to flush the database or its log. Linux may then have dropped the
  // pages it could not write and marked them clean, so a later fsync can succeed without them: a
  // WAL frame lost that way breaks the checksum chain, and recovery after a power loss would drop
  // every frame after it, jobs already answered 202 included. So the writer refuses every
  // operation until a restart (as PostgreSQL panics after a failed fsync).
  std::optional<Error> sync_failure_;  // writer thread only

  std::unique_ptr<JobStore> store_;  // touched only by the writer thread
  const std::size_t max_batch_;
  const CommitObserver on_commit_;
  std::atomic<std::int64_t> depth_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable closed_cv_;
  std::deque<std::unique_ptr<WriterOperation>> pending_;
  std::deque<std::unique_ptr<WriterOperation>> rejected_;  // submitted after close()
  bool closing_ = false;
  bool closed_ = false;
  bool stopping_ = false;

  std::atomic<std::int64_t> transactions_{0};
  std::atomic<std::int64_t> operations_{0};
  std::atomic<std::int64_t> failed_batches_{0};
  std::atomic<std::int64_t> callback_exceptions_{0};
  std::atomic<std::int64_t> housekeeping_runs_{0};
  std::atomic<std::int64_t> housekeeping_failures_{0};

  std::thread thread_;  // last: starts after every member above is ready
};

}  // namespace triagent::queue_detail
