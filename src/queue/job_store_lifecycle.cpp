// JobStore's life: open and recovery, transaction control for the writer, housekeeping.
#include "queue/job_store.hpp"

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "queue/schema.hpp"

namespace triagent::queue_detail {

namespace {

// Waiting for the file lock only matters at open: afterwards this process holds it exclusively.
constexpr const char* kBusyTimeoutPragma = "PRAGMA busy_timeout = 1000";
constexpr int kPurgeChunk = 1000;  // rows deleted per housekeeping transaction

Error invalid(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

Result<void> create_parent_directory(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot create " + parent.string() + ": " + ec.message());
  return {};
}

}  // namespace

JobStore::JobStore(std::unique_ptr<SqliteDb> db, const SqliteQueueOptions& options, const Clock& clock,
                   std::uint64_t random_seed)
    : db_(std::move(db)),
      options_(options),
      clock_(clock),
      backoff_(options.backoff_base_ms, options.backoff_cap_ms, random_seed),
      dedupe_(SipKey::random()) {}

Result<std::unique_ptr<JobStore>> JobStore::open(const SqliteQueueOptions& options, const Clock& clock,
                                                 std::uint64_t random_seed) {
  if (options.path.empty()) return invalid("queue path is empty");
  if (auto r = create_parent_directory(options.path); !r) return r.error();
  auto db = SqliteDb::open(options.path, "queue");
  if (!db) return db.error();
  std::unique_ptr<JobStore> store(new JobStore(std::move(*db), options, clock, random_seed));
  if (auto r = store->configure(); !r) return r.error();
  if (auto r = migrate_schema(*store->db_); !r) return r.error();
  if (auto r = store->recover_leases(); !r) return r.error();
  if (auto r = store->count_depth(); !r) return r.error();
  if (auto r = store->load_next_id(); !r) return r.error();
  if (auto r = store->load_dedupe_keys(); !r) return r.error();
  return store;
}

Error JobStore::first_access_failed(const Error& cause) const {
  switch (db_->last_failure_kind()) {
    case SqliteDb::FailureKind::busy:
      return make_error(ErrorCode::unavailable, "cannot lock the queue database " + options_.path +
                                                    " (is another triagent using it?): " + cause.message);
    case SqliteDb::FailureKind::damaged:
      // Never "repaired" by starting over: the file may hold acknowledged webhooks.
      return make_error(ErrorCode::unavailable,
                        "the queue database " + options_.path + " is damaged or is not a SQLite database (" +
                            cause.message +
                            "); the daemon will not start on it: restore it from a backup, or move it aside "
                            "to start with an empty queue (its jobs are then lost)");
    case SqliteDb::FailureKind::sync_failed:
    case SqliteDb::FailureKind::other: break;
  }
  return make_error(ErrorCode::unavailable, "cannot open the queue database " + options_.path + ": " + cause.message);
}

Result<void> JobStore::configure() {
  if (auto r = db_->exec(kBusyTimeoutPragma); !r) return r;
  // EXCLUSIVE before WAL: the connection keeps the file locked for its whole life, so a second
  // daemon on the same file fails at open instead of running the same jobs (and WAL then needs
  // no shared-memory file).
  if (auto r = db_->exec("PRAGMA locking_mode = EXCLUSIVE"); !r) return r;
  auto mode = db_->query_text("PRAGMA journal_mode = WAL");
  if (!mode) return first_access_failed(mode.error());
  if (*mode != "wal") return make_error(ErrorCode::unavailable, "queue database refused WAL mode: " + *mode);
  // FULL: every commit is fsynced before a callback says "durable" (NORMAL could lose the last
  // commits on power loss).
  if (auto r = db_->exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"); !r) return r;
  return {};
}

Result<void> JobStore::recover_leases() {
  // One daemon per file: a job still leased was leased by a process that is gone. Its attempt
  // counts (the job may be what crashed it); with no attempt left it goes to dead.
  const std::int64_t now = clock_.now_ms();
  if (auto r = db_->exec("BEGIN IMMEDIATE"); !r) return first_access_failed(r.error());
  auto run = [&]() -> Result<void> {
    auto dead = db_->statement(
        "UPDATE jobs INDEXED BY jobs_state_updated SET state = 'dead', lease_owner = '', last_error = ?2, "
        "updated_at = ?1 WHERE state = 'leased' AND state <> 'queued' AND attempts >= max_attempts");
    if (!dead) return dead.error();
    {
      StatementUse use(**dead);
      (*dead)->bind(1, now);
      (*dead)->bind(2, std::string_view("process stopped during the last attempt"));
      if (auto r = (*dead)->run(); !r) return r;
    }
    auto requeue = db_->statement(
        "UPDATE jobs INDEXED BY jobs_state_updated SET state = 'queued', lease_owner = '', visible_at = ?1, "
        "updated_at = ?1 WHERE state = 'leased' AND state <> 'queued'");
    if (!requeue) return requeue.error();
    StatementUse use(**requeue);
    (*requeue)->bind(1, now);
    return (*requeue)->run();
  };
  if (auto r = run(); !r) {
    (void)db_->exec("ROLLBACK");
    return r;
  }
  return db_->exec("COMMIT");
}

Result<void> JobStore::count_depth() {
  auto st = db_->statement("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'leased')");
  if (!st) return st.error();
  StatementUse use(**st);
  if ((*st)->step() != StepResult::row) return db_->last_error("count");
  committed_depth_ = (*st)->column_int(0);
  batch_depth_ = committed_depth_;
  return {};
}

Result<void> JobStore::load_dedupe_keys() {
  auto st = db_->statement("SELECT dedupe_key, id FROM jobs");
  if (!st) return st.error();
  StatementUse use(**st);
  for (;;) {
    switch ((*st)->step()) {
      case StepResult::row: dedupe_.add_committed((*st)->column_text(0), (*st)->column_int(1)); continue;
      case StepResult::done: return {};
      case StepResult::error: return db_->last_error("dedupe keys");
    }
  }
}

Result<void> JobStore::load_next_id() {
  auto st = db_->statement(
      "SELECT max(coalesce((SELECT value FROM queue_meta WHERE key = ?1), 0), coalesce((SELECT max(id) FROM jobs), 0))");
  if (!st) return st.error();
  StatementUse use(**st);
  (*st)->bind(1, std::string_view(kJobIdHighWaterKey));
  if ((*st)->step() != StepResult::row) return db_->last_error("highest job id");
  next_id_ = (*st)->column_int(0) + 1;
  return {};
}

Result<void> JobStore::run_cached(std::string_view sql) {
  auto st = db_->statement(sql);
  if (!st) return st.error();
  StatementUse use(**st);
  return (*st)->run();
}

Result<void> JobStore::begin_batch(bool synced) {
  batch_depth_ = committed_depth_;
  dedupe_.discard();
  if (synced != synced_) {
    if (auto r = db_->exec(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"); !r) return r;
    synced_ = synced;
  }
  return run_cached("BEGIN IMMEDIATE");
}

Result<void> JobStore::begin_operation() {
  operation_depth_ = batch_depth_;
  operation_keys_ = dedupe_.staged_count();
  return run_cached("SAVEPOINT op");
}

void JobStore::note_failure() {
  if (db_->last_failure_kind() == SqliteDb::FailureKind::sync_failed) sync_failed_ = true;
}

Result<void> JobStore::end_operation(bool ok) {
  if (ok) return run_cached("RELEASE op");
  note_failure();
  batch_depth_ = operation_depth_;
  dedupe_.unstage_after(operation_keys_);
  if (auto r = run_cached("ROLLBACK TO op"); !r) return r;
  return run_cached("RELEASE op");
}

Result<void> JobStore::commit_batch() {
  if (auto r = run_cached("COMMIT"); !r) {
    note_failure();
    return r;
  }
  committed_depth_ = batch_depth_;
  dedupe_.commit();
  return {};
}

void JobStore::abort_batch() {
  if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
  batch_depth_ = committed_depth_;
  dedupe_.discard();
}

Result<HousekeepingReport> JobStore::housekeep(const std::function<bool()>& keep_going) {
  HousekeepingReport report;
  const std::int64_t cutoff = clock_.now_ms() - std::int64_t{options_.done_retention_hours} * 3600 * 1000;
  auto st = db_->statement(
      "DELETE FROM jobs WHERE id IN "
      "(SELECT id FROM jobs INDEXED BY jobs_state_updated WHERE state = 'done' AND state <> 'queued' AND "
      "updated_at < ?1 LIMIT ?2) RETURNING id, dedupe_key");
  if (!st) return st.error();
  // The purge may delete the newest job: the highest id given is written first, in the same
  // transaction, so that a restart still starts above it.
  auto high_water = db_->statement("UPDATE queue_meta SET value = ?2 WHERE key = ?1 AND value < ?2");
  if (!high_water) return high_water.error();
  // Short transactions, and `keep_going` asked between them, so that a large purge never holds
  // back the operations queued behind it for long.
  for (;;) {
    if (auto r = db_->exec("BEGIN IMMEDIATE"); !r) return r.error();
    std::vector<std::pair<std::int64_t, std::string>> purged;  // leave the dedupe index once this commits
    {
      StatementUse use(**high_water);
      (*high_water)->bind(1, std::string_view(kJobIdHighWaterKey));
      (*high_water)->bind(2, next_id_ - 1);
      if (auto r = (*high_water)->run(); !r) {
        (void)db_->exec("ROLLBACK");
        return r.error();
      }
    }
    {
      StatementUse use(**st);
      (*st)->bind(1, cutoff);
      (*st)->bind(2, std::int64_t{kPurgeChunk});
      StepResult step;
      while ((step = (*st)->step()) == StepResult::row) {
        purged.emplace_back((*st)->column_int(0), (*st)->column_text(1));
      }
      if (step == StepResult::error) {
        Error error = db_->last_error("purge");
        note_failure();
        (void)db_->exec("ROLLBACK");
        return error;
      }
    }
    if (auto r = db_->exec("COMMIT"); !r) {
      note_failure();
      (void)db_->exec("ROLLBACK");
      return r.error();
    }
    for (const auto& [id, key] : purged) dedupe_.erase(key, id);
    const auto deleted = static_cast<std::int64_t>(purged.size());
    report.purged_done += deleted;
    if (deleted < kPurgeChunk) break;
    if (!keep_going()) return report;  // the rest waits for the next round; no checkpoint now
  }
  if (auto r = db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !r) {
    note_failure();
    return r.error();
  }
  report.checkpointed = true;
  return report;
}

}  // namespace triagent::queue_detail
