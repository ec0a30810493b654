// JobStore's online backup: one copy at a time, into backups/ beside the database, named by the
// time it started.
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <system_error>

#include "queue/job_store.hpp"

namespace triagent::queue_detail {

namespace {

// "20261124T000512.345Z": sorts by time, and two backups a millisecond apart do not collide.
std::string utc_stamp(std::int64_t now_ms) {
  const std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03dZ", static_cast<int>(now_ms % 1000));
  return std::string(text) + millis;
}

}  // namespace

Result<std::string> JobStore::start_backup() {
  if (backup_) return make_error(ErrorCode::conflict, "a backup is running already: " + backup_->path());
  const std::filesystem::path database(options_.path);
  const std::filesystem::path directory = database.parent_path() / "backups";
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return make_error(ErrorCode::unavailable, "backup: cannot create " + directory.string() + ": " + ec.message());
  ::chmod(directory.c_str(), 0700);  // the copies hold every job's payload
  const std::string path =
      (directory / (database.stem().string() + "-" + utc_stamp(clock_.now_ms()) + ".db")).string();
  auto backup = sqlite::OnlineBackup::start(*db_, path);
  if (!backup) return backup.error();
  backup_ = std::move(*backup);
  return path;
}

Result<std::unique_ptr<sqlite::OnlineBackup>> JobStore::backup_step(const std::string& path, int pages) {
  if (!backup_ || backup_->path() != path) {
    return make_error(ErrorCode::conflict, "backup " + path + " is no longer running");
  }
  auto copied = backup_->step(pages);
  if (!copied) {
    backup_.reset();  // already abandoned: its partial file is gone
    return copied.error();
  }
  if (!*copied) return std::unique_ptr<sqlite::OnlineBackup>();
  return std::move(backup_);
}

}  // namespace triagent::queue_detail
