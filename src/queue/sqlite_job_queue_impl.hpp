#pragma once
// SqliteJobQueue: the JobQueue returned by open_sqlite_job_queue(), plus what only tests and
// diagnostics need (housekeeping on demand, the writer's counters). Private to the queue module
// and its tests; everyone else holds a JobQueue.
//
//   auto q = open_sqlite_job_queue(options, clock);
//   auto& sqlite = static_cast<SqliteJobQueue&>(**q);
//   sqlite.housekeep_now([](Result<HousekeepingReport> r) { ... });

#include <memory>
#include <string>

#include "core/background_thread.hpp"
#include "queue/group_commit_writer.hpp"
#include "triagent/queue/job_queue.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace triagent {

using queue_detail::HousekeepingReport;
using queue_detail::WriterCounters;

class SqliteJobQueue final : public JobQueue {
 public:
  SqliteJobQueue(std::unique_ptr<queue_detail::JobStore> store, int max_batch,
                 queue_detail::CommitObserver on_commit = {},
                 std::function<void(std::function<void()>)> run_blocking = {})
      : run_blocking_(std::move(run_blocking)), writer_(std::move(store), max_batch, std::move(on_commit)) {}

  void enqueue(NewJob job, Callback<EnqueueOutcome> done) override;
  void lease(std::string owner, int max_jobs, Callback<std::vector<LeasedJob>> done) override;
  void ack(const LeasedJob& job, std::string result_json, Callback<bool> done) override;
  void fail(const LeasedJob& job, std::string error, bool retryable, std::optional<std::int64_t> retry_after_ms,
            Callback<bool> done) override;
  void release(const LeasedJob& job, Callback<bool> done) override;
  void extend(const LeasedJob& job, Callback<bool> done) override;
  void get(std::int64_t id, Callback<std::optional<JobRecord>> done) override;
  void list(JobState state, int limit, Callback<std::vector<JobRecord>> done) override;
  void replay(std::int64_t id, Callback<JobRecord> done) override;
  void stats(Callback<QueueStats> done) override;
  std::int64_t approximate_depth() const override { return writer_.depth(); }
  void close() override { writer_.close(); }

  // Runs a full housekeeping round (purge of old done jobs, WAL checkpoint) after the operations
  // already submitted, whatever the time since the last one.
  void housekeep_now(Callback<HousekeepingReport> done);
  WriterCounters counters() const { return writer_.counters(); }
  // See backup_sqlite_job_queue().
  void backup(Callback<QueueBackup> done);

 private:
  void backup_pages(std::shared_ptr<const std::string> path, Callback<QueueBackup> done);
  void seal_backup(std::shared_ptr<sqlite::OnlineBackup> copy, Callback<QueueBackup> done);

  std::function<void(std::function<void()>)> run_blocking_;  // empty: blocking_thread_
  // Declared before the writer, so destroyed after it: a seal the writer's last callbacks hand
  // over still runs, and the thread is joined once nothing can post to it.
  BackgroundThread blocking_thread_;
  queue_detail::GroupCommitWriter writer_;
};

}  // namespace triagent
