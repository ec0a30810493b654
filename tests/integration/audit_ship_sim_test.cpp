// Audit shipping against the real simulator over HTTP: records written by AuditLog reach
// /api/addEvents through the curl client and the upstream policy; after a failed batch (fault
// injection) and a restart (new shipper objects on the same directory) the simulator holds seq
// 1..N exactly once each; a cursor rolled back (a crash between DataSet's ack and the cursor
// write) re-sends, and the duplicates are recognisable by seq and hash.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"
#include "triagent/audit/audit_log.hpp"
#include "triagent/audit/audit_reader.hpp"
#include "triagent/audit/audit_shipper.hpp"
#include "triagent/connectors/dataset_audit_sink.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/resilience/random_source.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::HttpTestClient;
using testing::kSimDatasetReadKey;
using testing::kSimDatasetWriteKey;
using testing::SimProcess;

constexpr const char* kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

class AuditShipSimTest : public ::testing::Test {
 protected:
  AuditShipSimTest() : control_("127.0.0.1", sim_.port()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "triagent-ship-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    dir_ = root_ + "/audit";
    http_ = make_curl_http_client(HttpClientConfig{});
    UpstreamPolicyConfig pc;
    pc.name = "dataset_ingest";
    pc.retry.max_attempts = 3;
    pc.retry.base_delay_ms = 1;
    pc.retry.max_delay_ms = 5;
    pc.retry_budget.enabled = false;
    policy_ = std::make_unique<UpstreamPolicy>(pc, SystemClock::instance(), rng_);
    dataset_.base_url = sim_.base_url();
    dataset_.read_key = Secret(kSimDatasetReadKey);
    dataset_.write_key = Secret(kSimDatasetWriteKey);
    dataset_.tenant = true;
    ship_.enabled = true;
    ship_.batch_size = 2;
    open_log();
  }
  ~AuditShipSimTest() override {
    log_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  void open_log() {
    log_.reset();
    auto r = audit::AuditLog::open({.dir = dir_}, SystemClock::instance());
    ASSERT_TRUE(r) << r.error().message;
    log_ = std::move(*r);
  }
  void append(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = log_->append("job-" + std::to_string(i % 2), kTrace, audit::kind::query, {{"i", i}});
      ASSERT_TRUE(r) << r.error().message;
    }
  }

  // A "process": a sink and a shipper on the audit directory, as the daemon builds them.
  struct Shipping {
    std::unique_ptr<DataSetAuditSink> sink;
    std::unique_ptr<audit::AuditShipper> shipper;
  };
  Shipping start_shipping() {
    Shipping s;
    s.sink = std::make_unique<DataSetAuditSink>(dataset_, Upstream{http_.get(), policy_.get(), sim_.base_url()}, ship_);
    audit::AuditShipper::Options o;
    o.dir = dir_;
    o.config = ship_;
    o.durable_seq = [log = log_.get()] { return log->durable_seq(); };
    s.shipper = std::make_unique<audit::AuditShipper>(o, *s.sink);
    return s;
  }

  template <class T>
  T run(boost::asio::awaitable<T> task) {
    std::optional<T> out;
    auto body = [&out, t = std::move(task)]() mutable -> boost::asio::awaitable<void> { out.emplace(co_await std::move(t)); };
    boost::asio::co_spawn(io_, body(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
    io_.restart();
    return std::move(*out);
  }
  void ship_all(audit::AuditShipper& s) {
    for (;;) {
      auto r = run(s.ship_once());
      ASSERT_TRUE(r) << r.error().message;
      if (*r == 0) return;
    }
  }

  json control(const std::string& method, const std::string& target, const json& body = nullptr) {
    auto r = control_.request(method, target, body.is_null() ? "" : body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << method << " " << target << ": " << r.body;
    return r.json();
  }

  // seq -> how many times the simulator stored it (audit sessions only), and the hashes seen.
  std::map<std::int64_t, int> stored_seqs(std::map<std::int64_t, std::set<std::string>>* hashes = nullptr) {
    std::map<std::int64_t, int> out;
    const json stored = control("GET", "/_sim/addEvents");
    for (const auto& [id, s] : stored["sessions"].items()) {
      EXPECT_EQ(s["sessionInfo"]["parser"], "triagentAudit") << id;
      EXPECT_EQ(s["sessionInfo"]["logfile"], "triagent/audit") << id;
      for (const json& e : s["events"]) {
        const std::int64_t seq = e["attrs"]["seq"].get<std::int64_t>();
        ++out[seq];
        if (hashes) (*hashes)[seq].insert(e["attrs"]["hash"].get<std::string>());
      }
    }
    return out;
  }
  static std::map<std::int64_t, int> once_each(std::int64_t n) {
    std::map<std::int64_t, int> m;
    for (std::int64_t s = 1; s <= n; ++s) m[s] = 1;
    return m;
  }

  SimProcess sim_;
  HttpTestClient control_;
  std::string root_;
  std::string dir_;
  std::unique_ptr<HttpClient> http_;
  SeededRandom rng_{7};
  std::unique_ptr<UpstreamPolicy> policy_;
  DataSetConfig dataset_;
  audit::AuditShippingConfig ship_;
  std::unique_ptr<audit::AuditLog> log_;
  boost::asio::io_context io_;
};

TEST_F(AuditShipSimTest, AFailedBatchAndARestartLeaveEachRecordExactlyOnce) {
  append(5);
  {
    Shipping first = start_shipping();
    ship_all(*first.shipper);
    EXPECT_EQ(stored_seqs(), once_each(5));

    append(4);
    // Every attempt of the policy fails for the next batch: nothing may advance.
    control("POST", "/_sim/faults", {{"faults", json::array({{{"route", "POST /api/addEvents"}, {"status", 500}, {"count", 3}}})}});
    auto failed = run(first.shipper->ship_once());
    ASSERT_FALSE(failed);
    EXPECT_EQ(first.shipper->stats().shipped_seq, 5);
    EXPECT_EQ(first.shipper->stats().lag_records, 4);
    EXPECT_EQ(control("GET", "/_sim/faults")["faults"][0]["applied"], 3);
  }
  // The restart: a new log object, sink and shipper on the same directory.
  open_log();
  append(2);
  Shipping second = start_shipping();
  ship_all(*second.shipper);
  EXPECT_EQ(stored_seqs(), once_each(11));
  EXPECT_EQ(second.shipper->stats().lag_records, 0);
}

TEST_F(AuditShipSimTest, TheDocumentedPowerQueryListsAJobsTrail) {
  append(4);
  Shipping s = start_shipping();
  ship_all(*s.shipper);
  DataSetClient client(dataset_, Upstream{http_.get(), policy_.get(), sim_.base_url()});
  DataSetPowerQuery q;
  q.query = "parser='triagentAudit' trace_id='" + std::string(kTrace) + "' | columns timestamp, seq, kind, job_id | sort seq";
  q.range.start = "2000-01-01T00:00:00Z";  // the audit records carry real time, not the scenario's
  q.range.end = "2100-01-01T00:00:00Z";
  auto table = run(client.power_query(q));
  ASSERT_TRUE(table) << table.error().message;
  ASSERT_EQ(table->rows.size(), 4u);
}

TEST_F(AuditShipSimTest, ACursorRolledBackByACrashResendsAndTheDuplicatesShowBySeqAndHash) {
  append(3);
  {
    Shipping first = start_shipping();
    ship_all(*first.shipper);
  }
  // Batches were [1, 2] and [3]. As if the process died after DataSet acknowledged [3] but before
  // its cursor reached disk: the cursor still says 2.
  auto rec = audit::read_records(dir_, 2, 1);
  ASSERT_TRUE(rec);
  std::ofstream(dir_ + "/ship-dataset.cursor", std::ios::trunc) << json{{"hash", rec->front().hash}, {"seq", 2}}.dump() << "\n";

  Shipping second = start_shipping();
  // The identical re-send (same session and ts) is refused by a DataSet that keeps ts strictly
  // increasing per session; the next try uses a fresh session.
  auto refused = run(second.shipper->ship_once());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  ship_all(*second.shipper);
  std::map<std::int64_t, std::set<std::string>> hashes;
  EXPECT_EQ(stored_seqs(&hashes), (std::map<std::int64_t, int>{{1, 1}, {2, 1}, {3, 2}}));
  for (const auto& [seq, h] : hashes) EXPECT_EQ(h.size(), 1u) << "seq " << seq;
}

}  // namespace
}  // namespace triagent
