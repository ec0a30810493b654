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
  // The undone job's key went with it; the kept one's is still taken.
  auto again = store->enqueue(job_with_key("undone"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->duplicate);
  EXPECT_TRUE(store->enqueue(job_with_key("kept"))->duplicate);
  ASSERT_TRUE(store->end_operation(true));
  ASSERT_TRUE(store->commit_batch());
}

// The dedupe keys live in memory (schema version 4): they follow the table through a batch that
// rolls back, a key repeated inside one batch, and a reopen of the file.
TEST_F(Store, DedupeKeysFollowTheTableThroughRollbackRepeatAndReopen) {
  ASSERT_TRUE(store->begin_batch());
  ASSERT_TRUE(store->enqueue(job_with_key("rolled-back")));
  store->abort_batch();
  ASSERT_TRUE(store->begin_batch());
  auto fresh = store->enqueue(job_with_key("rolled-back"));
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(fresh->duplicate);
  auto twice = store->enqueue(job_with_key("rolled-back"));  // the same key later in the same batch
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->duplicate);
  EXPECT_EQ(twice->job_id, fresh->job_id);
  ASSERT_TRUE(store->commit_batch());

  store.reset();
  auto reopened = JobStore::open(options, clock, 2);
  ASSERT_TRUE(reopened) << reopened.error().message;
  store = std::move(*reopened);
  ASSERT_TRUE(store->begin_batch());
  auto after = store->enqueue(job_with_key("rolled-back"));
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->duplicate);
  EXPECT_EQ(after->job_id, fresh->job_id);
  EXPECT_FALSE(store->enqueue(job_with_key("new"))->duplicate);
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

// The opcodes of a statement's program, one per line.
std::string program_of(queue_detail::SqliteDb& db, const std::string& sql) {
  auto st = db.statement("EXPLAIN " + sql);
  EXPECT_TRUE(st) << st.error().message;
  if (!st) return {};
  queue_detail::StatementUse use(**st);
  std::string opcodes;
  while ((*st)->step() == queue_detail::StepResult::row) opcodes += (*st)->column_text(1) + " " + (*st)->column_text(5) + "\n";
  return opcodes;
}

TEST(JobStoreOpen, InsertAndStateChangesBuildNoEphemeralTableAndTouchNoSequence) {
  TempDir dir;
  ManualClock clock;
  SqliteQueueOptions options;
  options.path = (dir.path() / "q.db").string();
  ASSERT_TRUE(JobStore::open(options, clock, 1));
  auto db = queue_detail::SqliteDb::open(options.path, "queue");
  ASSERT_TRUE(db);
  // What JobStore runs per job: the insert, and an update of state (lease, ack, fail).
  for (const std::string sql :
       {"INSERT INTO jobs (id, kind, dedupe_key, payload, state, visible_at, max_attempts, traceparent, created_at, "
        "updated_at) VALUES (?7, ?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?4, ?4)",
        "UPDATE jobs SET state = 'done', updated_at = ?2 WHERE id = ?1"}) {
    std::string program = program_of(**db, sql);
    EXPECT_EQ(program.find("OpenEphemeral"), std::string::npos) << sql << "\n" << program;
    EXPECT_EQ(program.find("sqlite_sequence"), std::string::npos) << sql << "\n" << program;
  }
  // The CHECK on state still holds.
  EXPECT_FALSE((*db)->exec(
      "INSERT INTO jobs (id, kind, dedupe_key, payload, state, visible_at, max_attempts, created_at, updated_at) "
      "VALUES (1, 'k', 'd', '{}', 'lost', 0, 1, 0, 0)"));
}

// A database written by the first release (schema version 1, AUTOINCREMENT ids).
void write_version_1_database(const std::string& path) {
  auto db = queue_detail::SqliteDb::open(path, "queue");
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->exec(R"sql(
BEGIN;
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT    NOT NULL,
  dedupe_key   TEXT    NOT NULL UNIQUE,
  payload      TEXT    NOT NULL,
  result       TEXT    NOT NULL DEFAULT '',
  state        TEXT    NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
  visible_at   INTEGER NOT NULL,
  lease_owner  TEXT    NOT NULL DEFAULT '',
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
  last_error   TEXT    NOT NULL DEFAULT '',
  traceparent  TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_live ON jobs (id, visible_at, state) WHERE state IN ('queued', 'leased');
CREATE INDEX jobs_state_updated ON jobs (state, updated_at);
INSERT INTO jobs (id, kind, dedupe_key, payload, state, visible_at, max_attempts, created_at, updated_at, last_error)
  VALUES (3, 'enrich', 'a', '{"n":3}', 'queued', 0, 5, 10, 10, ''),
         (5, 'enrich', 'b', '{"n":5}', 'dead', 0, 5, 10, 20, 'boom');
-- Jobs 6 and 7 were given, finished and purged: the sequence is above every row.
UPDATE sqlite_sequence SET seq = 7 WHERE name = 'jobs';
PRAGMA user_version = 1;
COMMIT;
)sql"));
}

TEST(JobStoreOpen, UpgradesAVersion1DatabaseKeepingItsJobsAndNeverReusingAPurgedId) {
  TempDir dir;
  ManualClock clock;
  SqliteQueueOptions options;
  options.path = (dir.path() / "q.db").string();
  write_version_1_database(options.path);
  {
    auto s = JobStore::open(options, clock, 1);
    ASSERT_TRUE(s) << s.error().message;
    auto& store = **s;
    auto a = store.get(3);
    ASSERT_TRUE(a && *a);
    EXPECT_EQ((*a)->state, JobState::queued);
    EXPECT_EQ((*a)->payload, R"({"n":3})");
    auto b = store.get(5);
    ASSERT_TRUE(b && *b);
    EXPECT_EQ((*b)->state, JobState::dead);
    EXPECT_EQ((*b)->last_error, "boom");
    ASSERT_TRUE(store.begin_batch());
    auto again = store.enqueue(job_with_key("a"));
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->duplicate);
    EXPECT_EQ(again->job_id, 3);
    auto fresh = store.enqueue(job_with_key("c"));
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->job_id, 8);  // above the purged 6 and 7
    ASSERT_TRUE(store.commit_batch());
    // Version 3's queries: queued jobs through jobs_live, the others through jobs_state_updated.
    auto stats = store.stats();
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->ready, 2);
    EXPECT_EQ(stats->dead, 1);
    EXPECT_EQ(stats->oldest_ready_created_ms, 10);
    auto queued = store.list(JobState::queued, 10);
    ASSERT_TRUE(queued) << queued.error().message;
    ASSERT_EQ(queued->size(), 2u);
    EXPECT_EQ((*queued)[0].id, 8);  // the newest first
    EXPECT_EQ((*queued)[1].id, 3);
    auto dead = store.list(JobState::dead, 10);
    ASSERT_TRUE(dead) << dead.error().message;
    ASSERT_EQ(dead->size(), 1u);
    EXPECT_EQ((*dead)[0].id, 5);
  }
  auto db = queue_detail::SqliteDb::open(options.path, "queue");
  ASSERT_TRUE(db);
  EXPECT_EQ(*(*db)->query_text("PRAGMA user_version"), "4");
  // A new job no longer enters jobs_state_updated (one index page less per commit).
  EXPECT_EQ(*(*db)->query_text("SELECT partial FROM pragma_index_list('jobs') WHERE name = 'jobs_state_updated'"), "1");
  // Version 4: no unique index on dedupe_key (the keys are kept in memory).
  EXPECT_EQ(*(*db)->query_text("SELECT count(*) FROM pragma_index_list('jobs') WHERE \"unique\" = 1"), "0");
}

}  // namespace
}  // namespace triagent::queue_test
