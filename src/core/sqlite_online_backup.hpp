#pragma once
// OnlineBackup: a consistent copy of a live database into a new file, made through the
// connection that owns it (sqlite3_backup), a bounded number of pages per step so that the
// owner's other work runs between steps. Writes made through that same connection between two
// steps are carried into the copy, so the finished file is the database as of the last step.
//
// The copy is written as "<path>.partial" (created 0600, never over an existing file), synced,
// and renamed to `path` only when complete: a reader never sees half a backup.
//
//   auto backup = OnlineBackup::start(db, "/var/lib/triagent/backups/triagent-20261124T000512Z.db");
//   while (!*(*backup)->step(1024)) { /* let other work run */ }

#include <cstdint>
#include <memory>
#include <string>

#include "core/sqlite_db.hpp"
#include "triagent/core/result.hpp"

struct sqlite3;
struct sqlite3_backup;

namespace triagent::sqlite {

class OnlineBackup {
 public:
  // Fails with ErrorCode::conflict when `path` or its ".partial" exists.
  static Result<std::unique_ptr<OnlineBackup>> start(SqliteDb& source, const std::string& path);
  // An unfinished copy is abandoned: its partial file is removed.
  ~OnlineBackup();
  OnlineBackup(const OnlineBackup&) = delete;
  OnlineBackup& operator=(const OnlineBackup&) = delete;

  // Copies up to `pages` more pages. True once the copy is complete, synced and renamed to its
  // final path; an error abandons it.
  Result<bool> step(int pages);

  const std::string& path() const { return path_; }
  std::int64_t pages() const { return pages_; }  // the database's size in pages at the last step
  std::int64_t bytes() const { return bytes_; }  // the finished file's size (0 until complete)

 private:
  OnlineBackup(std::string path, sqlite3* destination, sqlite3_backup* backup);
  Result<bool> finish();
  void abandon();

  std::string path_;
  std::string partial_path_;
  sqlite3* destination_;
  sqlite3_backup* backup_;
  std::int64_t pages_ = 0;
  std::int64_t bytes_ = 0;
  bool complete_ = false;
};

}  // namespace triagent::sqlite
