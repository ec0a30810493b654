#include "triagent/pipeline/job_checkpoint_store.hpp"

#include <mutex>

#include "core/sqlite_db.hpp"

namespace triagent {

namespace {

// A plain rowid table: bodies run to tens of kilobytes, which WITHOUT ROWID tables handle badly.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS job_checkpoints (
  job_id         TEXT    PRIMARY KEY,
  payload_sha256 TEXT    NOT NULL,
  body           TEXT    NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS job_checkpoints_by_created ON job_checkpoints (created_at);
)sql";

// First write wins for the same payload (see save()); a different payload replaces the row.
constexpr const char* kSave =
    "INSERT INTO job_checkpoints (job_id, payload_sha256, body, created_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (job_id) DO UPDATE SET payload_sha256 = excluded.payload_sha256, body = excluded.body, "
    "created_at = excluded.created_at WHERE job_checkpoints.payload_sha256 <> excluded.payload_sha256";
constexpr const char* kLoad = "SELECT payload_sha256, body, created_at FROM job_checkpoints WHERE job_id = ?1";
constexpr const char* kPrune =
    "DELETE FROM job_checkpoints WHERE rowid IN "
    "(SELECT rowid FROM job_checkpoints WHERE created_at < ?1 LIMIT 1000)";
constexpr int kPruneChunk = 1000;

}  // namespace

struct JobCheckpointStore::Impl {
  std::unique_ptr<sqlite::SqliteDb> db;
  const Clock* clock = nullptr;
  JobCheckpointStoreOptions options;
  std::mutex mutex;

  // The row's checkpoint; nullopt when the job has none. Caller holds the mutex.
  Result<std::optional<JobCheckpoint>> read(std::string_view job_id) {
    auto st = db->statement(kLoad);
    if (!st) return st.error();
    sqlite::StatementUse use(**st);
    sqlite::Statement& stmt = **st;
    stmt.bind(1, job_id);
    const sqlite::StepResult rc = stmt.step();
    if (rc == sqlite::StepResult::done) return std::optional<JobCheckpoint>();
    if (rc != sqlite::StepResult::row) return db->last_error("read");
    auto decoded = decode_checkpoint_body(stmt.column_text(1));
    if (!decoded) {
      return Error{ErrorCode::invalid_argument,
                   "job checkpoints: the checkpoint of " + std::string(job_id) + " is unreadable: " +
                       decoded.error().message};
    }
    decoded->job_id = std::string(job_id);
    decoded->payload_sha256 = stmt.column_text(0);
    decoded->created_at_ms = stmt.column_int(2);
    return std::optional<JobCheckpoint>(std::move(*decoded));
  }
};

JobCheckpointStore::JobCheckpointStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JobCheckpointStore::~JobCheckpointStore() = default;

Result<std::unique_ptr<JobCheckpointStore>> JobCheckpointStore::open(JobCheckpointStoreOptions options,
                                                                     const Clock& clock) {
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  impl->options = std::move(options);
  // Impl::mutex serialises every use of the connection.
  auto db = sqlite::SqliteDb::open(impl->options.path, "job checkpoints", impl->options.busy_timeout_ms);
  if (!db) return db.error();
  impl->db = std::move(*db);
  if (auto ok = impl->db->exec("PRAGMA journal_mode=WAL", "journal mode"); !ok) return ok.error();
  // NORMAL: a save costs no fsync of its own (see the header's Durability).
  if (auto ok = impl->db->exec("PRAGMA synchronous=NORMAL", "synchronous"); !ok) return ok.error();
  if (auto ok = impl->db->exec(kSchema, "schema"); !ok) return ok.error();
  return std::unique_ptr<JobCheckpointStore>(new JobCheckpointStore(std::move(impl)));
}

Result<CheckpointSave> JobCheckpointStore::save(const JobCheckpoint& checkpoint) {
  if (checkpoint.job_id.empty() || checkpoint.payload_sha256.empty()) {
    return Error{ErrorCode::invalid_argument, "job checkpoints: a checkpoint needs a job id and a payload hash"};
  }
  // Encoded before the lock: for a large result this is the expensive part.
  const std::string body = encode_checkpoint_body(checkpoint);
  if (body.size() > impl_->options.max_body_bytes) {
    return Error{ErrorCode::too_large, "job checkpoints: the checkpoint of " + checkpoint.job_id + " is " +
                                           std::to_string(body.size()) + " bytes, over the limit of " +
                                           std::to_string(impl_->options.max_body_bytes) + " bytes"};
  }
  std::lock_guard lock(impl_->mutex);
  // IMMEDIATE: the write and the read-back are one decision, also against another process.
  sqlite::SqliteDb& db = *impl_->db;
  if (auto ok = db.exec("BEGIN IMMEDIATE", "begin"); !ok) return ok.error();
  auto rollback = [&](Error e) -> Result<CheckpointSave> {
    (void)db.exec("ROLLBACK", "rollback");
    return e;
  };
  {
    auto st = db.statement(kSave);
    if (!st) return rollback(st.error());
    sqlite::StatementUse use(**st);
    sqlite::Statement& stmt = **st;
    stmt.bind(1, checkpoint.job_id);
    stmt.bind(2, checkpoint.payload_sha256);
    stmt.bind(3, body);
    stmt.bind(4, impl_->clock->now_ms());
    if (stmt.step() != sqlite::StepResult::done) return rollback(db.last_error("save"));
  }
  // The upsert changes no row when its WHERE kept an earlier checkpoint of the same payload.
  const bool written = db.changes() == 1;
  auto kept = impl_->read(checkpoint.job_id);
  if (!kept) return rollback(kept.error());
  if (!*kept) return rollback(Error{ErrorCode::internal, "job checkpoints: the row just written is missing"});
  if (auto ok = db.exec("COMMIT", "commit"); !ok) return rollback(ok.error());
  return CheckpointSave{std::move(**kept), written};
}

Result<std::optional<JobCheckpoint>> JobCheckpointStore::load(std::string_view job_id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->read(job_id);
}

Result<std::int64_t> JobCheckpointStore::prune_created_before(std::int64_t cutoff_ms) {
  std::int64_t deleted = 0;
  for (;;) {
    // The lock is taken per chunk so that saves and loads get in between.
    std::lock_guard lock(impl_->mutex);
    auto st = impl_->db->statement(kPrune);
    if (!st) return st.error();
    sqlite::StatementUse use(**st);
    (*st)->bind(1, cutoff_ms);
    if ((*st)->step() != sqlite::StepResult::done) return impl_->db->last_error("prune");
    const std::int64_t n = impl_->db->changes();
    deleted += n;
    if (n < kPruneChunk) return deleted;
  }
}

}  // namespace triagent
