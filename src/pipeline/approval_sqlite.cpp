#include "pipeline/approval_sqlite.hpp"

#include <sqlite3.h>

namespace triagent::approval_detail {

BoundStatement::~BoundStatement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void BoundStatement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
void BoundStatement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void BoundStatement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

Step BoundStatement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW: return Step::row;
    case SQLITE_DONE: return Step::done;
    default: return Step::error;
  }
}

std::int64_t BoundStatement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
double BoundStatement::real(int col) const { return sqlite3_column_double(stmt_, col); }
std::string BoundStatement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<std::unique_ptr<ApprovalDb>> ApprovalDb::open(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  // FULLMUTEX is not needed: the store serialises every use of the connection with its own mutex.
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<ApprovalDb> db(new ApprovalDb(raw));  // owns raw even when the open failed
  if (rc != SQLITE_OK) {
    std::string message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return make_error(ErrorCode::unavailable, "cannot open approval database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  if (auto ok = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !ok) return ok.error();
  return db;
}

ApprovalDb::~ApprovalDb() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<void> ApprovalDb::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return make_error(ErrorCode::unavailable, "approval store: " + text);
  }
  return {};
}

Result<sqlite3_stmt*> ApprovalDb::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return error("prepare");
  }
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Error ApprovalDb::error(std::string_view what) const {
  return make_error(ErrorCode::unavailable, "approval store: " + std::string(what) + ": " + sqlite3_errmsg(db_));
}

std::int64_t ApprovalDb::changes() const { return sqlite3_changes64(db_); }

}  // namespace triagent::approval_detail
