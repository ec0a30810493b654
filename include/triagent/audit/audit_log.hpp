#pragma once
// AuditLog: appends hash-chained records (audit_record.hpp) to <dir>/audit.jsonl, durably and in
// order, from any number of threads or coroutines.
//
//   AuditLogOptions options;
//   options.dir = cfg.data_dir + "/audit";
//   auto log = AuditLog::open(options, SystemClock::instance());
//   if (!log) { ...; }
//   if (!(*log)->open_warning().empty()) log::warn("audit", (*log)->open_warning());
//   (*log)->append(job_id, trace_id, audit::kind::llm_call, {{"model", "gpt-4o"}},
//                  [](Result<AuditRecordRef> r) { /* durable: r->seq, r->hash */ });
//   auto ref = (*log)->append("", "", audit::kind::config, {{"reload", true}});  // blocking form
//
// Durability: a callback (or the blocking append's return) with a value means the record's line
// was written and fdatasync'ed: it survives a process crash and a power loss (given a disk that
// honours flushes). One writer thread takes every record waiting (up to max_batch_records or
// max_batch_bytes), assigns seq, time and the chain hashes, and writes the whole batch with one
// write() and one fdatasync() (group commit): N concurrent appenders cost far fewer than N syncs.
// A record whose callback has not run may be lost by a crash; one whose write was cut short is a
// torn final line, removed at the next open (it was never acknowledged).
//
// Threads: append() may be called from any thread. Callbacks run on the writer thread, exactly
// once each, never on the caller's: keep them short (post to your executor; net/await_callback.hpp
// turns one into a co_await). The blocking append() must not be called from a callback.
// Failure: a failed write is rolled back (the file is cut back to the last batch) and its records
// fail with ErrorCode::unavailable; a failed fdatasync leaves the file's state unknown, so the
// log then refuses every later append until it is reopened.
// One process at a time: the file is locked (flock) while open; a second open is refused.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "triagent/audit/audit_record.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"

namespace triagent::audit {

struct AuditLogOptions {
  std::string dir;                          // created (mode 0700) if missing; the file is 0600
  std::size_t max_data_bytes = 64 * 1024;   // larger `data` is cut down, with a "_truncated" marker
  std::size_t max_batch_records = 1024;     // records per write + fdatasync
  std::size_t max_batch_bytes = 4 << 20;    // bytes per write (a batch holds at least one record)
};

struct AuditStats {
  std::int64_t records = 0;         // records written and synced
  std::int64_t batches = 0;         // batches written and synced
  std::int64_t fsyncs = 0;          // fdatasync calls, failed ones included
  std::int64_t largest_batch = 0;   // records in the largest batch so far
  std::int64_t failed_records = 0;  // appends completed with an error (invalid input included)
  std::int64_t truncated_data = 0;  // records whose data was over max_data_bytes
  std::int64_t callback_exceptions = 0;
};

// <dir>/audit.jsonl
std::string audit_file_path(const std::string& dir);

class AuditLog {
 public:
  using Callback = std::function<void(Result<AuditRecordRef>)>;

  // Creates the directory and file if needed, locks the file, and recovers seq and prev from its
  // last line. A torn last line (no newline, or not JSON) is cut away: see open_warning(). A last
  // line that is JSON but not a valid record (a damaged chain) is an error: run
  // `triagent audit verify` and move the file aside to start a new chain. `clock` must outlive
  // the log.
  static Result<std::unique_ptr<AuditLog>> open(const AuditLogOptions& options, const Clock& clock);

  // Writes everything submitted so far, then stops the writer thread.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Queues a record; `done` runs once it is durable, or with an error: invalid_argument for a
  // kind that is not [a-z_]{1,64} or data that is neither an object nor null (null counts as {}),
  // unavailable when the write failed or the log is closed.
  void append(std::string_view job_id, std::string_view trace_id, std::string_view kind, nlohmann::json data,
              Callback done);
  // The same, waiting for the result on the calling thread.
  Result<AuditRecordRef> append(std::string_view job_id, std::string_view trace_id, std::string_view kind,
                                nlohmann::json data);

  // Writes what was submitted before, then refuses later appends (ErrorCode::unavailable).
  void close();

  // A description of what open() repaired (a torn last line it cut away), or empty.
  const std::string& open_warning() const;
  // The highest seq known durable: a reader (the DataSet shipper) must not go past it.
  std::int64_t durable_seq() const;
  AuditStats stats() const;
  const std::string& path() const;

 private:
  class Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triagent::audit
