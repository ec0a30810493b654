#pragma once
// The file-system side of the audit trail: a private directory, the append-only file, its lock,
// whole writes, and a buffered reader of lines. POSIX calls only; no knowledge of records.
//
//   auto fd = open_audit_file(dir + "/audit.jsonl");   // creates dir (0700) and file (0600)
//   LineReader lines(fd_for_reading, 0);
//   while (auto line = lines.next()) { ... line->text, line->offset, line->terminated ... }

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"

namespace triagent::audit {

// Owns a file descriptor.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle();
  FileHandle(FileHandle&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileHandle& operator=(FileHandle&& other) noexcept;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// Creates `dir` and its missing parents with mode 0700, syncing each new one's parent (an existing
// directory is left as it is).
Result<void> make_private_directories(const std::string& dir);

// Opens `path` for reading and appending, creating it with mode 0600 (and syncing its directory,
// so the new file's name survives a power loss), then takes an exclusive flock on it: a second
// writer, in this process or another, is refused with ErrorCode::unavailable.
Result<FileHandle> open_audit_file(const std::string& path);

// Opens `path` read-only; not_found when it does not exist.
Result<FileHandle> open_for_reading(const std::string& path);

Result<std::int64_t> file_size(int fd);

// write() until all of `bytes` is written (or an error).
Result<void> write_all(int fd, std::string_view bytes);

// Reads `length` bytes at `offset`.
Result<std::string> read_at(int fd, std::int64_t offset, std::size_t length);

// Offset of the last '\n' before `end`, or -1 when there is none.
Result<std::int64_t> last_newline_before(int fd, std::int64_t end);

// Forward reader of '\n'-terminated lines from `offset` to the end of the file as it was when the
// reader was made (so a writer appending meanwhile cannot keep it reading forever).
class LineReader {
 public:
  struct Line {
    std::string text;  // without the newline
    std::int64_t offset = 0;
    bool terminated = true;  // false only for an unterminated last line
  };

  LineReader(int fd, std::int64_t offset, std::int64_t end);
  // The next line, or nullopt at the end or on an error (see error()).
  std::optional<Line> next();
  const std::optional<Error>& error() const { return error_; }

 private:
  bool fill();

  int fd_;
  std::int64_t file_pos_;  // offset of the first byte not yet read into buffer_
  std::int64_t end_;
  std::string buffer_;
  std::size_t buffer_start_ = 0;  // first unread byte in buffer_
  std::optional<Error> error_;
};

}  // namespace triagent::audit
