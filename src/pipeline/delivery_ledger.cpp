#include "triagent/pipeline/delivery_ledger.hpp"

#include <algorithm>
#include <mutex>

#include "core/sqlite_db.hpp"

namespace triagent {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS deliveries (
  job_id       TEXT    NOT NULL,
  step         TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  target       TEXT    NOT NULL DEFAULT '',
  external_ref TEXT    NOT NULL DEFAULT '',
  attempt      INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT    NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (job_id, step)
) WITHOUT ROWID;
)";

constexpr const char* kSelectOne = "SELECT status, attempt FROM deliveries WHERE job_id = ?1 AND step = ?2";
constexpr const char* kBegin =
    "INSERT INTO deliveries (job_id, step, status, target, attempt, updated_at) VALUES (?1, ?2, 'started', ?3, 1, ?4) "
    "ON CONFLICT (job_id, step) DO UPDATE SET status = 'started', target = excluded.target, "
    "attempt = deliveries.attempt + 1, updated_at = excluded.updated_at";
constexpr const char* kComplete =
    "INSERT INTO deliveries (job_id, step, status, external_ref, attempt, updated_at) VALUES (?1, ?2, 'done', ?3, 1, ?4) "
    "ON CONFLICT (job_id, step) DO UPDATE SET status = 'done', external_ref = excluded.external_ref, "
    "last_error = '', updated_at = excluded.updated_at";
constexpr const char* kFail =
    "INSERT INTO deliveries (job_id, step, status, last_error, attempt, updated_at) VALUES (?1, ?2, 'failed', ?3, 1, ?4) "
    "ON CONFLICT (job_id, step) DO UPDATE SET status = 'failed', last_error = excluded.last_error, "
    "updated_at = excluded.updated_at WHERE deliveries.status <> 'done'";
constexpr const char* kSteps =
    "SELECT step, status, target, external_ref, attempt, last_error, updated_at FROM deliveries WHERE job_id = ?1";

constexpr std::size_t kMaxErrorBytes = 1000;

// The longest prefix of at most `max` bytes that does not split a UTF-8 sequence.
std::string_view cap_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

struct DeliveryLedger::Impl {
  std::unique_ptr<sqlite::SqliteDb> db;
  const Clock* clock = nullptr;
  std::mutex mutex;

  // Inside begin()'s transaction: reads the step's row and marks it started unless it is done.
  Result<DeliveryBegin> begin_one(std::string_view job_id, DeliveryStep step, std::string_view target) {
    DeliveryBegin out;
    {
      auto st = db->statement(kSelectOne);
      if (!st) return st.error();
      sqlite::StatementUse use(**st);
      sqlite::Statement& stmt = **st;
      stmt.bind(1, job_id);
      stmt.bind(2, std::string_view(to_string(step)));
      const sqlite::StepResult rc = stmt.step();
      if (rc == sqlite::StepResult::row) {
        auto status = parse_delivery_status(stmt.column_text(0));
        if (status == DeliveryStatus::done) {
          out.already_done = true;
          out.attempt = static_cast<int>(stmt.column_int(1));
        }
        out.interrupted = status == DeliveryStatus::started;
        if (!out.already_done) out.attempt = static_cast<int>(stmt.column_int(1)) + 1;
      } else if (rc == sqlite::StepResult::done) {
        out.attempt = 1;
      } else {
        return db->last_error("read step");
      }
    }
    if (!out.already_done) {
      if (auto ok = write(kBegin, job_id, step, target, "begin step"); !ok) return ok.error();
    }
    return out;
  }

  // One upsert (begin's second half, complete, fail) with the common parameters.
  Result<void> write(const char* sql, std::string_view job, DeliveryStep step, std::string_view third,
                     std::string_view what) {
    auto st = db->statement(sql);
    if (!st) return st.error();
    sqlite::StatementUse use(**st);
    sqlite::Statement& stmt = **st;
    stmt.bind(1, job);
    stmt.bind(2, std::string_view(to_string(step)));
    stmt.bind(3, third);
    stmt.bind(4, clock->now_ms());
    if (stmt.step() != sqlite::StepResult::done) return db->last_error(what);
    return {};
  }
};

const char* to_string(DeliveryStep step) {
  switch (step) {
    case DeliveryStep::note: return "note";
    case DeliveryStep::alert_note: return "alert_note";
    case DeliveryStep::tags: return "tags";
    case DeliveryStep::add_events: return "add_events";
  }
  return "note";
}

const char* to_string(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::started: return "started";
    case DeliveryStatus::done: return "done";
    case DeliveryStatus::failed: return "failed";
  }
  return "started";
}

std::optional<DeliveryStep> parse_delivery_step(std::string_view text) {
  for (auto s : {DeliveryStep::note, DeliveryStep::alert_note, DeliveryStep::tags, DeliveryStep::add_events}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) {
  for (auto s : {DeliveryStatus::started, DeliveryStatus::done, DeliveryStatus::failed}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

DeliveryLedger::DeliveryLedger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeliveryLedger::~DeliveryLedger() = default;

Result<std::unique_ptr<DeliveryLedger>> DeliveryLedger::open(const std::string& path, const Clock& clock) {
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  // Impl::mutex serialises every use of the connection.
  auto db = sqlite::SqliteDb::open(path, "delivery ledger", 5000);
  if (!db) return db.error();
  impl->db = std::move(*db);
  if (auto ok = impl->db->exec("PRAGMA journal_mode=WAL", "journal mode"); !ok) return ok.error();
  if (auto ok = impl->db->exec("PRAGMA synchronous=FULL", "synchronous"); !ok) return ok.error();
  if (auto ok = impl->db->exec(kSchema, "schema"); !ok) return ok.error();
  return std::unique_ptr<DeliveryLedger>(new DeliveryLedger(std::move(impl)));
}

Result<DeliveryBegin> DeliveryLedger::begin(std::string_view job_id, DeliveryStep step, std::string_view target) {
  auto begun = begin(job_id, std::vector<DeliveryStepStart>{{step, std::string(target)}});
  if (!begun) return begun.error();
  return begun->front();
}

Result<std::vector<DeliveryBegin>> DeliveryLedger::begin(std::string_view job_id,
                                                         const std::vector<DeliveryStepStart>& steps) {
  std::lock_guard lock(impl_->mutex);
  // The `started` rows are committed without an fsync of their own (WAL, synchronous=NORMAL): they
  // survive a process crash, and the next FULL commit (complete, fail, finish) makes them durable
  // too. A power loss may take them, and then the retry sees the steps not started: the write
  // steps check the server for the job's marker before posting anyway, so nothing is posted twice.
  // Half of a job's delivery fsyncs, which serialise on this ledger, go.
  sqlite::SqliteDb& db = *impl_->db;
  if (auto ok = db.exec("PRAGMA synchronous=NORMAL", "synchronous"); !ok) return ok.error();
  struct FullSyncAgain {
    sqlite::SqliteDb& db;
    ~FullSyncAgain() { (void)db.exec("PRAGMA synchronous=FULL", "synchronous"); }
  } full_sync_again{db};
  // IMMEDIATE: each read and the write after it are one decision, also against another process.
  if (auto ok = db.exec("BEGIN IMMEDIATE", "begin"); !ok) return ok.error();
  auto rollback = [&](Error e) -> Result<std::vector<DeliveryBegin>> {
    (void)db.exec("ROLLBACK", "rollback");
    return e;
  };
  std::vector<DeliveryBegin> out;
  out.reserve(steps.size());
  for (const auto& start : steps) {
    auto begun = impl_->begin_one(job_id, start.step, start.target);
    if (!begun) return rollback(begun.error());
    out.push_back(*begun);
  }
  if (auto ok = db.exec("COMMIT", "commit"); !ok) return rollback(ok.error());
  return out;
}

Result<void> DeliveryLedger::complete(std::string_view job_id, DeliveryStep step, std::string_view external_ref) {
  return finish(job_id, {{step, true, std::string(external_ref)}});
}

Result<void> DeliveryLedger::fail(std::string_view job_id, DeliveryStep step, std::string_view message) {
  return finish(job_id, {{step, false, std::string(message)}});
}

Result<void> DeliveryLedger::finish(std::string_view job_id, const std::vector<DeliveryStepEnd>& ends) {
  std::lock_guard lock(impl_->mutex);
  sqlite::SqliteDb& db = *impl_->db;
  if (auto ok = db.exec("BEGIN IMMEDIATE", "begin"); !ok) return ok.error();
  for (const auto& end : ends) {
    auto ok = end.done ? impl_->write(kComplete, job_id, end.step, cap_utf8(end.text, kMaxErrorBytes), "complete step")
                       : impl_->write(kFail, job_id, end.step, cap_utf8(end.text, kMaxErrorBytes), "fail step");
    if (!ok) {
      (void)db.exec("ROLLBACK", "rollback");
      return ok.error();
    }
  }
  if (auto ok = db.exec("COMMIT", "commit"); !ok) {
    (void)db.exec("ROLLBACK", "rollback");
    return ok.error();
  }
  return {};
}

Result<std::vector<DeliveryRecord>> DeliveryLedger::steps(std::string_view job_id) {
  std::lock_guard lock(impl_->mutex);
  auto st = impl_->db->statement(kSteps);
  if (!st) return st.error();
  sqlite::StatementUse use(**st);
  sqlite::Statement& stmt = **st;
  stmt.bind(1, job_id);
  std::vector<DeliveryRecord> out;
  for (;;) {
    const sqlite::StepResult rc = stmt.step();
    if (rc == sqlite::StepResult::done) break;
    if (rc != sqlite::StepResult::row) return impl_->db->last_error("read steps");
    auto step = parse_delivery_step(stmt.column_text(0));
    auto status = parse_delivery_status(stmt.column_text(1));
    if (!step || !status) continue;  // written by a newer version: not ours to interpret
    DeliveryRecord r;
    r.job_id = std::string(job_id);
    r.step = *step;
    r.status = *status;
    r.target = stmt.column_text(2);
    r.external_ref = stmt.column_text(3);
    r.attempt = static_cast<int>(stmt.column_int(4));
    r.last_error = stmt.column_text(5);
    r.updated_at_ms = stmt.column_int(6);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  return out;
}

}  // namespace triagent
