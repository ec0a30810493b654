#include "triagent/pipeline/job_checkpoint_store.hpp"

#include <sqlite3.h>

#include <map>
#include <mutex>

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

// A cached statement for one use: reset and unbound when the use ends, whatever path the code took.
class Use {
 public:
  explicit Use(sqlite3_stmt* st) : st_(st) {}
  ~Use() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  void bind(int i, std::string_view text) {
    sqlite3_bind_text64(st_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(st_, i, v); }
  int step() { return sqlite3_step(st_); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, col)))
             : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }

 private:
  sqlite3_stmt* st_;
};

}  // namespace

struct JobCheckpointStore::Impl {
  sqlite3* db = nullptr;
  const Clock* clock = nullptr;
  JobCheckpointStoreOptions options;
  std::mutex mutex;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;

  ~Impl() {
    for (auto& [sql, st] : statements) sqlite3_finalize(st);
    sqlite3_close(db);
  }

  Error error(std::string_view what) const {
    return Error{ErrorCode::unavailable, "job checkpoints: " + std::string(what) + ": " + sqlite3_errmsg(db)};
  }

  Result<void> exec(const char* sql, std::string_view what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errmsg(db);
      sqlite3_free(message);
      return Error{ErrorCode::unavailable, "job checkpoints: " + std::string(what) + ": " + text};
    }
    return {};
  }

  Result<sqlite3_stmt*> statement(const char* sql) {
    if (auto it = statements.find(sql); it != statements.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) return error("prepare");
    statements.emplace(sql, st);
    return st;
  }

  // The row's checkpoint; nullopt when the job has none. Caller holds the mutex.
  Result<std::optional<JobCheckpoint>> read(std::string_view job_id) {
    auto st = statement(kLoad);
    if (!st) return st.error();
    Use use(*st);
    use.bind(1, job_id);
    int rc = use.step();
    if (rc == SQLITE_DONE) return std::optional<JobCheckpoint>();
    if (rc != SQLITE_ROW) return error("read");
    auto decoded = decode_checkpoint_body(use.text(1));
    if (!decoded) {
      return Error{ErrorCode::invalid_argument,
                   "job checkpoints: the checkpoint of " + std::string(job_id) + " is unreadable: " +
                       decoded.error().message};
    }
    decoded->job_id = std::string(job_id);
    decoded->payload_sha256 = use.text(0);
    decoded->created_at_ms = use.integer(2);
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
  // FULLMUTEX is not needed: Impl::mutex serialises every use of the connection.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (int rc = sqlite3_open_v2(impl->options.path.c_str(), &impl->db, flags, nullptr); rc != SQLITE_OK) {
    std::string message = impl->db ? sqlite3_errmsg(impl->db) : sqlite3_errstr(rc);
    return Error{ErrorCode::unavailable, "job checkpoints: cannot open " + impl->options.path + ": " + message};
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, impl->options.busy_timeout_ms);
  if (auto ok = impl->exec("PRAGMA journal_mode=WAL", "journal mode"); !ok) return ok.error();
  // NORMAL: a save costs no fsync of its own (see the header's Durability).
  if (auto ok = impl->exec("PRAGMA synchronous=NORMAL", "synchronous"); !ok) return ok.error();
  if (auto ok = impl->exec(kSchema, "schema"); !ok) return ok.error();
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
  if (auto ok = impl_->exec("BEGIN IMMEDIATE", "begin"); !ok) return ok.error();
  auto rollback = [&](Error e) -> Result<CheckpointSave> {
    (void)impl_->exec("ROLLBACK", "rollback");
    return e;
  };
  {
    auto st = impl_->statement(kSave);
    if (!st) return rollback(st.error());
    Use use(*st);
    use.bind(1, checkpoint.job_id);
    use.bind(2, checkpoint.payload_sha256);
    use.bind(3, body);
    use.bind(4, impl_->clock->now_ms());
    if (use.step() != SQLITE_DONE) return rollback(impl_->error("save"));
  }
  // The upsert changes no row when its WHERE kept an earlier checkpoint of the same payload.
  const bool written = sqlite3_changes64(impl_->db) == 1;
  auto kept = impl_->read(checkpoint.job_id);
  if (!kept) return rollback(kept.error());
  if (!*kept) return rollback(Error{ErrorCode::internal, "job checkpoints: the row just written is missing"});
  if (auto ok = impl_->exec("COMMIT", "commit"); !ok) return rollback(ok.error());
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
    auto st = impl_->statement(kPrune);
    if (!st) return st.error();
    Use use(*st);
    use.bind(1, cutoff_ms);
    if (use.step() != SQLITE_DONE) return impl_->error("prune");
    const auto n = static_cast<std::int64_t>(sqlite3_changes64(impl_->db));
    deleted += n;
    if (n < kPruneChunk) return deleted;
  }
}

}  // namespace triagent
