// Online backup of the SQLite queue: a consistent copy made while the queue keeps taking jobs,
// one backup at a time, nothing left behind when the queue closes in the middle of one.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "queue_test_support.hpp"

namespace triagent::queue_test {
namespace {

class QueueBackupTest : public QueueFixture {
 protected:
  Result<QueueBackup> backup() {
    return wait_for<QueueBackup>([&](auto cb) { backup_sqlite_job_queue(*queue, cb); });
  }
  // Enough jobs of 2 KB that the copy takes several steps (of 256 pages).
  std::vector<std::int64_t> fill(int count, const std::string& prefix) {
    std::vector<std::int64_t> ids;
    const std::string payload = "\"" + std::string(2048, 'p') + "\"";
    for (int i = 0; i < count; ++i) {
      auto r = enqueue(prefix + std::to_string(i), 0, payload);
      EXPECT_TRUE(r) << r.error().message;
      if (r) ids.push_back(r->job_id);
    }
    return ids;
  }
  // Holds the writer thread (in a callback) until the returned promise is set, then runs `then`
  // there: what the test submits meanwhile is queued behind, in a known order.
  std::promise<void> hold_writer(std::function<void()> then = {}) {
    std::promise<void> release;
    auto released = release.get_future().share();
    queue->get(1, [released, then = std::move(then)](Result<std::optional<JobRecord>>) {
      released.wait();
      if (then) then();
    });
    return release;
  }
  std::filesystem::path backups_dir() const { return std::filesystem::path(options.path).parent_path() / "backups"; }
  std::vector<std::filesystem::path> files_in_backups() const {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(backups_dir(), ec)) files.push_back(entry.path());
    return files;
  }
};

TEST_F(QueueBackupTest, CopiesEveryJobWhileTheQueueKeepsTakingNewOnes) {
  const auto before = fill(3000, "before-");
  std::promise<Result<QueueBackup>> copied;
  backup_sqlite_job_queue(*queue, [&](Result<QueueBackup> r) { copied.set_value(std::move(r)); });
  // Submitted after the backup began: they run between its steps, and each is durable on its own.
  const auto during = fill(200, "during-");
  auto report = copied.get_future().get();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_GT(report->pages, 1024);  // several steps
  EXPECT_EQ(report->bytes, static_cast<std::int64_t>(std::filesystem::file_size(report->path)));
  EXPECT_EQ(std::filesystem::path(report->path).parent_path(), backups_dir());
  struct stat st {};
  ASSERT_EQ(::stat(report->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(files_in_backups().size(), 1u);  // no partial file left

  // The copy is a queue of its own: everything acknowledged before the backup began is in it, and
  // the jobs of the steps' interleaving either are or are not, each one whole.
  SqliteQueueOptions copy_options = options;
  copy_options.path = report->path;
  auto copy = open_sqlite_job_queue(copy_options, clock);
  ASSERT_TRUE(copy) << copy.error().message;
  auto copy_stats = wait_for<QueueStats>([&](auto cb) { (*copy)->stats(cb); });
  ASSERT_TRUE(copy_stats);
  EXPECT_GE(copy_stats->ready, 3000);
  EXPECT_LE(copy_stats->ready, 3200);
  for (std::int64_t id : {before.front(), before[1500], before.back()}) {
    auto job = wait_for<std::optional<JobRecord>>([&](auto cb) { (*copy)->get(id, cb); });
    ASSERT_TRUE(job && job->has_value()) << id;
    EXPECT_EQ((*job)->payload.size(), 2050u);
  }
  // The live queue is untouched and still working.
  EXPECT_EQ(stats().ready, 3200);
  EXPECT_TRUE(enqueue("before-0")->duplicate);
  enqueue_id("after");
}

TEST_F(QueueBackupTest, ASecondBackupWhileOneRunsIsAConflictAndBothEndCleanly) {
  fill(3000, "job-");
  auto release = hold_writer();
  std::promise<Result<QueueBackup>> first;
  std::promise<Result<QueueBackup>> second_result;
  backup_sqlite_job_queue(*queue, [&](Result<QueueBackup> r) { first.set_value(std::move(r)); });
  // Queued right behind the first's start, so it runs before the first's steps are submitted.
  backup_sqlite_job_queue(*queue, [&](Result<QueueBackup> r) { second_result.set_value(std::move(r)); });
  release.set_value();
  auto second = second_result.get_future().get();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::conflict);
  EXPECT_NE(second.error().message.find("a backup is running already"), std::string::npos);
  auto report = first.get_future().get();
  ASSERT_TRUE(report) << report.error().message;
  clock.advance(std::chrono::milliseconds(1));
  auto third = backup();  // once the first is done, the next one runs
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_NE(third->path, report->path);
  EXPECT_EQ(files_in_backups().size(), 2u);
}

// The work the queue hands off its writer thread, held until the test runs it.
struct HeldWork {
  std::mutex mu;
  std::condition_variable posted;
  std::vector<std::function<void()>> tasks;

  std::function<void(std::function<void()>)> runner() {
    return [this](std::function<void()> task) {
      std::lock_guard lock(mu);
      tasks.push_back(std::move(task));
      posted.notify_all();
    };
  }
  // The first task handed off, once there is one (bounded: a writer that never hands it off fails).
  std::function<void()> first(std::chrono::seconds bound) {
    std::unique_lock lock(mu);
    if (!posted.wait_for(lock, bound, [this] { return !tasks.empty(); })) return {};
    return tasks.front();
  }
};

TEST_F(QueueBackupTest, TheCopysFsyncAndRenameRunOffTheWriterWhichKeepsAcknowledgingJobs) {
  auto held = std::make_shared<HeldWork>();
  options.run_blocking = held->runner();
  reopen();
  fill(3000, "before-");
  std::promise<Result<QueueBackup>> sealed;
  auto sealed_future = sealed.get_future();
  backup_sqlite_job_queue(*queue, [&](Result<QueueBackup> r) { sealed.set_value(std::move(r)); });
  auto seal = held->first(std::chrono::seconds(60));
  ASSERT_TRUE(seal) << "the copy was never handed off the writer thread";
  // Copied, not sealed: only the partial file exists, and the caller has no answer yet.
  auto files = files_in_backups();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front().extension(), ".partial");
  EXPECT_EQ(sealed_future.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  // Meanwhile the writer acknowledges new jobs: the seal does not hold it.
  auto during = enqueue("during-seal");
  ASSERT_TRUE(during) << during.error().message;
  EXPECT_FALSE(during->duplicate);

  seal();
  auto report = sealed_future.get();
  ASSERT_TRUE(report) << report.error().message;
  files = files_in_backups();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.front(), std::filesystem::path(report->path));
  EXPECT_EQ(report->bytes, static_cast<std::int64_t>(std::filesystem::file_size(report->path)));
  // The copy is the queue as of its last step: the job acknowledged during the seal is not in it.
  SqliteQueueOptions copy_options = options;
  copy_options.path = report->path;
  copy_options.run_blocking = nullptr;
  auto copy = open_sqlite_job_queue(copy_options, clock);
  ASSERT_TRUE(copy) << copy.error().message;
  auto copy_stats = wait_for<QueueStats>([&](auto cb) { (*copy)->stats(cb); });
  ASSERT_TRUE(copy_stats);
  EXPECT_EQ(copy_stats->ready, 3000);
  EXPECT_EQ(stats().ready, 3001);
}

TEST_F(QueueBackupTest, ClosingTheQueueMidwayRemovesThePartialCopy) {
  fill(3000, "job-");
  // The writer asks for the close itself (from a callback it does not wait), just before it runs
  // the backup's start: the start was submitted before the close, its first step after.
  auto release = hold_writer([this] { queue->close(); });
  std::promise<Result<QueueBackup>> copied;
  backup_sqlite_job_queue(*queue, [&](Result<QueueBackup> r) { copied.set_value(std::move(r)); });
  release.set_value();
  auto report = copied.get_future().get();
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::unavailable);
  queue->close();  // returns once the database is closed, and with it the unfinished copy
  EXPECT_TRUE(files_in_backups().empty());
}

}  // namespace
}  // namespace triagent::queue_test
