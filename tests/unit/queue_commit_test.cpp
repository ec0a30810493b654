// What the writer reports about each batch (SqliteQueueOptions::on_commit), and a batch the disk
// refuses: every operation in it fails, nothing of it stays, and the queue goes on once the disk
// takes writes again.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <future>
#include <latch>
#include <mutex>
#include <vector>

#include "failing_sync_vfs.hpp"
#include "queue_test_support.hpp"

namespace triagent::queue_test {
namespace {

class QueueCommits : public QueueFixture {
 protected:
  QueueCommits() {
    options.on_commit = [this](const CommitObservation& o) {
      std::lock_guard lock(mu_);
      seen_.push_back(o);
    };
  }
  ~QueueCommits() override { queue.reset(); }  // the writer calls back into members of this class

  std::vector<CommitObservation> observations() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::vector<CommitObservation> seen_;
};

// Lowers the largest file size this process may write (RLIMIT_FSIZE) and ignores SIGXFSZ, so a
// write past it fails with EFBIG as on a full disk; restores both when it goes.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_limit_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit lower = old_limit_;
    lower.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &lower) == 0;
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_limit_);
    signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit old_limit_{};
  sighandler_t old_handler_ = SIG_DFL;
  bool ok_ = false;
};

TEST_F(QueueCommits, EachBatchReportsItsSizeAndWhetherItWaitedForAnFsync) {
  // Hold the writer inside a callback until every enqueue is submitted: they commit together.
  std::promise<void> open_gate;
  auto gate = open_gate.get_future().share();
  std::promise<void> gate_reached;
  queue->stats([&, gate](Result<QueueStats>) {
    gate_reached.set_value();
    gate.wait();
  });
  gate_reached.get_future().wait();

  constexpr int kJobs = 10;
  std::latch all_done(kJobs);
  for (int i = 0; i < kJobs; ++i) {
    queue->enqueue(job_with_key("key-" + std::to_string(i)), [&](Result<EnqueueOutcome> r) {
      EXPECT_TRUE(r) << r.error().message;
      all_done.count_down();
    });
  }
  open_gate.set_value();
  all_done.wait();
  ASSERT_EQ(lease("w1", 3)->size(), 3u);

  // Reported before the batch's callbacks run, so all three are here once lease() returned.
  auto seen = observations();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].operations, 1u);  // stats(): a read, committed without an fsync
  EXPECT_FALSE(seen[0].synced);
  EXPECT_TRUE(seen[0].committed);
  EXPECT_EQ(seen[1].operations, static_cast<std::size_t>(kJobs));  // new jobs: one fsync for all ten
  EXPECT_TRUE(seen[1].synced);
  EXPECT_TRUE(seen[1].committed);
  EXPECT_GT(seen[1].commit_seconds, 0.0);
  EXPECT_EQ(seen[2].operations, 1u);  // the lease: deferred to the next synced commit
  EXPECT_FALSE(seen[2].synced);
  EXPECT_TRUE(seen[2].committed);
}

TEST_F(QueueCommits, ABatchTheDiskRefusesFailsWholeAndLeavesNothingBehind) {
  const auto kept = enqueue_id("kept");
  const auto wal = std::filesystem::path(options.path + "-wal");
  ASSERT_TRUE(std::filesystem::exists(wal));
  // 256 KB of payload cannot fit in the WAL as it is: its commit must grow the file, and may not.
  const std::string big_payload = "\"" + std::string(256 * 1024, 'x') + "\"";
  Result<EnqueueOutcome> refused = make_error(ErrorCode::internal, "not run");
  {
    FileSizeLimit limit(static_cast<rlim_t>(std::filesystem::file_size(wal)));
    ASSERT_TRUE(limit.ok());
    refused = enqueue("refused", 0, big_payload);
  }
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_NE(refused.error().message.find("queue store failed"), std::string::npos) << refused.error().message;
  auto seen = observations();
  ASSERT_FALSE(seen.empty());
  EXPECT_FALSE(seen.back().committed);
  EXPECT_EQ(seen.back().operations, 1u);

  // The disk takes writes again: the same webhook is new (its key did not stay behind), and it
  // and every earlier job survive a restart.
  auto again = enqueue("refused", 0, big_payload);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->duplicate);
  EXPECT_TRUE(observations().back().committed);
  EXPECT_EQ(stats().ready, 2);
  reopen();
  EXPECT_EQ(stats().ready, 2);
  EXPECT_EQ(get(kept)->state, JobState::queued);
  EXPECT_EQ(get(again->job_id)->payload, big_payload);
  EXPECT_TRUE(enqueue("refused")->duplicate);
}

// A disk that fails an fsync (EIO). Linux may then have dropped the unwritten pages and marked
// them clean, so the next fsync can succeed without them; going on would risk answering 202 for
// jobs a power loss then takes away. The queue stops instead, until a restart.
class QueueFsyncFailure : public QueueFixture {
 protected:
  ~QueueFsyncFailure() override { queue.reset(); }  // closed before the VFS it uses goes
  testing_support::FailingSyncVfs vfs;               // registered before SetUp() opens the queue
};

TEST_F(QueueFsyncFailure, AFailedFsyncStopsTheQueueUntilARestartAndAnsweredJobsStay) {
  const auto kept = enqueue_id("kept");
  vfs.fail_syncs(true);
  auto failed = enqueue("refused");
  ASSERT_FALSE(failed);
  EXPECT_GE(vfs.failed_syncs(), 1);
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_NE(failed.error().message.find("failed to flush"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("until the daemon restarts"), std::string::npos) << failed.error().message;

  // The disk answers again, but the queue no longer trusts the file: writes, leases and reads
  // alike are refused (so /readyz, which reads stats, reports the job store as failed).
  vfs.fail_syncs(false);
  const int syncs_failed = vfs.failed_syncs();
  auto after = enqueue("after");
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("until the daemon restarts"), std::string::npos) << after.error().message;
  EXPECT_FALSE(lease("w1", 1));
  auto st = wait_for<QueueStats>([&](auto cb) { queue->stats(cb); });
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("failed to flush"), std::string::npos) << st.error().message;
  EXPECT_FALSE(housekeep());
  EXPECT_EQ(vfs.failed_syncs(), syncs_failed);  // nothing reached the disk code again
  EXPECT_GE(sqlite().counters().failed_batches, 3);

  // After a restart: the job answered before is there, the refused ones are not (their senders
  // got a 503 and send them again), and the queue takes webhooks again.
  reopen();
  EXPECT_EQ(get(kept)->state, JobState::queued);
  auto resent = enqueue("refused");
  ASSERT_TRUE(resent) << resent.error().message;
  EXPECT_FALSE(resent->duplicate);
  EXPECT_FALSE(enqueue("after")->duplicate);
  EXPECT_EQ(stats().ready, 3);
}

}  // namespace
}  // namespace triagent::queue_test
