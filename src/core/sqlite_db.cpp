#include "core/sqlite_db.hpp"

#include <sqlite3.h>

#include <mutex>

namespace triagent::sqlite {

namespace {

// Before SQLite's first use in the process: no memory statistics (nothing reads them, and they
// put a global mutex around every allocation SQLite makes, eight per queued job).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }

void Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may go away before step().
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::bind_unowned(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

StepResult Statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW: return StepResult::row;
    case SQLITE_DONE: return StepResult::done;
    default: return StepResult::error;
  }
}

Result<void> Statement::run() {
  for (;;) {
    switch (step()) {
      case StepResult::row: continue;
      case StepResult::done: return {};
      case StepResult::error:
        return make_error(ErrorCode::unavailable, std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::column_real(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::column_text(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path, std::string label, int busy_timeout_ms) {
  configure_sqlite_once();
  sqlite3* raw = nullptr;
  // NOMUTEX: each store uses its connection from one thread at a time (the queue's writer thread,
  // or under the store's own mutex), so SQLite's per-call locking would be paid for nothing.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, std::move(label)));  // owns `raw` even when the open failed
  if (rc != SQLITE_OK) {
    std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return make_error(ErrorCode::unavailable, db->label_ + ": cannot open " + path + ": " + message);
  }
  sqlite3_extended_result_codes(raw, 1);
  if (busy_timeout_ms > 0) sqlite3_busy_timeout(raw, busy_timeout_ms);
  return db;
}

SqliteDb::~SqliteDb() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

Result<void> SqliteDb::exec(const char* sql, std::string_view what) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return make_error(ErrorCode::unavailable, label_ + ": " + (what.empty() ? "" : std::string(what) + ": ") + text);
  }
  return {};
}

Result<std::string> SqliteDb::query_text(const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) return last_error("prepare");
  Statement st(db_, raw);
  std::string value;
  switch (st.step()) {
    case StepResult::row: value = st.column_text(0); break;
    case StepResult::done: break;
    case StepResult::error: return last_error(sql);
  }
  return value;
}

SqliteDb::FailureKind SqliteDb::last_failure_kind() const {
  const int code = sqlite3_extended_errcode(db_);
  if (code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_DIR_FSYNC) return FailureKind::sync_failed;
  switch (code & 0xff) {  // the primary code: extended codes are on (SQLITE_BUSY_RECOVERY...)
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return FailureKind::busy;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return FailureKind::damaged;
    default: return FailureKind::other;
  }
}

Result<Statement*> SqliteDb::statement(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second.get();
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                         nullptr) != SQLITE_OK) {
    return last_error("prepare");
  }
  auto owned = std::make_unique<Statement>(db_, raw);
  Statement* st = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return st;
}

Error SqliteDb::last_error(std::string_view what) const {
  return make_error(ErrorCode::unavailable, label_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

bool SqliteDb::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }


}  // namespace triagent::sqlite
