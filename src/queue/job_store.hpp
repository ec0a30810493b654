#pragma once
// JobStore: the queue's SQL, run synchronously on one connection. Only the writer thread calls it
// (sqlite_job_queue.cpp); tests of the SQL alone may call it directly.
//
// Every operation runs between begin_operation() and end_operation(), inside a batch opened by
// begin_batch() and closed by commit_batch() or abort_batch(): one transaction per batch, one
// savepoint per operation, so a failing operation is undone alone.
//
//   auto store = JobStore::open(options, clock, seed);
//   (*store)->begin_batch();  (*store)->begin_operation();
//   auto r = (*store)->enqueue(job);
//   (*store)->end_operation(r.has_value());  (*store)->commit_batch();

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite_db.hpp"
#include "core/sqlite_online_backup.hpp"
#include "queue/backoff.hpp"
#include "queue/dedupe_index.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"
#include "triagent/queue/job_queue.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace triagent::queue_detail {

using sqlite::SqliteDb;
using sqlite::Statement;
using sqlite::StatementUse;
using sqlite::StepResult;

// Limits on the text fields a caller controls; longer values are refused with invalid_argument
// (payload and result are bounded by whoever produced them, e.g. the ingress body limit).
inline constexpr std::size_t kMaxKindBytes = 64;
inline constexpr std::size_t kMaxDedupeKeyBytes = 1024;
inline constexpr std::size_t kMaxTraceparentBytes = 256;
inline constexpr std::size_t kMaxOwnerBytes = 256;
inline constexpr std::size_t kMaxErrorBytes = 4096;  // longer errors are truncated, not refused
inline constexpr int kMaxLeaseBatch = 1000;          // lease() takes at most this many jobs
inline constexpr int kMaxListLimit = 10'000;
// A retry_after_ms beyond this is clamped, so that now + delay cannot overflow.
inline constexpr std::int64_t kMaxRetryAfterMs = 30LL * 24 * 3600 * 1000;

struct HousekeepingReport {
  std::int64_t purged_done = 0;  // done jobs deleted because they were older than the retention
  bool checkpointed = false;     // the WAL was checkpointed and truncated
};

class JobStore {
 public:
  // Creates the file and its directory, sets the pragmas, migrates the schema, takes the file's
  // exclusive lock (one process per database) and recovers the leases of a previous process.
  static Result<std::unique_ptr<JobStore>> open(const SqliteQueueOptions& options, const Clock& clock,
                                                std::uint64_t random_seed);

  // `synced`: the commit is fsynced (synchronous=FULL) before commit_batch() returns; otherwise
  // it is durable once a later synced commit or a checkpoint has run.
  Result<void> begin_batch(bool synced = true);
  Result<void> begin_operation();
  // ok == false undoes the operation's changes. An error means the rollback failed: abort the batch.
  Result<void> end_operation(bool ok);
  Result<void> commit_batch();
  void abort_batch();
  // False when SQLite rolled the transaction back by itself (disk full, I/O error): abort the batch.
  bool in_transaction() const { return db_->in_transaction(); }
  // Call right after a statement failed, before anything else runs on the connection: remembers
  // whether it failed because the disk could not flush the file (commit_batch(), end_operation()
  // and housekeep() call it themselves).
  void note_failure();
  // Whether any statement ever failed that way on this connection.
  bool sync_failed() const { return sync_failed_; }

  // Jobs queued or leased, as of the last commit.
  std::int64_t committed_depth() const { return committed_depth_; }

  Result<EnqueueOutcome> enqueue(const NewJob& job);
  Result<std::vector<LeasedJob>> lease(const std::string& owner, int max_jobs);
  Result<bool> ack(const LeasedJob& job, const std::string& result_json);
  Result<bool> fail(const LeasedJob& job, const std::string& error, bool retryable,
                    std::optional<std::int64_t> retry_after_ms);
  Result<bool> release(const LeasedJob& job);
  Result<bool> extend(const LeasedJob& job);
  Result<std::optional<JobRecord>> get(std::int64_t id);
  Result<std::vector<JobRecord>> list(JobState state, int limit);
  Result<JobRecord> replay(std::int64_t id);
  Result<QueueStats> stats();

  // Online backup, outside any batch (job_store_backup.cpp). start_backup() begins a copy into
  // <directory of the database>/backups/ and returns its final path (ErrorCode::conflict while
  // another runs); each backup_step() copies up to `pages` more pages, and once every page is
  // copied hands the copy over (null before), for its seal() off the writer thread. Writes made
  // meanwhile through this connection reach the copy too.
  Result<std::string> start_backup();
  Result<std::unique_ptr<sqlite::OnlineBackup>> backup_step(const std::string& path, int pages);

  // Outside any batch: deletes done jobs older than the retention, in transactions of a thousand
  // rows, asking `keep_going` between them; when all are gone, checkpoints and truncates the WAL.
  Result<HousekeepingReport> housekeep(const std::function<bool()>& keep_going);

 private:
  JobStore(std::unique_ptr<SqliteDb> db, const SqliteQueueOptions& options, const Clock& clock,
           std::uint64_t random_seed);
  Result<void> configure();
  // The error for a failed first statement on the file: locked by another process, damaged, or else.
  Error first_access_failed(const Error& cause) const;
  // Runs a statement without parameters or rows (transaction control), prepared once.
  Result<void> run_cached(std::string_view sql);
  Result<void> recover_leases();
  Result<void> count_depth();
  Result<void> load_next_id();
  Result<void> load_dedupe_keys();
  // Whether job `id`'s row holds `key`: a hash match in dedupe_ is only a candidate. A failed read
  // is kept in `error` and answers false.
  bool row_holds_key(std::int64_t id, std::string_view key, std::optional<Error>& error);
  Result<std::int64_t> dead_letter_expired_last_attempts(std::int64_t now);
  // Runs an UPDATE fenced by ?1 id, ?2 lease owner, ?3 attempts; `bind_rest` binds ?4 onwards.
  // True when the fence matched (one row changed).
  Result<bool> fenced_update(std::string_view sql, const LeasedJob& job,
                             const std::function<void(Statement&)>& bind_rest);

  std::unique_ptr<SqliteDb> db_;
  SqliteQueueOptions options_;
  const Clock& clock_;
  FullJitterBackoff backoff_;
  std::int64_t committed_depth_ = 0;
  bool synced_ = true;  // the connection's current synchronous setting (FULL at open)
  bool sync_failed_ = false;
  std::int64_t batch_depth_ = 0;      // committed depth plus the changes of this batch so far
  std::int64_t operation_depth_ = 0;  // batch_depth_ when the current operation began
  std::size_t operation_keys_ = 0;    // dedupe keys staged when the current operation began
  // The id the next inserted job gets: above every id ever given, including purged ones (their
  // highest is kept in queue_meta). An id taken by a batch that then rolled back is skipped, not
  // given again: harmless, as no caller ever saw it.
  std::int64_t next_id_ = 1;
  // Every job's dedupe key, as a keyed hash (the table has no unique index on it, see schema
  // version 4). Keys inserted by the open batch are staged and stay only if it commits.
  DedupeIndex dedupe_;
  // Last: destroyed before the connection it copies from (an unfinished copy is removed).
  std::unique_ptr<sqlite::OnlineBackup> backup_;
};

}  // namespace triagent::queue_detail
