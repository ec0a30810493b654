#include "core/sqlite_online_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace triagent::sqlite {

namespace {

Error unavailable(const std::string& what, const std::string& why) {
  return make_error(ErrorCode::unavailable, "backup: " + what + ": " + why);
}

// fsync of a file or a directory; the rename of a finished copy is durable once its directory is.
bool sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

void remove_files(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
}

}  // namespace

Result<std::unique_ptr<OnlineBackup>> OnlineBackup::start(SqliteDb& source, const std::string& path) {
  const std::string partial = path + ".partial";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return make_error(ErrorCode::conflict, "backup: " + path + " exists already");
  // O_EXCL: never over another file (a second backup, or anything else at that name); 0600: the
  // copy holds every job's payload, as the database does.
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return make_error(ErrorCode::conflict, "backup: " + partial + " exists already");
    return unavailable("cannot create " + partial, std::strerror(err));
  }
  sqlite3* destination = nullptr;
  if (sqlite3_open_v2(partial.c_str(), &destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Error error = unavailable("cannot open " + partial, destination != nullptr ? sqlite3_errmsg(destination) : "");
    sqlite3_close(destination);
    ::close(fd);
    remove_files(partial);
    return error;
  }
  // No journal and no fsync per step: until the rename, the copy is only a partial file that
  // nothing reads (removed if the copy fails). One fsync of the whole file comes at the end.
  (void)sqlite3_exec(destination, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
  sqlite3_backup* backup = sqlite3_backup_init(destination, "main", source.db_, "main");
  if (backup == nullptr) {
    Error error = unavailable("cannot start", sqlite3_errmsg(destination));
    sqlite3_close(destination);
    ::close(fd);
    remove_files(partial);
    return error;
  }
  return std::unique_ptr<OnlineBackup>(new OnlineBackup(path, fd, destination, backup));
}

OnlineBackup::OnlineBackup(std::string path, int fd, sqlite3* destination, sqlite3_backup* backup)
    : path_(std::move(path)), partial_path_(path_ + ".partial"), fd_(fd), destination_(destination), backup_(backup) {}

OnlineBackup::~OnlineBackup() {
  if (!sealed_) abandon();
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> OnlineBackup::step(int pages) {
  if (copied_) return true;
  if (backup_ == nullptr) return make_error(ErrorCode::conflict, "backup: abandoned after an earlier error");
  const int rc = sqlite3_backup_step(backup_, pages);
  pages_ = sqlite3_backup_pagecount(backup_);
  if (rc == SQLITE_OK) {
    // Starts the disk writing what this step copied, without waiting for it: left to the end,
    // a copy of 1 GB reached the disk in one burst that held the queue's own fsyncs for 150 ms.
    (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
    return false;
  }
  if (rc == SQLITE_DONE) return finish_copy();
  Error error = unavailable("copy", sqlite3_errstr(rc));
  abandon();
  return error;
}

Result<bool> OnlineBackup::finish_copy() {
  const int rc = sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  if (rc != SQLITE_OK) {
    Error error = unavailable("finish", sqlite3_errmsg(destination_));
    abandon();
    return error;
  }
  sqlite3_close(destination_);  // no statement of ours is open on it: it closes
  destination_ = nullptr;
  copied_ = true;
  return true;
}

Result<void> OnlineBackup::seal() {
  if (sealed_) return {};
  if (!copied_) return make_error(ErrorCode::conflict, "backup: " + partial_path_ + " is not completely copied");
  if (::fsync(fd_) != 0) {
    Error error = unavailable("sync " + partial_path_, std::strerror(errno));
    abandon();
    return error;
  }
  if (::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    Error error = unavailable("rename to " + path_, std::strerror(errno));
    abandon();
    return error;
  }
  (void)sync_path(std::filesystem::path(path_).parent_path().string(), O_RDONLY | O_DIRECTORY);
  std::error_code ec;
  bytes_ = static_cast<std::int64_t>(std::filesystem::file_size(path_, ec));
  sealed_ = true;
  return {};
}

void OnlineBackup::abandon() {
  if (backup_ != nullptr) sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  if (destination_ != nullptr) sqlite3_close(destination_);
  destination_ = nullptr;
  remove_files(partial_path_);
}

}  // namespace triagent::sqlite
