#pragma once
// WalSyncer: the second stage of group commit. The writer thread commits a batch with
// synchronous=NORMAL (no fsync inside COMMIT) and hands it here; this thread fdatasyncs the
// write-ahead log once for every batch that arrived meanwhile and only then runs their callbacks.
// So the writer runs batch N+1 while batch N is being synced, instead of idling in fsync.
//
//   WalSyncer syncer(store->wal_path(), [&](WriterOperation& op, const Error* e) { deliver(op, e); });
//   syncer.push(std::move(batch), /*needs_fsync=*/true);   // after COMMIT returned
//   syncer.drain();                                         // before closing the database
//
// Batches are delivered in commit order, so a callback never reveals a state that an earlier
// (still unsynced) durable commit has not reached yet.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "queue/writer_operation.hpp"

namespace triagent::queue_detail {

class WalSyncer {
 public:
  using Batch = std::vector<std::unique_ptr<WriterOperation>>;
  using Deliver = std::function<void(WriterOperation&, const Error*)>;

  WalSyncer(std::string wal_path, Deliver deliver);
  // Delivers what is still queued, then stops the thread. Must not run on this thread.
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // A committed batch. needs_fsync: some operation promised durability (an enqueue, a replay).
  void push(Batch batch, bool needs_fsync);
  // True when nothing is queued or being delivered: a batch committed now may be delivered by
  // the caller directly, in order, if it needs no fsync.
  bool idle() const;
  // Waits until every pushed batch was delivered.
  void drain();
  bool on_own_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  struct Entry {
    Batch batch;
    bool needs_fsync;
  };

  void run();
  // fdatasync of the write-ahead log; "" on success, else why it failed.
  std::string sync_wal();

  const std::string wal_path_;
  const Deliver deliver_;
  int wal_fd_ = -1;  // opened on the first sync (the file exists once anything committed)

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<Entry> queued_;
  bool busy_ = false;  // the thread holds entries it has not delivered yet
  bool stopping_ = false;

  std::thread thread_;  // last: starts after every member above is ready
};

}  // namespace triagent::queue_detail
