#pragma once
// JobCheckpointStore: one JobCheckpoint per enrichment job, in the SQLite table `job_checkpoints`
// (the daemon keeps it in state.db beside the delivery ledger and the approvals), written before
// the job's first delivery step so that a retry or a restart delivers what the first attempt
// decided instead of analysing the incident again.
//
//   auto store = JobCheckpointStore::open({.path = data_dir + "/state.db"}, SystemClock::instance());
//   auto saved = (*store)->save(checkpoint);    // saved->kept: the checkpoint delivery must use
//   auto found = (*store)->load("job-42");      // nullopt: analyse; else deliver *found
//   (*store)->prune_created_before(now_ms - retention_ms);   // the retention sweep
//
// Durability: WAL journal with synchronous=NORMAL: once save() returns, the checkpoint survives a
// process crash, and the next fsynced commit to the same file (the ledger's first completed step)
// makes it survive a power loss too. A checkpoint a power loss takes only means the job is analysed
// again, which the ledger and the notes' marker checks already make safe; an fsync per job was not
// worth that. busy_timeout lets the ledger's and the approvals' connections share the file. Calls are synchronous and thread-safe (one mutex); run them
// off the reactor (PipelineServices::run_blocking).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/job_checkpoint.hpp"

namespace triagent {

struct JobCheckpointStoreOptions {
  std::string path;
  // A body (note, tags, events, result) above this is refused with too_large rather than stored: a
  // typical one is tens of kilobytes, so this only stops a runaway result from bloating state.db.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  int busy_timeout_ms = 5000;
};

// What save() kept: `written` is false when the job already had a checkpoint from the same payload,
// which `kept` then is.
struct CheckpointSave {
  JobCheckpoint kept;
  bool written = false;
};

class JobCheckpointStore {
 public:
  // Creates the file and the table when missing. unavailable when the file cannot be opened.
  static Result<std::unique_ptr<JobCheckpointStore>> open(JobCheckpointStoreOptions options, const Clock& clock);
  ~JobCheckpointStore();
  JobCheckpointStore(const JobCheckpointStore&) = delete;
  JobCheckpointStore& operator=(const JobCheckpointStore&) = delete;

  // Stores `checkpoint` (created_at = now) unless the job already has one made from the same
  // payload, and returns the one stored: an earlier attempt (a worker whose lease ran out) may
  // already be delivering that one, and one job must deliver one analysis. A row made from another
  // payload (a job id reused after the queue was wiped) is replaced.
  // too_large when the encoded body exceeds max_body_bytes (nothing is stored); invalid_argument
  // when job_id or payload_sha256 is empty; unavailable on a database error.
  Result<CheckpointSave> save(const JobCheckpoint& checkpoint);

  // The job's checkpoint, nullopt when it has none. invalid_argument when the stored body cannot be
  // read (written by another version): the caller must not guess what was delivered.
  Result<std::optional<JobCheckpoint>> load(std::string_view job_id);

  // Deletes the checkpoints created before `cutoff_ms`, a thousand per transaction so a large
  // sweep never holds the write lock for long; how many were deleted.
  Result<std::int64_t> prune_created_before(std::int64_t cutoff_ms);

 private:
  struct Impl;
  explicit JobCheckpointStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triagent
