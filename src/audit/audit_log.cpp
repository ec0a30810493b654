// The audit writer: appenders prepare their record on their own thread and queue it; one writer
// thread chains, writes and syncs whatever is waiting as one batch (group commit), then runs the
// callbacks. The chain state (last seq, hash of the last line, file size) is the writer's alone.
#include "triagent/audit/audit_log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "audit/audit_file.hpp"
#include "audit/record_composer.hpp"
#include "audit/tail_recovery.hpp"

namespace triagent::audit {

namespace {

struct Pending {
  PreparedEntry entry;
  AuditLog::Callback done;
};

}  // namespace

std::string audit_file_path(const std::string& dir) { return dir + "/audit.jsonl"; }

class AuditLog::Impl {
 public:
  Impl(const AuditLogOptions& options, const Clock& clock, std::string path, FileHandle file, TailState tail)
      : options_(options),
        clock_(clock),
        path_(std::move(path)),
        warning_(std::move(tail.warning)),
        file_(std::move(file)),
        last_seq_(tail.last_seq),
        last_line_hash_(std::move(tail.last_line_hash)),
        committed_size_(tail.size),
        durable_seq_(tail.last_seq),
        thread_([this] { run(); }) {}

  ~Impl() {
    if (std::this_thread::get_id() == thread_.get_id()) {
      // Joining itself is impossible, and detaching would leave the thread running on freed memory.
      std::fputs("triagent: fatal: the audit log was destroyed from one of its own callbacks\n", stderr);
      std::abort();
    }
    close();
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void submit(std::string_view job_id, std::string_view trace_id, std::string_view kind, nlohmann::json data,
              Callback done) {
    Pending p{prepare_entry(job_id, trace_id, kind, std::move(data), options_.max_data_bytes), std::move(done)};
    if (p.entry.truncated) truncated_data_.fetch_add(1);
    {
      std::lock_guard lock(mu_);
      if (closing_ && !p.entry.error) p.entry.error = make_error(ErrorCode::unavailable, "the audit log is closed");
      pending_.push_back(std::move(p));
    }
    wake_.notify_one();
  }

  Result<AuditRecordRef> append_blocking(std::string_view job_id, std::string_view trace_id, std::string_view kind,
                                         nlohmann::json data) {
    if (std::this_thread::get_id() == thread_.get_id()) {
      return make_error(ErrorCode::internal, "a blocking audit append from an audit callback would wait for itself");
    }
    std::promise<Result<AuditRecordRef>> promise;
    auto future = promise.get_future();
    submit(job_id, trace_id, kind, std::move(data),
           [&promise](Result<AuditRecordRef> r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  void close() {
    std::unique_lock lock(mu_);
    closing_ = true;
    wake_.notify_all();
    if (std::this_thread::get_id() == thread_.get_id()) return;  // the writer finishes after this batch
    closed_cv_.wait(lock, [this] { return closed_; });
  }

  AuditStats stats() const {
    AuditStats s;
    s.records = records_.load();
    s.batches = batches_.load();
    s.fsyncs = fsyncs_.load();
    s.largest_batch = largest_batch_.load();
    s.failed_records = failed_records_.load();
    s.truncated_data = truncated_data_.load();
    s.callback_exceptions = callback_exceptions_.load();
    return s;
  }

  const std::string& warning() const { return warning_; }
  const std::string& path() const { return path_; }
  std::int64_t durable_seq() const { return durable_seq_.load(); }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!pending_.empty()) {
        std::vector<Pending> batch;
        std::size_t bytes = 0;
        while (!pending_.empty() && batch.size() < options_.max_batch_records) {
          const std::size_t next = pending_.front().entry.data_text.size();
          if (!batch.empty() && bytes + next > options_.max_batch_bytes) break;
          bytes += next;
          batch.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
        lock.unlock();
        process(batch);
        batch.clear();  // callbacks' captures are destroyed outside the lock too
        lock.lock();
        continue;
      }
      if (closing_ && !closed_) {
        closed_ = true;
        closed_cv_.notify_all();
        continue;
      }
      if (stopping_) return;
      wake_.wait(lock);
    }
  }

  void process(std::vector<Pending>& batch) {
    std::vector<std::optional<Result<AuditRecordRef>>> results(batch.size());
    std::string buffer;
    std::int64_t seq = last_seq_;
    std::string prev = last_line_hash_;
    const std::string time = format_rfc3339_ms(clock_.now_ms());
    std::int64_t written = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const PreparedEntry& e = batch[i].entry;
      if (e.error) {
        results[i].emplace(*e.error);
        continue;
      }
      if (failure_) {
        results[i].emplace(*failure_);
        continue;
      }
      ComposedLine c = compose_line(e, ++seq, time, prev);
      prev = sha256_hex(c.line);
      buffer.append(c.line).push_back('\n');
      results[i].emplace(AuditRecordRef{seq, std::move(c.hash)});
      ++written;
    }
    if (written > 0) {
      if (auto error = write_and_sync(buffer)) {
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (results[i]->has_value()) results[i].emplace(*error);
        }
      } else {
        last_seq_ = seq;
        last_line_hash_ = std::move(prev);
        committed_size_ += static_cast<std::int64_t>(buffer.size());
        durable_seq_.store(seq);
        records_.fetch_add(written);
        batches_.fetch_add(1);
        if (written > largest_batch_.load()) largest_batch_.store(written);
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) deliver(batch[i], std::move(*results[i]));
  }

  // The batch's lines are written with one write() and synced with one fdatasync(). An error
  // returned here fails the whole batch; nothing of it stays in the file.
  std::optional<Error> write_and_sync(const std::string& buffer) {
    if (auto w = write_all(file_.get(), buffer); !w) {
      // Cut back whatever part of the batch reached the file, so the chain stays as it was. If even
      // that fails, the end of the file is unknown: stop appending.
      if (::ftruncate(file_.get(), static_cast<off_t>(committed_size_)) != 0) {
        failure_ = make_error(ErrorCode::unavailable, "audit log " + path_ + " failed and could not be repaired: " +
                                                          std::strerror(errno) + "; reopen it");
      }
      return make_error(ErrorCode::unavailable, w.error().message);
    }
    fsyncs_.fetch_add(1);
    if (::fdatasync(file_.get()) != 0) {
      // After a failed sync the kernel may have dropped the dirty pages: what is on disk is
      // unknown, so no later record may claim to follow this one.
      failure_ = make_error(ErrorCode::unavailable, "audit log " + path_ + " failed to sync: " +
                                                        std::strerror(errno) + "; reopen it");
      return failure_;
    }
    return std::nullopt;
  }

  void deliver(Pending& p, Result<AuditRecordRef> result) {
    if (!result) failed_records_.fetch_add(1);
    if (!p.done) return;
    // A throwing callback is the caller's bug; the others in the batch still need theirs.
    try {
      p.done(std::move(result));
    } catch (...) {
      callback_exceptions_.fetch_add(1);
    }
  }

  const AuditLogOptions options_;
  const Clock& clock_;
  const std::string path_;
  const std::string warning_;
  FileHandle file_;

  // Writer thread only.
  std::int64_t last_seq_;
  std::string last_line_hash_;
  std::int64_t committed_size_;
  std::optional<Error> failure_;

  std::atomic<std::int64_t> durable_seq_;
  std::atomic<std::int64_t> records_{0};
  std::atomic<std::int64_t> batches_{0};
  std::atomic<std::int64_t> fsyncs_{0};
  std::atomic<std::int64_t> largest_batch_{0};
  std::atomic<std::int64_t> failed_records_{0};
  std::atomic<std::int64_t> truncated_data_{0};
  std::atomic<std::int64_t> callback_exceptions_{0};

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable closed_cv_;
  std::deque<Pending> pending_;
  bool closing_ = false;
  bool closed_ = false;
  bool stopping_ = false;

  std::thread thread_;  // last: starts after every member above is ready
};

Result<std::unique_ptr<AuditLog>> AuditLog::open(const AuditLogOptions& options, const Clock& clock) {
  if (options.dir.empty()) return make_error(ErrorCode::invalid_argument, "the audit directory is not set");
  if (auto r = make_private_directories(options.dir); !r) return r.error();
  const std::string path = audit_file_path(options.dir);
  auto file = open_audit_file(path);
  if (!file) return file.error();
  auto tail = recover_tail(file->get(), path);
  if (!tail) return tail.error();
  AuditLogOptions effective = options;
  if (effective.max_batch_records == 0) effective.max_batch_records = 1;
  auto impl = std::make_unique<Impl>(effective, clock, path, std::move(*file), std::move(*tail));
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

void AuditLog::append(std::string_view job_id, std::string_view trace_id, std::string_view kind, nlohmann::json data,
                      Callback done) {
  impl_->submit(job_id, trace_id, kind, std::move(data), std::move(done));
}

Result<AuditRecordRef> AuditLog::append(std::string_view job_id, std::string_view trace_id, std::string_view kind,
                                        nlohmann::json data) {
  return impl_->append_blocking(job_id, trace_id, kind, std::move(data));
}

void AuditLog::close() { impl_->close(); }
const std::string& AuditLog::open_warning() const { return impl_->warning(); }
std::int64_t AuditLog::durable_seq() const { return impl_->durable_seq(); }
AuditStats AuditLog::stats() const { return impl_->stats(); }
const std::string& AuditLog::path() const { return impl_->path(); }

}  // namespace triagent::audit
