#pragma once
// Thin RAII wrappers over the sqlite3 C API: a connection with a cache of prepared statements, and
// a statement that resets itself after each use. Shared by the stores (job queue, delivery ledger,
// job checkpoints, approvals, feedback); they keep <sqlite3.h> out of their own code.
//
//   auto db = SqliteDb::open("/var/lib/triagent/triagent.db", "queue");
//   auto st = (*db)->statement("SELECT state FROM jobs WHERE id = ?1");
//   if (!st) return st.error();
//   StatementUse use(**st);          // resets and clears the bindings when it goes out of scope
//   (*st)->bind(1, id);
//   if ((*st)->step() == StepResult::row) state = (*st)->column_text(0);

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace triagent::sqlite {

enum class StepResult { row, done, error };

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);  // copied: the caller's buffer may go before step()
  // Not copied (SQLITE_STATIC): `text` must stay alive and unchanged until the statement is reset,
  // e.g. within one StatementUse. For large values on hot paths, where the copy and its
  // allocation cost more than the insert around them.
  void bind_unowned(int index, std::string_view text);
  StepResult step();
  // Steps until done; the error (as an Error) if any step fails.
  Result<void> run();
  void reset();

  std::int64_t column_int(int col) const;
  double column_real(int col) const;
  std::string column_text(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Resets a statement when the scope ends, so that no statement stays active across a savepoint
// release or a commit, whatever path the code took.
class StatementUse {
 public:
  explicit StatementUse(Statement& st) : st_(st) {}
  ~StatementUse() { st_.reset(); }
  Statement* operator->() const { return &st_; }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  Statement& st_;
};

class SqliteDb {
 public:
  // `label` names the store in every error ("delivery ledger: commit: database is locked"). With a
  // busy timeout, a statement waits that long for another connection's lock before failing.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, std::string label, int busy_timeout_ms = 0);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results (DDL, pragmas, BEGIN/COMMIT); `what` names the
  // step in the error.
  Result<void> exec(const char* sql, std::string_view what = {});
  // Runs a statement returning one text value, e.g. "PRAGMA journal_mode=WAL".
  Result<std::string> query_text(const char* sql);
  // Prepared once per distinct SQL text and kept for the life of the connection.
  Result<Statement*> statement(std::string_view sql);
  // An Error carrying the connection's last message (code unavailable: the store failed).
  Error last_error(std::string_view what) const;
  // What kind of failure the last one was, for an error an operator can act on: another
  // connection holds the lock, the file is damaged or not a database at all, or the disk failed to
  // flush it (fsync of the file or its directory).
  enum class FailureKind { busy, damaged, sync_failed, other };
  FailureKind last_failure_kind() const;

  bool in_transaction() const;
  std::int64_t changes() const;

 private:
  friend class OnlineBackup;  // copies from this connection
  SqliteDb(sqlite3* db, std::string label) : db_(db), label_(std::move(label)) {}
  sqlite3* db_;
  std::string label_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

}  // namespace triagent::sqlite
