// AuditLog: appending, durability bookkeeping, recovery on open, group commit under concurrency.
#include <sys/stat.h>

#include <atomic>
#include <future>
#include <latch>
#include <set>
#include <thread>

#include "audit_test_support.hpp"

namespace triagent::audit_test {
namespace {

using audit::AuditRecordRef;
using nlohmann::json;

class AuditLogTest : public AuditFixture {
 protected:
  void SetUp() override { open(); }
};

TEST_F(AuditLogTest, AppendWritesOneChainedLinePerRecord) {
  auto first = append_ok("webhook", {{"source", "dataset"}}, "", "trace-a");
  clock.advance(std::chrono::milliseconds(1500));
  auto second = append_ok("llm_call", {{"model", "gpt-4o"}, {"tokens_in", 10}}, "job-9", "trace-b");
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(log->durable_seq(), 2);

  auto lines = read_lines();
  ASSERT_EQ(lines.size(), 2u);
  const json a = json::parse(lines[0]);
  const json b = json::parse(lines[1]);
  EXPECT_EQ(a["seq"], 1);
  EXPECT_EQ(a["time"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(a["job_id"], "");
  EXPECT_EQ(a["trace_id"], "trace-a");
  EXPECT_EQ(a["kind"], "webhook");
  EXPECT_EQ(a["data"], json({{"source", "dataset"}}));
  EXPECT_EQ(a["prev"], std::string(audit::kGenesisPrev));
  EXPECT_EQ(a["hash"], first.hash);
  EXPECT_EQ(b["time"], "2023-11-14T22:13:21.623Z");
  EXPECT_EQ(b["prev"], audit::sha256_hex(lines[0]));
  EXPECT_EQ(b["hash"], second.hash);
  EXPECT_EQ(read_file(file_path()).back(), '\n');
}

TEST_F(AuditLogTest, AChainOfManyRecordsVerifies) {
  append_n(200);
  auto report = verify_ok();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, 200);
  EXPECT_EQ(report.line, 0);
  EXPECT_FALSE(report.torn_tail);
  EXPECT_GE(log->stats().fsyncs, 1);
  EXPECT_EQ(log->stats().records, 200);
}

TEST_F(AuditLogTest, AnEmptyLogVerifiesWithNoRecords) {
  auto report = verify_ok();
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.records, 0);
}

TEST_F(AuditLogTest, CreatesAPrivateDirectoryAndFile) {
  struct stat st {};
  ASSERT_EQ(::stat(dir_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(file_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AuditLogTest, ReopenContinuesSeqAndPrev) {
  append_n(3);
  reopen();
  EXPECT_EQ(log->open_warning(), "");
  EXPECT_EQ(log->durable_seq(), 3);
  EXPECT_EQ(append_ok("config").seq, 4);
  auto lines = read_lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(json::parse(lines[3])["prev"], audit::sha256_hex(lines[2]));
  EXPECT_TRUE(verify_ok().intact());
}

TEST_F(AuditLogTest, ASecondOpenOfTheSameLogIsRefused) {
  auto second = audit::AuditLog::open(options, clock);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::unavailable);
  EXPECT_NE(second.error().message.find("already open"), std::string::npos);
  append_ok("query");
}

TEST_F(AuditLogTest, ATornLastLineIsCutAwayOnOpen) {
  append_n(3);
  log.reset();
  const std::string intact = read_file(file_path());
  const std::string torn = R"({"data":{"i":3},"hash":"12)";  // a crash in the middle of a write
  write_file(file_path(), intact + torn);
  open();
  EXPECT_NE(log->open_warning().find("removed a torn last line of " + std::to_string(torn.size()) + " bytes"),
            std::string::npos) << log->open_warning();
  EXPECT_EQ(read_file(file_path()), intact);
  EXPECT_EQ(append_ok("query").seq, 4);
  EXPECT_TRUE(verify_ok().intact());
}

TEST_F(AuditLogTest, ATerminatedLastLineThatIsNotJsonIsCutAwayOnOpen) {
  append_n(2);
  log.reset();
  const std::string intact = read_file(file_path());
  write_file(file_path(), intact + std::string(10, '\0') + "\n");
  open();
  EXPECT_NE(log->open_warning().find("that was not JSON"), std::string::npos) << log->open_warning();
  EXPECT_EQ(read_file(file_path()), intact);
  EXPECT_EQ(append_ok("query").seq, 3);
  EXPECT_TRUE(verify_ok().intact());
}

TEST_F(AuditLogTest, AnOnlyLineThatIsTornLeavesAnEmptyChain) {
  log.reset();
  write_file(file_path(), R"({"data":)");
  open();
  EXPECT_FALSE(log->open_warning().empty());
  EXPECT_EQ(append_ok("query").seq, 1);
  EXPECT_TRUE(verify_ok().intact());
}

TEST_F(AuditLogTest, ADamagedLastRecordRefusesToOpen) {
  append_n(2);
  log.reset();
  auto lines = read_lines();
  json last = json::parse(lines[1]);
  last["data"]["i"] = 99;  // valid JSON, wrong hash: an edit, not a crash
  lines[1] = audit::canonical_json(last);
  write_lines(lines);
  auto r = audit::AuditLog::open(options, clock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_NE(r.error().message.find("the last record is damaged (its hash does not match its content)"),
            std::string::npos) << r.error().message;
}

TEST_F(AuditLogTest, AnInvalidKindFailsThroughTheCallbackOnTheWriterThread) {
  std::promise<std::pair<Result<AuditRecordRef>, std::thread::id>> done;
  log->append("j", "t", "Bad Kind", json::object(), [&](Result<AuditRecordRef> r) {
    done.set_value({std::move(r), std::this_thread::get_id()});
  });
  auto [result, thread] = done.get_future().get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(thread, std::this_thread::get_id());
  EXPECT_EQ(log->stats().failed_records, 1);
  // Nothing was written, and the next record still gets seq 1.
  EXPECT_EQ(append_ok("query").seq, 1);
}

TEST_F(AuditLogTest, NonObjectDataIsRejected) {
  auto r = log->append("j", "t", "query", json::array({1, 2}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST_F(AuditLogTest, OversizeDataIsWrittenTruncatedWithAMarker) {
  options.max_data_bytes = 4096;
  reopen();
  append_ok("llm_call", {{"model", "m"}, {"prompt", std::string(100'000, 'x')}});
  auto lines = read_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), 4096u + 512);
  const json data = json::parse(lines[0])["data"];
  EXPECT_EQ(data["model"], "m");
  EXPECT_EQ(data["_truncated"]["removed"], json::array({"prompt"}));
  EXPECT_EQ(log->stats().truncated_data, 1);
  EXPECT_TRUE(verify_ok().intact());
}

TEST_F(AuditLogTest, AfterCloseAppendsAreRefused) {
  append_ok("query");
  log->close();
  auto r = log->append("j", "t", "query", json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(read_lines().size(), 1u);
}

TEST_F(AuditLogTest, ABlockingAppendFromACallbackIsRefusedNotDeadlocked) {
  std::promise<Result<AuditRecordRef>> inner;
  log->append("j", "t", "query", json::object(), [&](Result<AuditRecordRef>) {
    inner.set_value(log->append("j", "t", "query", json::object()));
  });
  auto r = inner.get_future().get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::internal);
}

TEST_F(AuditLogTest, AThrowingCallbackDoesNotStopTheWriter) {
  std::promise<void> thrown;
  log->append("j", "t", "query", json::object(), [&](Result<AuditRecordRef>) {
    thrown.set_value();
    throw std::runtime_error("caller bug");
  });
  thrown.get_future().wait();
  EXPECT_EQ(append_ok("query").seq, 2);
  EXPECT_EQ(log->stats().callback_exceptions, 1);
}

TEST_F(AuditLogTest, ConcurrentAppendersAreGroupCommittedIntoAGapFreeChain) {
  constexpr int kThreads = 64;
  // Hold the writer inside the first record's callback until every appender has submitted, so
  // they all wait in the queue together: the number of syncs then depends on the batch size only.
  std::promise<void> open_gate;
  auto gate = open_gate.get_future().share();
  std::promise<void> gate_reached;
  log->append("", "", "config", json::object(), [&, gate](Result<AuditRecordRef>) {
    gate_reached.set_value();
    gate.wait();
  });
  gate_reached.get_future().wait();
  const auto before = log->stats();

  std::latch all_done(kThreads);
  std::vector<std::optional<Result<AuditRecordRef>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      log->append("job-" + std::to_string(t), "trace", "query", {{"thread", t}}, [&, t](Result<AuditRecordRef> r) {
        results[static_cast<std::size_t>(t)].emplace(std::move(r));
        all_done.count_down();
      });
    });
  }
  for (auto& th : threads) th.join();
  open_gate.set_value();
  all_done.wait();

  std::set<std::int64_t> seqs;
  for (const auto& r : results) {
    ASSERT_TRUE(r && *r) << (*r).error().message;
    seqs.insert((**r).seq);
  }
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(*seqs.begin(), 2);
  EXPECT_EQ(*seqs.rbegin(), kThreads + 1);
  const auto after = log->stats();
  EXPECT_EQ(after.records - before.records, kThreads);
  EXPECT_EQ(after.fsyncs - before.fsyncs, 1);
  EXPECT_EQ(after.largest_batch, kThreads);
  auto report = verify_ok();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, kThreads + 1);
}

TEST_F(AuditLogTest, ConcurrentBlockingAppendersNeverSyncMoreThanOncePerRecord) {
  constexpr int kThreads = 64;
  constexpr int kPerThread = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (log->append("job-" + std::to_string(t), "", "query", {{"i", i}})) ok.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  const auto stats = log->stats();
  EXPECT_EQ(stats.records, kThreads * kPerThread);
  EXPECT_EQ(stats.fsyncs, stats.batches);
  EXPECT_LE(stats.fsyncs, stats.records);
  RecordProperty("records", static_cast<int>(stats.records));
  RecordProperty("fsyncs", static_cast<int>(stats.fsyncs));
  std::cout << "[ figures  ] " << kThreads << " blocking appenders, " << stats.records << " records, " << stats.fsyncs
            << " fsyncs, largest batch " << stats.largest_batch << "\n";
  auto report = verify_ok();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, kThreads * kPerThread);
}

TEST_F(AuditLogTest, BatchesRespectTheRecordLimit) {
  options.max_batch_records = 10;
  reopen();
  std::promise<void> open_gate;
  auto gate = open_gate.get_future().share();
  std::promise<void> gate_reached;
  log->append("", "", "config", json::object(), [&, gate](Result<AuditRecordRef>) {
    gate_reached.set_value();
    gate.wait();
  });
  gate_reached.get_future().wait();
  std::latch all_done(35);
  for (int i = 0; i < 35; ++i) log->append("", "", "query", json::object(), [&](Result<AuditRecordRef>) { all_done.count_down(); });
  open_gate.set_value();
  all_done.wait();
  EXPECT_EQ(log->stats().largest_batch, 10);
  EXPECT_EQ(log->stats().fsyncs, 1 + 4);
}

TEST(AuditLogOpen, AnEmptyDirectoryIsInvalid) {
  ManualClock clock;
  auto r = audit::AuditLog::open(audit::AuditLogOptions{}, clock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace triagent::audit_test
