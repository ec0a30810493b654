// The queue's parts below the writer thread: full-jitter backoff, and JobStore's savepoints.

#include <gtest/gtest.h>

#include <set>

#include "queue/backoff.hpp"
#include "queue/job_store.hpp"
#include "queue_test_support.hpp"

namespace triagent::queue_test {
namespace {

using queue_detail::FullJitterBackoff;
using queue_detail::JobStore;

TEST(FullJitterBackoff, CeilingDoublesUpToTheCap) {
  FullJitterBackoff b(1000, 5000, 1);
  EXPECT_EQ(b.ceiling_ms(1), 1000);
  EXPECT_EQ(b.ceiling_ms(2), 2000);
  EXPECT_EQ(b.ceiling_ms(3), 4000);
  EXPECT_EQ(b.ceiling_ms(4), 5000);
  EXPECT_EQ(b.ceiling_ms(1'000'000), 5000);  // no overflow
  EXPECT_EQ(FullJitterBackoff(0, 5000, 1).ceiling_ms(1'000'000), 0);
  EXPECT_EQ(FullJitterBackoff(9000, 5000, 1).ceiling_ms(1), 5000);
}

TEST(FullJitterBackoff, DelaysSpreadWithinTheCeiling) {
  FullJitterBackoff b(1000, 300'000, 42);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto d = b.delay_ms(3);
    EXPECT_GE(d, 0);
    EXPECT_LE(d, 4000);
    seen.insert(d);
  }
  EXPECT_GT(seen.size(), 100u);
}

TEST(FullJitterBackoff, SameSeedSameDelays) {
  FullJitterBackoff a(1000, 300'000, 7);
  FullJitterBackoff b(1000, 300'000, 7);
  for (int i = 1; i < 20; ++i) EXPECT_EQ(a.delay_ms(i), b.delay_ms(i));
}

class Store : public ::testing::Test {
 protected:
  void SetUp() override {
    options.path = (dir.path() / "store.db").string();
    auto s = JobStore::open(options, clock, 1);
    ASSERT_TRUE(s) << s.error().message;
    store = std::move(*s);
  }

  TempDir dir;
  ManualClock clock;
  SqliteQueueOptions options;
  std::unique_ptr<JobStore> store;
};

TEST_F(Store, RolledBackOperationLeavesNoTraceAndKeepsTheDepth) {
  ASSERT_TRUE(store->begin_batch());
  ASSERT_TRUE(store->begin_operation());
  auto kept = store->enqueue(job_with_key("kept"));
  ASSERT_TRUE(kept);
  ASSERT_TRUE(store->end_operation(true));
  ASSERT_TRUE(store->begin_operation());
  auto undone = store->enqueue(job_with_key("undone"));
  ASSERT_TRUE(undone);
  ASSERT_TRUE(store->end_operation(false));
  ASSERT_TRUE(store->commit_batch());

  EXPECT_EQ(store->committed_depth(), 1);
  ASSERT_TRUE(store->begin_batch());
  ASSERT_TRUE(store->begin_operation());
  EXPECT_TRUE(store->get(kept->job_id).value().has_value());
  EXPECT_FALSE(store->get(undone->job_id).value().has_value());
  ASSERT_TRUE(store->end_operation(true));
  ASSERT_TRUE(store->commit_batch());
}

TEST_F(Store, AbortedBatchRestoresTheDepth) {
  ASSERT_TRUE(store->begin_batch());
  ASSERT_TRUE(store->begin_operation());
  ASSERT_TRUE(store->enqueue(job_with_key("a")));
  ASSERT_TRUE(store->end_operation(true));
  store->abort_batch();
  EXPECT_EQ(store->committed_depth(), 0);
  EXPECT_FALSE(store->in_transaction());
  ASSERT_TRUE(store->begin_batch());
  ASSERT_TRUE(store->begin_operation());
  EXPECT_EQ(store->stats()->ready, 0);
  ASSERT_TRUE(store->end_operation(true));
  ASSERT_TRUE(store->commit_batch());
}

TEST(JobStoreOpen, CreatesMissingDirectoriesAndRefusesANewerSchema) {
  TempDir dir;
  ManualClock clock;
  SqliteQueueOptions options;
  options.path = (dir.path() / "a" / "b" / "q.db").string();
  {
    auto s = JobStore::open(options, clock, 1);
    ASSERT_TRUE(s) << s.error().message;
  }
  {
    auto db = queue_detail::SqliteDb::open(options.path, "queue");
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("PRAGMA user_version = 99"));
  }
  auto s = JobStore::open(options, clock, 1);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("99"), std::string::npos);
}

TEST(JobStoreOpen, LeaseQueryNeedsNoSortAndNoTableRead) {
  TempDir dir;
  ManualClock clock;
  SqliteQueueOptions options;
  options.path = (dir.path() / "q.db").string();
  ASSERT_TRUE(JobStore::open(options, clock, 1));
  auto db = queue_detail::SqliteDb::open(options.path, "queue");
  ASSERT_TRUE(db);
  auto plan = (*db)->statement(
      "EXPLAIN QUERY PLAN SELECT id FROM jobs INDEXED BY jobs_live "
      "WHERE state IN ('queued', 'leased') AND visible_at <= 1 ORDER BY id LIMIT 5");
  ASSERT_TRUE(plan) << plan.error().message;
  queue_detail::StatementUse use(**plan);
  std::string details;
  while ((*plan)->step() == queue_detail::StepResult::row) details += (*plan)->column_text(3) + "\n";
  EXPECT_NE(details.find("COVERING INDEX jobs_live"), std::string::npos) << details;
  EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << details;
}

}  // namespace
}  // namespace triagent::queue_test
