#include "queue/wal_syncer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace triagent::queue_detail {

namespace {

std::string errno_text(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

int retry_eintr(int (*call)(int), int fd) {
  int rc = 0;
  do {
    rc = call(fd);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

// The directory entry of a new file is only durable once its directory is synced. SQLite does
// that on its first sync of the WAL, which with synchronous=NORMAL may be the first checkpoint,
// long after the first 202: so it is done here, before the first sync is relied upon.
std::string sync_directory_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_text("cannot open directory", dir.string());
  std::string why;
  if (retry_eintr(::fsync, fd) != 0) why = errno_text("cannot sync directory", dir.string());
  ::close(fd);
  return why;
}

}  // namespace

WalSyncer::WalSyncer(std::string wal_path, Deliver deliver)
    : wal_path_(std::move(wal_path)), deliver_(std::move(deliver)), thread_([this] { run(); }) {}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

void WalSyncer::push(Batch batch, bool needs_fsync) {
  {
    std::lock_guard lock(mu_);
    queued_.push_back(Entry{std::move(batch), needs_fsync});
  }
  wake_.notify_one();
}

bool WalSyncer::idle() const {
  std::lock_guard lock(mu_);
  return queued_.empty() && !busy_;
}

void WalSyncer::drain() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return queued_.empty() && !busy_; });
}

void WalSyncer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (queued_.empty()) {
      if (stopping_) return;
      wake_.wait(lock);
      continue;
    }
    // Everything committed so far shares this one fsync.
    std::deque<Entry> entries = std::move(queued_);
    queued_.clear();
    busy_ = true;
    lock.unlock();

    bool needs_fsync = false;
    for (const auto& e : entries) needs_fsync = needs_fsync || e.needs_fsync;
    std::string failure = needs_fsync ? sync_wal() : std::string();
    const Error error = make_error(ErrorCode::unavailable, "queue store failed: " + failure);
    for (auto& e : entries) {
      for (auto& op : e.batch) deliver_(*op, failure.empty() ? nullptr : &error);
    }
    entries.clear();  // callbacks' captures are destroyed outside the lock too

    lock.lock();
    busy_ = false;
    if (queued_.empty()) drained_.notify_all();
  }
}

std::string WalSyncer::sync_wal() {
  // A WAL file deleted and created again (it is not, while the connection is open, but the
  // check is one fstat) would leave this descriptor syncing a dead inode.
  struct stat st {};
  if (wal_fd_ >= 0 && (::fstat(wal_fd_, &st) != 0 || st.st_nlink == 0)) {
    ::close(wal_fd_);
    wal_fd_ = -1;
  }
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(wal_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (wal_fd_ < 0) return errno_text("cannot open the write-ahead log", wal_path_);
    if (auto why = sync_directory_of(wal_path_); !why.empty()) {
      ::close(wal_fd_);
      wal_fd_ = -1;
      return why;
    }
  }
  if (retry_eintr(::fdatasync, wal_fd_) != 0) return errno_text("cannot sync the write-ahead log", wal_path_);
  return {};
}

}  // namespace triagent::queue_detail
