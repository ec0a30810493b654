#pragma once
// OnlineBackup: a consistent copy of a live database into a new file, made through the
// connection that owns it (sqlite3_backup), a bounded number of pages per step so that the
// owner's other work runs between steps. Writes made through that same connection between two
// steps are carried into the copy, so the finished file is the database as of the last step.
//
// The copy is written as "<path>.partial" (created 0600, never over an existing file), synced,
// and renamed to `path` only when complete: a reader never sees half a backup. The sync of a
// large copy takes long (0.3 s for 800 MB on a VM's disk), so it is a step of its own, seal(),
// that needs nothing of the source: the owner's thread runs step() and another thread seal().
//
//   auto backup = OnlineBackup::start(db, "/var/lib/triagent/backups/triagent-20261124T000512Z.db");
//   while (!*(*backup)->step(1024)) { /* let other work run */ }
//   (*backup)->seal();  // on any thread

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

  // Copies up to `pages` more pages. True once every page is copied and the copy's file closed;
  // an error abandons it. The copy is still ".partial" until seal().
  Result<bool> step(int pages);
  // After the last step: syncs the copy, renames it to path() and syncs its directory. Needs
  // nothing of the source database, so it may run on any thread; an error abandons the copy.
  Result<void> seal();

  const std::string& path() const { return path_; }
  std::int64_t pages() const { return pages_; }  // the database's size in pages at the last step
  std::int64_t bytes() const { return bytes_; }  // the sealed file's size (0 until sealed)

 private:
  OnlineBackup(std::string path, int fd, sqlite3* destination, sqlite3_backup* backup);
  Result<bool> finish_copy();
  void abandon();

  std::string path_;
  std::string partial_path_;
  int fd_;  // the partial file, for writeback and its fsync (SQLite writes through its own)
  sqlite3* destination_;
  sqlite3_backup* backup_;
  std::int64_t pages_ = 0;
  std::int64_t bytes_ = 0;
  bool copied_ = false;
  bool sealed_ = false;
};

}  // namespace triagent::sqlite
