// The audit chain shipped to DataSet: AuditShipper + DataSetAuditSink against a scripted addEvents
// endpoint. Event shape and session attributes, batching under the byte cap, an oversize record,
// the cursor after failures, identical re-sends, a fresh session after a client error, resuming
// after a restart with no gap and no duplicate, a torn last line.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "audit_test_support.hpp"
#include "connectors_dataset_test_support.hpp"
#include "triagent/audit/audit_shipper.hpp"
#include "triagent/connectors/dataset_audit_sink.hpp"

namespace triagent {
namespace {

using audit::AuditShipper;
using dataset_test::body_of;
using dataset_test::DataSetHarness;
using nlohmann::json;
using testing::json_response;

HttpResult accepted(const HttpRequest&) { return json_response(200, R"({"status":"success","bytesCharged":10})"); }

// Every event of every request that DataSet accepted (requests the handler answered 200 success).
class AddEventsRecorder {
 public:
  // Answers `status` (with body) to the next `n` requests, then accepts.
  void fail_next(int n, int status, std::string body) {
    std::lock_guard lock(mutex_);
    fail_left_ = n;
    fail_status_ = status;
    fail_body_ = std::move(body);
  }
  HttpResult operator()(const HttpRequest& r) {
    std::lock_guard lock(mutex_);
    if (fail_left_ > 0) {
      --fail_left_;
      return json_response(fail_status_, fail_body_);
    }
    const json body = body_of(r);
    for (const json& e : body["events"]) stored_.push_back(e);
    return accepted(r);
  }
  std::vector<std::int64_t> seqs() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out;
    for (const json& e : stored_) out.push_back(e["attrs"]["seq"].get<std::int64_t>());
    return out;
  }

 private:
  mutable std::mutex mutex_;
  int fail_left_ = 0;
  int fail_status_ = 0;
  std::string fail_body_;
  std::vector<json> stored_;
};

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out;
  for (std::int64_t s = from; s <= to; ++s) out.push_back(s);
  return out;
}

class DataSetAuditSinkTest : public audit_test::AuditFixture {
 protected:
  DataSetAuditSinkTest() : h([this](const HttpRequest& r) { return recorder(r); }) {
    open();
    ship.enabled = true;
  }

  AuditShipper::Options options() {
    AuditShipper::Options o;
    o.dir = dir_path();
    o.config = ship;
    return o;
  }
  std::unique_ptr<DataSetAuditSink> make_sink() { return std::make_unique<DataSetAuditSink>(h.config, h.upstream, ship); }

  Result<std::size_t> ship_once(AuditShipper& s) { return h.run(s.ship_once()); }
  std::size_t ship_ok(AuditShipper& s) {
    auto r = ship_once(s);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : 0;
  }

  AddEventsRecorder recorder;
  DataSetHarness h;
  audit::AuditShippingConfig ship;
};

TEST_F(DataSetAuditSinkTest, EachRecordIsOneEventWithTheAuditSessionAttributes) {
  clock.set_ms(1'700'000'000'123);
  append_ok("llm_call", {{"model", "gpt-4o"}, {"tokens", {{"in", 812}, {"out", 96}}}, {"ids", {1, 2}}}, "42",
            "4bf92f3577b34da6a3ce929d0e0e4736");
  append_ok("delivery", {{"sink", "s1_note"}}, "42", "4bf92f3577b34da6a3ce929d0e0e4736");
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  EXPECT_EQ(ship_ok(shipper), 2u);

  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, "https://sdl.test/api/addEvents");
  json body = body_of(requests[0]);
  EXPECT_EQ(body["sessionInfo"],
            (json{{"serverHost", "triagent"}, {"logfile", "triagent/audit"}, {"parser", "triagentAudit"}}));
  auto records = audit::read_records(dir_path(), 1, 10);
  ASSERT_TRUE(records);
  EXPECT_EQ(body["session"], sink->session_for(records->front(), 0));

  ASSERT_EQ(body["events"].size(), 2u);
  const json& e = body["events"][0];
  EXPECT_EQ(e["sev"], 3);
  EXPECT_EQ(e["ts"], "1700000000123000000");  // the record's time in ns
  const json& a = e["attrs"];
  EXPECT_EQ(a["seq"], 1);
  EXPECT_EQ(a["kind"], "llm_call");
  EXPECT_EQ(a["job_id"], "42");
  EXPECT_EQ(a["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(a["time"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(a["hash"], records->at(0).hash);
  EXPECT_EQ(a["prev"], std::string(audit::kGenesisPrev));
  EXPECT_EQ(a["message"], "audit llm_call seq 1 job 42");
  EXPECT_EQ(a["data.model"], "gpt-4o");
  EXPECT_EQ(a["data.tokens.in"], 812);
  EXPECT_EQ(a["data.tokens.out"], 96);
  EXPECT_EQ(a["data.ids"], "[1,2]");
  // Same millisecond: raised by 1 ns so ts stays strictly increasing.
  EXPECT_EQ(body["events"][1]["ts"], "1700000000123000001");
  EXPECT_EQ(body["events"][1]["attrs"]["prev"], audit::sha256_hex(audit::record_line(records->at(0))));
}

TEST_F(DataSetAuditSinkTest, BatchesStayUnderTheByteCapAndKeepSeqOrder) {
  h.config.add_events.max_batch_bytes = 4'000;
  for (int i = 0; i < 9; ++i) append_ok("query", {{"q", std::string(900, 'a' + static_cast<char>(i))}});
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  while (ship_ok(shipper) > 0) {
  }
  auto requests = h.http.requests();
  EXPECT_GT(requests.size(), 2u);
  for (const HttpRequest& r : requests) EXPECT_LE(r.body.size(), 4'000u);
  EXPECT_EQ(recorder.seqs(), range(1, 9));
  EXPECT_EQ(shipper.stats().shipped_seq, 9);
}

TEST_F(DataSetAuditSinkTest, ARecordTooLargeForARequestGoesWithoutItsData) {
  h.config.add_events.max_batch_bytes = 2'000;
  append_ok("llm_call", {{"prompt", std::string(5'000, 'p')}});
  append_ok("query", {{"q", "small"}});
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  while (ship_ok(shipper) > 0) {
  }
  EXPECT_EQ(recorder.seqs(), range(1, 2));
  json first = body_of(h.http.requests().at(0))["events"][0]["attrs"];
  EXPECT_EQ(first["data_omitted"], true);
  EXPECT_GT(first["data_bytes"].get<int>(), 5'000);
  EXPECT_FALSE(first.contains("data.prompt"));
}

TEST_F(DataSetAuditSinkTest, AFailedBatchLeavesTheCursorAndIsResentIdentically) {
  append_n(3);
  recorder.fail_next(3, 500, R"({"status":"error/server","message":"down"})");  // every retry of the policy
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  auto r = ship_once(shipper);
  ASSERT_FALSE(r);
  EXPECT_FALSE(std::filesystem::exists(shipper.cursor_path()));
  EXPECT_EQ(shipper.stats().failed_batches, 1);
  EXPECT_EQ(shipper.stats().lag_records, 3);

  EXPECT_EQ(ship_ok(shipper), 3u);
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests.back().body, requests.front().body);  // same session, ts and attrs
  EXPECT_EQ(recorder.seqs(), range(1, 3));
  EXPECT_NE(audit_test::read_file(shipper.cursor_path()).find("\"seq\":3"), std::string::npos);
}

TEST_F(DataSetAuditSinkTest, AClientErrorMakesTheNextTryUseAFreshSession) {
  append_n(2);
  recorder.fail_next(1, 200, R"({"status":"error/client/badParam","message":"ts not increasing"})");
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  auto r = ship_once(shipper);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(ship_ok(shipper), 2u);
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(body_of(requests[0])["session"], body_of(requests[1])["session"]);
  EXPECT_EQ(body_of(requests[0])["events"], body_of(requests[1])["events"]);
}

TEST_F(DataSetAuditSinkTest, ARestartResumesWithNoGapAndNoDuplicate) {
  ship.batch_size = 2;
  append_n(5);
  {
    auto sink = make_sink();
    AuditShipper shipper(options(), *sink);
    EXPECT_EQ(ship_ok(shipper), 2u);
    EXPECT_EQ(ship_ok(shipper), 2u);
  }
  append_n(3);
  reopen();
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  while (ship_ok(shipper) > 0) {
  }
  EXPECT_EQ(recorder.seqs(), range(1, 8));
}

TEST_F(DataSetAuditSinkTest, ATornLastLineIsNotShipped) {
  append_n(2);
  log.reset();
  std::ofstream(file_path(), std::ios::binary | std::ios::app) << R"({"data":{"half":)";
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  EXPECT_EQ(ship_ok(shipper), 2u);
  EXPECT_EQ(ship_ok(shipper), 0u);
  EXPECT_EQ(recorder.seqs(), range(1, 2));
}

TEST_F(DataSetAuditSinkTest, WithoutAWriteKeyNothingIsSent) {
  h.config.write_key = Secret("");
  append_n(1);
  auto sink = make_sink();
  AuditShipper shipper(options(), *sink);
  auto r = ship_once(shipper);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_TRUE(h.http.requests().empty());
}

}  // namespace
}  // namespace triagent
