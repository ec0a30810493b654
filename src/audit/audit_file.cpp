#include "audit/audit_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace triagent::audit {

namespace {

constexpr std::size_t kReadChunk = 256 * 1024;

Error io_error(const std::string& what, int err) {
  return make_error(ErrorCode::unavailable, what + ": " + std::strerror(err));
}

Result<void> sync_directory(const std::string& dir) {
  FileHandle d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0) return io_error("cannot open directory " + dir, errno);
  if (::fsync(d.get()) != 0) return io_error("cannot sync directory " + dir, errno);
  return {};
}

}  // namespace

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<void> make_private_directories(const std::string& dir) {
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(dir)) {
    const std::filesystem::path parent = partial.empty() ? std::filesystem::path(".") : partial;
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      // The new directory's name must survive a power loss too, or so would not the log in it.
      if (auto r = sync_directory(parent.string()); !r) return r.error();
    } else if (errno != EEXIST) {
      return io_error("cannot create directory " + partial.string(), errno);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return io_error("cannot reach directory " + dir, errno);
  if (!S_ISDIR(st.st_mode)) return make_error(ErrorCode::unavailable, dir + " is not a directory");
  return {};
}

Result<FileHandle> open_audit_file(const std::string& path) {
  const int flags = O_RDWR | O_APPEND | O_CLOEXEC;
  FileHandle file(::open(path.c_str(), flags));
  if (file.get() < 0 && errno == ENOENT) {
    file = FileHandle(::open(path.c_str(), flags | O_CREAT | O_EXCL, 0600));
    if (file.get() >= 0) {
      if (auto r = sync_directory(std::filesystem::path(path).parent_path().string()); !r) return r.error();
    } else if (errno == EEXIST) {
      file = FileHandle(::open(path.c_str(), flags));  // another opener created it first
    }
  }
  if (file.get() < 0) return io_error("cannot open " + path, errno);
  if (::flock(file.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return make_error(ErrorCode::unavailable, path + " is already open for writing (by this or another process)");
    }
    return io_error("cannot lock " + path, errno);
  }
  return file;
}

Result<FileHandle> open_for_reading(const std::string& path) {
  FileHandle file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) return make_error(ErrorCode::not_found, "no audit log at " + path);
    return io_error("cannot open " + path, errno);
  }
  return file;
}

Result<std::int64_t> file_size(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error("cannot stat the audit log", errno);
  return static_cast<std::int64_t>(st.st_size);
}

Result<void> write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write the audit log", errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::string> read_at(int fd, std::int64_t offset, std::size_t length) {
  std::string out(length, '\0');
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read the audit log", errno);
    }
    if (n == 0) break;  // the file is shorter than expected
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

Result<std::int64_t> last_newline_before(int fd, std::int64_t end) {
  std::int64_t block_end = end;
  while (block_end > 0) {
    const std::int64_t block_start = block_end > static_cast<std::int64_t>(kReadChunk)
                                         ? block_end - static_cast<std::int64_t>(kReadChunk)
                                         : 0;
    auto block = read_at(fd, block_start, static_cast<std::size_t>(block_end - block_start));
    if (!block) return block.error();
    const auto pos = block->rfind('\n');
    if (pos != std::string::npos) return block_start + static_cast<std::int64_t>(pos);
    block_end = block_start;
  }
  return std::int64_t{-1};
}

LineReader::LineReader(int fd, std::int64_t offset, std::int64_t end) : fd_(fd), file_pos_(offset), end_(end) {}

bool LineReader::fill() {
  if (file_pos_ >= end_) return false;
  const auto want = static_cast<std::size_t>(std::min<std::int64_t>(end_ - file_pos_, kReadChunk));
  auto chunk = read_at(fd_, file_pos_, want);
  if (!chunk) {
    error_ = chunk.error();
    return false;
  }
  if (chunk->empty()) {  // the file shrank under us
    end_ = file_pos_;
    return false;
  }
  buffer_.erase(0, buffer_start_);
  buffer_start_ = 0;
  buffer_ += *chunk;
  file_pos_ += static_cast<std::int64_t>(chunk->size());
  return true;
}

std::optional<LineReader::Line> LineReader::next() {
  std::size_t searched = buffer_start_;
  for (;;) {
    const auto nl = buffer_.find('\n', searched);
    if (nl != std::string::npos) {
      Line line;
      line.offset = file_pos_ - static_cast<std::int64_t>(buffer_.size() - buffer_start_);
      line.text = buffer_.substr(buffer_start_, nl - buffer_start_);
      buffer_start_ = nl + 1;
      return line;
    }
    searched = buffer_.size() - buffer_start_;  // relative: fill() moves the unread bytes to 0
    if (!fill()) break;
  }
  if (error_ || buffer_start_ >= buffer_.size()) return std::nullopt;
  Line line;
  line.offset = file_pos_ - static_cast<std::int64_t>(buffer_.size() - buffer_start_);
  line.text = buffer_.substr(buffer_start_);
  line.terminated = false;
  buffer_start_ = buffer_.size();
  return line;
}

}  // namespace triagent::audit
