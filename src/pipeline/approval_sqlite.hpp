#pragma once
// A small RAII layer over the sqlite3 C API for the approval store: one connection, prepared
// statements cached by SQL text, and a statement guard that resets after each use. Private to the
// approval store (the queue's equivalent is private to the queue module).
//
//   auto db = ApprovalDb::open(path);
//   auto st = (*db)->prepare("SELECT status FROM approvals WHERE id = ?1");
//   if (!st) return st.error();
//   BoundStatement q(**st);
//   q.bind(1, id);
//   if (q.step() == Step::row) status = q.text(0);

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace triagent::approval_detail {

enum class Step { row, done, error };

class ApprovalDb;

// Binds and steps one cached statement; resets it (and clears its bindings) when destroyed.
class BoundStatement {
 public:
  explicit BoundStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~BoundStatement();
  BoundStatement(const BoundStatement&) = delete;
  BoundStatement& operator=(const BoundStatement&) = delete;

  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  Step step();

  std::int64_t integer(int col) const;
  double real(int col) const;
  std::string text(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

class ApprovalDb {
 public:
  // WAL, synchronous=FULL (a decision acknowledged to an approver survives a power loss),
  // busy_timeout so a second process waits rather than failing.
  static Result<std::unique_ptr<ApprovalDb>> open(const std::string& path, int busy_timeout_ms);
  ~ApprovalDb();
  ApprovalDb(const ApprovalDb&) = delete;
  ApprovalDb& operator=(const ApprovalDb&) = delete;

  Result<void> exec(const char* sql);
  Result<sqlite3_stmt*> prepare(std::string_view sql);
  // ErrorCode::unavailable with sqlite's message.
  Error error(std::string_view what) const;
  std::int64_t changes() const;

 private:
  explicit ApprovalDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

}  // namespace triagent::approval_detail
