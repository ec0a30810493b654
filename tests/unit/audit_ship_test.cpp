// AuditShipper against an in-memory sink: batches by count and bytes, the durable cursor, resuming
// after a restart with no gap and no duplicate, failures that advance nothing, a torn last line,
// the durable_seq bound, a replaced chain, and the run() loop's stop.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <filesystem>
#include <optional>

#include "audit_test_support.hpp"
#include "triagent/audit/audit_shipper.hpp"
#include "triagent/audit/audit_shipping_config.hpp"

namespace triagent {
namespace {

namespace asio = boost::asio;
using audit::AuditRecord;
using audit::AuditShipper;
using audit_test::AuditFixture;

// Takes what it is offered, or what the script says: an error, or only the first `accept` records.
class MemorySink final : public audit::AuditSink {
 public:
  struct Step {
    std::optional<Error> error;
    std::size_t accept = 0;  // 0: all
  };
  std::deque<Step> script;
  std::vector<AuditRecord> received;
  std::vector<std::size_t> offered;  // batch sizes offered
  std::function<void()> on_send;

  asio::awaitable<Result<std::size_t>> send(const std::vector<AuditRecord>& batch) override {
    offered.push_back(batch.size());
    if (on_send) on_send();
    Step step;
    if (!script.empty()) {
      step = script.front();
      script.pop_front();
    }
    if (step.error) co_return *step.error;
    std::size_t n = step.accept == 0 ? batch.size() : std::min(step.accept, batch.size());
    received.insert(received.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
    co_return n;
  }

  std::vector<std::int64_t> seqs() const {
    std::vector<std::int64_t> out;
    for (const auto& r : received) out.push_back(r.seq);
    return out;
  }
};

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out;
  for (std::int64_t s = from; s <= to; ++s) out.push_back(s);
  return out;
}

class AuditShipTest : public AuditFixture {
 protected:
  AuditShipTest() { open(); }

  AuditShipper::Options ship_options(std::int64_t batch_size = 500) {
    AuditShipper::Options o;
    o.dir = dir_path();
    o.config.enabled = true;
    o.config.batch_size = batch_size;
    o.config.interval_ms = 1;
    return o;
  }

  template <class T>
  T run(asio::awaitable<T> work) {
    std::optional<T> out;
    auto body = [&out, w = std::move(work)]() mutable -> asio::awaitable<void> { out.emplace(co_await std::move(w)); };
    asio::co_spawn(io, body(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    io.restart();
    return std::move(*out);
  }

  void run_loop(AuditShipper& s) {
    asio::co_spawn(io, s.run(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    io.restart();
  }

  std::size_t ship_ok(AuditShipper& s) {
    auto r = run(s.ship_once());
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : 0;
  }

  std::string cursor_text(const AuditShipper& s) const { return audit_test::read_file(s.cursor_path()); }

  asio::io_context io;
  MemorySink sink;
};

TEST_F(AuditShipTest, ShipsInBatchesOfBatchSizeAndWritesTheCursor) {
  append_n(7);
  AuditShipper shipper(ship_options(3), sink);
  EXPECT_EQ(ship_ok(shipper), 3u);
  EXPECT_EQ(ship_ok(shipper), 3u);
  EXPECT_EQ(ship_ok(shipper), 1u);
  EXPECT_EQ(ship_ok(shipper), 0u);
  EXPECT_EQ(sink.seqs(), range(1, 7));
  EXPECT_EQ(sink.offered, (std::vector<std::size_t>{3, 3, 1}));

  auto last = audit::read_records(dir_path(), 7, 1);
  ASSERT_TRUE(last);
  EXPECT_EQ(cursor_text(shipper), "{\"hash\":\"" + last->front().hash + "\",\"seq\":7}\n");
  auto st = shipper.stats();
  EXPECT_EQ(st.shipped_records, 7);
  EXPECT_EQ(st.shipped_batches, 3);
  EXPECT_EQ(st.shipped_seq, 7);
  EXPECT_EQ(st.lag_records, 0);
  EXPECT_EQ(st.failed_batches, 0);
}

TEST_F(AuditShipTest, ByteCapSplitsBatchesOnRecordLines) {
  for (int i = 0; i < 6; ++i) append_ok("llm_call", {{"blob", std::string(1000, 'x')}});
  auto opts = ship_options(500);
  opts.config.max_batch_bytes = 3000;  // two ~1.3 kB lines fit, three do not
  AuditShipper shipper(opts, sink);
  while (ship_ok(shipper) > 0) {
  }
  EXPECT_EQ(sink.offered, (std::vector<std::size_t>{2, 2, 2}));
  EXPECT_EQ(sink.seqs(), range(1, 6));
}

TEST_F(AuditShipTest, OneRecordOverTheByteCapIsStillOffered) {
  append_ok("llm_call", {{"blob", std::string(4000, 'x')}});
  auto opts = ship_options();
  opts.config.max_batch_bytes = 1000;
  AuditShipper shipper(opts, sink);
  EXPECT_EQ(ship_ok(shipper), 1u);
}

TEST_F(AuditShipTest, RestartResumesAfterTheCursorWithNoGapAndNoDuplicate) {
  append_n(5);
  {
    AuditShipper first(ship_options(2), sink);
    EXPECT_EQ(ship_ok(first), 2u);
    EXPECT_EQ(ship_ok(first), 2u);
  }
  append_n(3);
  reopen();  // the daemon restarts: a new log object and a new shipper on the same directory
  AuditShipper second(ship_options(500), sink);
  EXPECT_EQ(ship_ok(second), 4u);
  EXPECT_EQ(sink.seqs(), range(1, 8));
  EXPECT_EQ(second.stats().shipped_seq, 8);
}

TEST_F(AuditShipTest, FailedSendAdvancesNothingAndTheSameRecordsGoAgain) {
  append_n(4);
  sink.script.push_back({Error{ErrorCode::unavailable, "dataset down"}, 0});
  AuditShipper shipper(ship_options(), sink);
  auto r = run(shipper.ship_once());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "dataset down");
  EXPECT_FALSE(std::filesystem::exists(shipper.cursor_path()));
  auto st = shipper.stats();
  EXPECT_EQ(st.failed_batches, 1);
  EXPECT_EQ(st.last_error, "dataset down");
  EXPECT_EQ(st.lag_records, 4);

  EXPECT_EQ(ship_ok(shipper), 4u);
  EXPECT_EQ(sink.seqs(), range(1, 4));
  EXPECT_EQ(shipper.stats().last_error, "");
}

TEST_F(AuditShipTest, FailureAfterAShippedBatchKeepsTheOldCursor) {
  append_n(3);
  AuditShipper shipper(ship_options(2), sink);
  EXPECT_EQ(ship_ok(shipper), 2u);
  const std::string before = cursor_text(shipper);
  sink.script.push_back({Error{ErrorCode::timeout, "timed out"}, 0});
  EXPECT_FALSE(run(shipper.ship_once()));
  EXPECT_EQ(cursor_text(shipper), before);
  AuditShipper restarted(ship_options(2), sink);
  EXPECT_EQ(ship_ok(restarted), 1u);
  EXPECT_EQ(sink.seqs(), range(1, 3));
}

TEST_F(AuditShipTest, PartialAcceptanceMovesTheCursorToTheLastAcceptedRecord) {
  append_n(5);
  sink.script.push_back({std::nullopt, 2});
  AuditShipper shipper(ship_options(), sink);
  EXPECT_EQ(ship_ok(shipper), 2u);
  EXPECT_EQ(shipper.stats().shipped_seq, 2);
  EXPECT_EQ(shipper.stats().lag_records, 3);
  EXPECT_EQ(ship_ok(shipper), 3u);
  EXPECT_EQ(sink.seqs(), range(1, 5));
}

TEST_F(AuditShipTest, TornLastLineIsNotShipped) {
  append_n(3);
  log.reset();  // a crash in the middle of a write leaves an unterminated line
  std::ofstream(file_path(), std::ios::binary | std::ios::app) << R"({"data":{},"hash":"ab)";
  AuditShipper shipper(ship_options(), sink);
  EXPECT_EQ(ship_ok(shipper), 3u);
  EXPECT_EQ(ship_ok(shipper), 0u);
  EXPECT_EQ(sink.seqs(), range(1, 3));
}

TEST_F(AuditShipTest, NeverShipsPastTheDurableSeq) {
  append_n(5);
  std::int64_t durable = 3;
  auto opts = ship_options();
  opts.durable_seq = [&durable] { return durable; };
  AuditShipper shipper(opts, sink);
  EXPECT_EQ(ship_ok(shipper), 3u);
  EXPECT_EQ(ship_ok(shipper), 0u);
  durable = 5;
  EXPECT_EQ(ship_ok(shipper), 2u);
  EXPECT_EQ(sink.seqs(), range(1, 5));
}

TEST_F(AuditShipTest, NoAuditFileYetIsNothingToShip) {
  log.reset();
  std::filesystem::remove(file_path());
  AuditShipper shipper(ship_options(), sink);
  EXPECT_EQ(ship_ok(shipper), 0u);
  EXPECT_TRUE(sink.offered.empty());
}

TEST_F(AuditShipTest, ACursorFromAReplacedChainStopsShipping) {
  append_n(3);
  {
    AuditShipper shipper(ship_options(), sink);
    EXPECT_EQ(ship_ok(shipper), 3u);
  }
  log.reset();
  std::filesystem::remove(file_path());
  open();
  for (int i = 0; i < 4; ++i) append_ok("config", {{"new_chain", i}});  // seq 3 again, another hash
  AuditShipper shipper(ship_options(), sink);
  auto r = run(shipper.ship_once());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_NE(r.error().message.find("move the cursor aside"), std::string::npos) << r.error().message;
  EXPECT_EQ(sink.received.size(), 3u);

  std::filesystem::remove(shipper.cursor_path());
  AuditShipper fresh(ship_options(), sink);
  EXPECT_EQ(ship_ok(fresh), 4u);
}

TEST_F(AuditShipTest, RunShipsABacklogBackToBackAndRetriesAFailure) {
  append_n(7);
  sink.script.push_back({Error{ErrorCode::unavailable, "blip"}, 0});
  AuditShipper shipper(ship_options(3), sink);
  sink.on_send = [&] {
    if (sink.offered.size() == 4) shipper.stop();  // failed, 3, 3, then the last one
  };
  run_loop(shipper);
  EXPECT_EQ(sink.seqs(), range(1, 7));
  EXPECT_EQ(shipper.stats().failed_batches, 1);
}

TEST_F(AuditShipTest, StopEndsARunThatIsWaiting) {
  auto opts = ship_options();
  opts.config.interval_ms = 3'600'000;
  AuditShipper shipper(opts, sink);
  bool done = false;
  auto body = [&]() -> asio::awaitable<void> {
    co_await shipper.run();
    done = true;
  };
  asio::co_spawn(io, body(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.poll();  // runs until the loop waits on its timer
  EXPECT_FALSE(done);
  shipper.stop();
  io.run();
  EXPECT_TRUE(done);
}

TEST(AuditShippingConfigTest, ValidateNamesTheKey) {
  audit::AuditShippingConfig c;
  EXPECT_TRUE(validate(c));
  c.batch_size = 0;
  auto r = validate(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "audit.ship.batch_size: must be within [1, 10000], not 0");
  c = {};
  c.max_batch_bytes = 6'000'000;
  EXPECT_NE(validate(c).error().message.find("audit.ship.max_batch_bytes"), std::string::npos);
  c = {};
  c.parser = "has space";
  EXPECT_NE(validate(c).error().message.find("audit.ship.parser"), std::string::npos);
  c = {};
  c.interval_ms = 10;
  EXPECT_NE(validate(c).error().message.find("audit.ship.interval_ms"), std::string::npos);
}

}  // namespace
}  // namespace triagent
