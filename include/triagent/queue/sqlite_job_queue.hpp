#pragma once
// The embedded, single-node JobQueue: one SQLite file in WAL mode with synchronous=FULL, one
// writer thread doing group commit. See docs/durability.md for exactly what survives a crash.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "triagent/config/config.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"
#include "triagent/queue/job_queue.hpp"

namespace triagent {

// What the writer thread reports about each batch it ran, for the operators' metrics: group
// commit size, the COMMIT's time (with its fsync when synced, the disk's health) and failures.
struct CommitObservation {
  std::size_t operations = 0;  // operations in the batch
  bool synced = false;         // synchronous=FULL: the COMMIT waited for an fsync (new jobs, replays)
  bool committed = false;      // false: the batch could not begin or commit; every operation got an error
  double commit_seconds = 0;   // the COMMIT statement (WAL write, then fsync when synced); 0 if not committed
};

struct SqliteQueueOptions {
  std::string path;                   // database file; created with its directory if missing
  std::int64_t max_depth = 100'000;
  int lease_seconds = 60;
  int default_max_attempts = 5;
  int backoff_base_ms = 1000;
  int backoff_cap_ms = 300'000;
  int group_commit_max_batch = 512;
  int done_retention_hours = 168;
  // Called on the writer thread once per batch, before its callbacks run. Keep it to a few atomic
  // updates: the next batch waits for it. Never calls into the queue.
  std::function<void(const CommitObservation&)> on_commit;
  // Runs blocking file work the writer thread hands off: the fsync and rename that finish an
  // online backup. Empty: a thread of the queue's own, started by the first backup. (Tests pass
  // one that holds the work, to see the queue carry on meanwhile.)
  std::function<void(std::function<void()>)> run_blocking;

  static SqliteQueueOptions from_config(const Config& cfg);
};

// A finished online backup of the queue's database (backup_sqlite_job_queue).
struct QueueBackup {
  std::string path;        // the copy: <queue directory>/backups/<file stem>-<UTC time>.db, mode 0600
  std::int64_t pages = 0;  // database pages copied
  std::int64_t bytes = 0;  // the copy's size
};

// Opens (creating if needed) and migrates the database. `clock` must outlive the queue.
// `random_seed` seeds the backoff jitter (tests pass a fixed one).
Result<std::unique_ptr<JobQueue>> open_sqlite_job_queue(const SqliteQueueOptions& options, const Clock& clock,
                                                        std::uint64_t random_seed = 0);

// Copies the live database of a queue from open_sqlite_job_queue() into a new file, consistent as
// of its last step, while the queue keeps working: the writer thread copies 256 pages at a time
// between its batches, then hands the copy's fsync and rename to run_blocking. The daemon holds
// the file's lock for its whole life, so this (through POST /v1/admin/backup) is the only way to
// back the queue up without stopping it. One copy at a time: another request while one is
// copying fails with ErrorCode::conflict; any other queue with ErrorCode::invalid_argument.
void backup_sqlite_job_queue(JobQueue& queue, std::function<void(Result<QueueBackup>)> done);

}  // namespace triagent
