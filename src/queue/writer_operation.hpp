#pragma once
// WriterOperation: one queued request for the writer thread. It runs inside the batch's
// transaction (in its own savepoint), and delivers its result only once the batch has committed,
// or an error when the batch did not commit or the queue was already closed.
//
//   auto op = make_operation<bool>([job](JobStore& s) { return s.release(job); }, std::move(done));
//   auto op = make_operation<EnqueueOutcome>(body, std::move(done), OperationTraits::synced());
//   writer.submit(std::move(op));

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "queue/job_store.hpp"
#include "triagent/core/result.hpp"

namespace triagent::queue_detail {

class WriterOperation {
 public:
  virtual ~WriterOperation() = default;
  // False when the operation failed: its savepoint is rolled back.
  virtual bool run(JobStore& store) = 0;
  // Hands the result of run() to the caller's callback (after the commit).
  virtual void complete() = 0;
  // Hands `error` to the caller's callback instead (no commit, or the queue is closed).
  virtual void abort(const Error& error) = 0;
  // True for work that must run alone, outside a batch transaction (housekeeping).
  virtual bool standalone() const { return false; }
  // True when the caller is promised durability once its callback runs (a new job, a replay):
  // the batch commits with synchronous=FULL. Others (leases, acks, reads) commit with NORMAL;
  // the next FULL commit syncs the write-ahead log up to and including them.
  virtual bool needs_sync() const { return false; }
  // True when run() makes at most one write statement: SQLite already undoes a failed statement
  // on its own, so the writer skips the per-operation savepoint (two statements saved per call
  // on the hottest path, enqueue).
  virtual bool single_statement() const { return false; }
};

enum class Durability { synced, deferred };

struct OperationTraits {
  Durability durability = Durability::deferred;
  bool single_statement = false;
  bool standalone = false;

  static OperationTraits synced_single_statement() {
    OperationTraits t;
    t.durability = Durability::synced;
    t.single_statement = true;
    return t;
  }
  static OperationTraits synced() {
    OperationTraits t;
    t.durability = Durability::synced;
    return t;
  }
  static OperationTraits deferred_standalone() {
    OperationTraits t;
    t.standalone = true;
    return t;
  }
  static OperationTraits synced_standalone() {
    OperationTraits t = synced();
    t.standalone = true;
    return t;
  }
};

template <class T>
class TypedOperation final : public WriterOperation {
 public:
  using Body = std::function<Result<T>(JobStore&)>;
  using Done = std::function<void(Result<T>)>;

  TypedOperation(Body body, Done done, OperationTraits traits)
      : body_(std::move(body)), done_(std::move(done)), traits_(traits) {}

  bool run(JobStore& store) override {
    // Only allocation failures can throw here; they fail this operation, not the writer thread.
    try {
      result_.emplace(body_(store));
    } catch (const std::exception& e) {
      result_.emplace(make_error(ErrorCode::internal, std::string("queue operation failed: ") + e.what()));
    }
    return result_->has_value();
  }
  void complete() override {
    if (done_) done_(std::move(*result_));
  }
  void abort(const Error& error) override {
    if (done_) done_(error);
  }
  bool standalone() const override { return traits_.standalone; }
  bool needs_sync() const override { return traits_.durability == Durability::synced; }
  bool single_statement() const override { return traits_.single_statement; }

 private:
  Body body_;
  Done done_;
  OperationTraits traits_;
  std::optional<Result<T>> result_;
};

template <class T>
std::unique_ptr<WriterOperation> make_operation(typename TypedOperation<T>::Body body,
                                                typename TypedOperation<T>::Done done,
                                                OperationTraits traits = {}) {
  return std::make_unique<TypedOperation<T>>(std::move(body), std::move(done), traits);
}

}  // namespace triagent::queue_detail
