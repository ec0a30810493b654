#include "triagent/pipeline/delivery_ledger.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <mutex>

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

// A prepared statement that is reset (and its bindings cleared) when the use ends, whatever path
// the code took, so no statement stays active across COMMIT.
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

// The longest prefix of at most `max` bytes that does not split a UTF-8 sequence.
std::string_view cap_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

struct DeliveryLedger::Impl {
  sqlite3* db = nullptr;
  const Clock* clock = nullptr;
  std::mutex mutex;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements;

  ~Impl() {
    for (auto& [sql, st] : statements) sqlite3_finalize(st);
    sqlite3_close(db);
  }

  Error error(std::string_view what) const {
    return Error{ErrorCode::unavailable, "delivery ledger: " + std::string(what) + ": " + sqlite3_errmsg(db)};
  }

  Result<void> exec(const char* sql, std::string_view what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errmsg(db);
      sqlite3_free(message);
      return Error{ErrorCode::unavailable, "delivery ledger: " + std::string(what) + ": " + text};
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

  // One upsert (begin's second half, complete, fail) with the common parameters.
  Result<void> write(const char* sql, std::string_view job, DeliveryStep step, std::string_view third,
                     std::string_view what) {
    auto st = statement(sql);
    if (!st) return st.error();
    Use use(*st);
    use.bind(1, job);
    use.bind(2, std::string_view(to_string(step)));
    use.bind(3, third);
    use.bind(4, clock->now_ms());
    if (use.step() != SQLITE_DONE) return error(what);
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
  // FULLMUTEX is not needed: Impl::mutex serialises every use of the connection.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (int rc = sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr); rc != SQLITE_OK) {
    std::string message = impl->db ? sqlite3_errmsg(impl->db) : sqlite3_errstr(rc);
    return Error{ErrorCode::unavailable, "delivery ledger: cannot open " + path + ": " + message};
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, 5000);
  if (auto ok = impl->exec("PRAGMA journal_mode=WAL", "journal mode"); !ok) return ok.error();
  if (auto ok = impl->exec("PRAGMA synchronous=FULL", "synchronous"); !ok) return ok.error();
  if (auto ok = impl->exec(kSchema, "schema"); !ok) return ok.error();
  return std::unique_ptr<DeliveryLedger>(new DeliveryLedger(std::move(impl)));
}

Result<DeliveryBegin> DeliveryLedger::begin(std::string_view job_id, DeliveryStep step, std::string_view target) {
  std::lock_guard lock(impl_->mutex);
  // The `started` row is committed without an fsync of its own (WAL, synchronous=NORMAL): it
  // survives a process crash, and the next FULL commit (complete, fail) makes it durable too. A
  // power loss may take it, and then the retry sees the step not started: the write steps check
  // the server for the job's marker before posting anyway, so nothing is posted twice. Half of a
  // job's delivery fsyncs, which serialise on this ledger, go.
  if (auto ok = impl_->exec("PRAGMA synchronous=NORMAL", "synchronous"); !ok) return ok.error();
  struct FullSyncAgain {
    Impl& impl;
    ~FullSyncAgain() { (void)impl.exec("PRAGMA synchronous=FULL", "synchronous"); }
  } full_sync_again{*impl_};
  // IMMEDIATE: the read and the write below are one decision, also against another process.
  if (auto ok = impl_->exec("BEGIN IMMEDIATE", "begin"); !ok) return ok.error();
  auto rollback = [&](Error e) -> Result<DeliveryBegin> {
    (void)impl_->exec("ROLLBACK", "rollback");
    return e;
  };
  DeliveryBegin out;
  {
    auto st = impl_->statement(kSelectOne);
    if (!st) return rollback(st.error());
    Use use(*st);
    use.bind(1, job_id);
    use.bind(2, std::string_view(to_string(step)));
    int rc = use.step();
    if (rc == SQLITE_ROW) {
      auto status = parse_delivery_status(use.text(0));
      if (status == DeliveryStatus::done) {
        out.already_done = true;
        out.attempt = static_cast<int>(use.integer(1));
      }
      out.interrupted = status == DeliveryStatus::started;
      if (!out.already_done) out.attempt = static_cast<int>(use.integer(1)) + 1;
    } else if (rc == SQLITE_DONE) {
      out.attempt = 1;
    } else {
      return rollback(impl_->error("read step"));
    }
  }
  if (!out.already_done) {
    if (auto ok = impl_->write(kBegin, job_id, step, target, "begin step"); !ok) return rollback(ok.error());
  }
  if (auto ok = impl_->exec("COMMIT", "commit"); !ok) return rollback(ok.error());
  return out;
}

Result<void> DeliveryLedger::complete(std::string_view job_id, DeliveryStep step, std::string_view external_ref) {
  std::lock_guard lock(impl_->mutex);
  return impl_->write(kComplete, job_id, step, cap_utf8(external_ref, kMaxErrorBytes), "complete step");
}

Result<void> DeliveryLedger::fail(std::string_view job_id, DeliveryStep step, std::string_view message) {
  std::lock_guard lock(impl_->mutex);
  return impl_->write(kFail, job_id, step, cap_utf8(message, kMaxErrorBytes), "fail step");
}

Result<std::vector<DeliveryRecord>> DeliveryLedger::steps(std::string_view job_id) {
  std::lock_guard lock(impl_->mutex);
  auto st = impl_->statement(kSteps);
  if (!st) return st.error();
  Use use(*st);
  use.bind(1, job_id);
  std::vector<DeliveryRecord> out;
  for (;;) {
    int rc = use.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return impl_->error("read steps");
    auto step = parse_delivery_step(use.text(0));
    auto status = parse_delivery_status(use.text(1));
    if (!step || !status) continue;  // written by a newer version: not ours to interpret
    DeliveryRecord r;
    r.job_id = std::string(job_id);
    r.step = *step;
    r.status = *status;
    r.target = use.text(2);
    r.external_ref = use.text(3);
    r.attempt = static_cast<int>(use.integer(4));
    r.last_error = use.text(5);
    r.updated_at_ms = use.integer(6);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  return out;
}

}  // namespace triagent
