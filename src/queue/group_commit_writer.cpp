#include "queue/group_commit_writer.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace triagent::queue_detail {

namespace {

constexpr int kOverdueHousekeepingChunks = 20;  // purge transactions allowed while work is waiting

}  // namespace

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<JobStore> store, int max_batch, CommitObserver on_commit)
    : store_(std::move(store)),
      max_batch_(static_cast<std::size_t>(max_batch > 0 ? max_batch : 1)),
      on_commit_(std::move(on_commit)),
      depth_(store_->committed_depth()),
      thread_([this] { run(); }) {}

GroupCommitWriter::~GroupCommitWriter() {
  if (std::this_thread::get_id() == thread_.get_id()) {
    // Joining itself is impossible and detaching would leave the thread running on freed memory.
    std::fputs("triagent: fatal: the job queue was destroyed from one of its own callbacks\n", stderr);
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

void GroupCommitWriter::submit(std::unique_ptr<WriterOperation> op) {
  {
    std::lock_guard lock(mu_);
    (closing_ ? rejected_ : pending_).push_back(std::move(op));
  }
  wake_.notify_one();
}

void GroupCommitWriter::close() {
  std::unique_lock lock(mu_);
  closing_ = true;
  wake_.notify_all();
  if (std::this_thread::get_id() == thread_.get_id()) return;  // the writer closes after this batch
  closed_cv_.wait(lock, [this] { return closed_; });
}

WriterCounters GroupCommitWriter::counters() const {
  WriterCounters c;
  c.transactions = transactions_.load();
  c.operations = operations_.load();
  c.failed_batches = failed_batches_.load();
  c.callback_exceptions = callback_exceptions_.load();
  c.housekeeping_runs = housekeeping_runs_.load();
  c.housekeeping_failures = housekeeping_failures_.load();
  return c;
}

void GroupCommitWriter::run() {
  using Clock = std::chrono::steady_clock;
  auto last_housekeeping = Clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    if (!rejected_.empty()) {
      auto rejected = std::move(rejected_);
      rejected_.clear();
      lock.unlock();
      const Error closed = make_error(ErrorCode::unavailable, "the job queue is closed");
      for (auto& op : rejected) deliver(*op, &closed);
      rejected.clear();
      lock.lock();
      continue;
    }
    if (!pending_.empty()) {
      Batch batch;
      if (pending_.front()->standalone()) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      } else {
        while (!pending_.empty() && batch.size() < max_batch_ && !pending_.front()->standalone()) {
          batch.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
      }
      lock.unlock();
      if (batch.front()->standalone()) {
        execute_standalone(*batch.front());
      } else {
        execute_batch(batch);
      }
      batch.clear();  // callbacks' captures are destroyed outside the lock too
      const bool overdue = Clock::now() - last_housekeeping >= kHousekeepingOverdue;
      if (overdue) {
        housekeep(true);
        last_housekeeping = Clock::now();
      }
      lock.lock();
      continue;
    }
    if (closing_) {
      if (store_) {
        lock.unlock();
        store_.reset();  // finalizes the statements and closes the file
        lock.lock();
        closed_ = true;
        closed_cv_.notify_all();
        continue;  // the lock was let go: look at the queues again before waiting
      }
      if (stopping_) return;
      wake_.wait(lock);
      continue;
    }
    if (Clock::now() - last_housekeeping >= kHousekeepingInterval) {
      lock.unlock();
      housekeep(false);
      last_housekeeping = Clock::now();
      lock.lock();
      continue;
    }
    wake_.wait_until(lock, last_housekeeping + kHousekeepingInterval);
  }
}

void GroupCommitWriter::execute_batch(Batch& batch) {
  bool synced = false;
  for (const auto& op : batch) synced = synced || op->needs_sync();
  CommitObservation observation{.operations = batch.size(), .synced = synced, .committed = false, .commit_seconds = 0};
  auto refuse_all = [&](const Error& error) {
    failed_batches_.fetch_add(1);
    observe(observation);
    for (auto& op : batch) deliver(*op, &error);
  };
  auto fail_all = [&](const Error& cause) {
    store_->note_failure();
    if (store_->sync_failed()) note_sync_failure(cause);
    store_->abort_batch();
    refuse_all(sync_failure_ ? *sync_failure_
                             : make_error(ErrorCode::unavailable, "queue store failed: " + cause.message));
  };
  if (sync_failure_) return refuse_all(*sync_failure_);
  if (auto r = store_->begin_batch(synced); !r) return fail_all(r.error());
  for (auto& op : batch) {
    if (op->single_statement()) {
      if (!op->run(*store_)) store_->note_failure();
    } else {
      if (auto r = store_->begin_operation(); !r) return fail_all(r.error());
      const bool ok = op->run(*store_);
      if (auto r = store_->end_operation(ok); !r) return fail_all(r.error());
    }
    // Disk full or an I/O error can make SQLite roll the whole transaction back by itself.
    if (!store_->in_transaction()) return fail_all(make_error(ErrorCode::unavailable, "transaction rolled back"));
    if (store_->sync_failed()) return fail_all(make_error(ErrorCode::unavailable, "sqlite: disk I/O error (fsync)"));
  }
  const auto commit_start = std::chrono::steady_clock::now();
  if (auto r = store_->commit_batch(); !r) return fail_all(r.error());
  observation.commit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count();
  observation.committed = true;
  transactions_.fetch_add(1);
  operations_.fetch_add(static_cast<std::int64_t>(batch.size()));
  depth_.store(store_->committed_depth(), std::memory_order_relaxed);
  observe(observation);
  for (auto& op : batch) deliver(*op, nullptr);
}

void GroupCommitWriter::execute_standalone(WriterOperation& op) {
  if (sync_failure_) return deliver(op, &*sync_failure_);
  op.run(*store_);
  if (store_->sync_failed()) note_sync_failure(make_error(ErrorCode::unavailable, "sqlite: disk I/O error (fsync)"));
  deliver(op, sync_failure_ ? &*sync_failure_ : nullptr);
}

void GroupCommitWriter::note_sync_failure(const Error& cause) {
  if (sync_failure_) return;
  sync_failure_ = make_error(ErrorCode::unavailable,
                             "queue store failed: the disk failed to flush the queue's database (" + cause.message +
                                 "); to keep the webhooks already answered safe, the queue takes and answers "
                                 "nothing more until the daemon restarts: check the disk, then restart");
}

void GroupCommitWriter::housekeep(bool overdue) {
  if (sync_failure_) return;
  int chunks = 0;
  auto keep_going = [&] {
    if (overdue) return ++chunks < kOverdueHousekeepingChunks;
    std::lock_guard lock(mu_);
    return pending_.empty() && !closing_;
  };
  auto report = store_->housekeep(keep_going);
  housekeeping_runs_.fetch_add(1);
  if (!report) {
    housekeeping_failures_.fetch_add(1);
    if (store_->sync_failed()) note_sync_failure(report.error());
  }
}

void GroupCommitWriter::observe(const CommitObservation& observation) {
  if (!on_commit_) return;
  try {
    on_commit_(observation);
  } catch (...) {
    callback_exceptions_.fetch_add(1);  // metrics must never stop the writer
  }
}

void GroupCommitWriter::deliver(WriterOperation& op, const Error* error) {
  // A throwing callback is the caller's bug, but the writer must survive it: every other
  // operation in the batch still needs its callback, and a dead writer would hang all later ones.
  try {
    if (error != nullptr) {
      op.abort(*error);
    } else {
      op.complete();
    }
  } catch (...) {
    callback_exceptions_.fetch_add(1);
  }
}

}  // namespace triagent::queue_detail
