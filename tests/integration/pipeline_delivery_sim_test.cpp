// The Deliver stage against the real simulator over loopback HTTP: the case note, the tags note and
// the ai_* events reach the simulated console and DataSet once, however often the job is delivered,
// including after the ledger lost the record of a post (the crash between post and ledger write).
#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"
#include "support/temp_files.hpp"
#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/pipeline/delivery_events.hpp"
#include "triagent/pipeline/delivery_ledger.hpp"
#include "triagent/pipeline/delivery_runner.hpp"
#include "triagent/pipeline/note_render.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::HttpTestClient;
using testing::kSimDatasetWriteKey;
using testing::kSimS1Token;
using testing::SimProcess;

constexpr const char* kThreatId = "2287651234567890101";

class PipelineDeliverySimTest : public ::testing::Test {
 protected:
  PipelineDeliverySimTest() : control_("127.0.0.1", sim_.port()) {
    HttpClientConfig http;
    http.max_connections_per_host = 8;
    http_ = make_curl_http_client(http);
    UpstreamPolicyConfig cfg;
    cfg.retry.max_attempts = 2;
    cfg.retry.base_delay_ms = 1;
    cfg.retry.max_delay_ms = 5;
    cfg.max_inline_wait_ms = 1'500;
    cfg.retry_budget.enabled = false;
    cfg.name = "singularity";
    s1_policy_ = std::make_unique<UpstreamPolicy>(cfg, clock_, rng_);
    cfg.name = "dataset";
    ds_policy_ = std::make_unique<UpstreamPolicy>(cfg, clock_, rng_);

    SingularityConfig s1;
    s1.base_url = sim_.base_url();
    s1.api_token = Secret(kSimS1Token);
    threats_ = std::make_unique<SingularityThreats>(s1, upstream(*s1_policy_));
    DataSetConfig ds;
    ds.base_url = sim_.base_url();
    ds.write_key = Secret(kSimDatasetWriteKey);
    writer_ = std::make_unique<DataSetEventWriter>(ds, upstream(*ds_policy_), clock_);
  }

  Upstream upstream(UpstreamPolicy& policy) {
    return Upstream{http_.get(), &policy, sim_.base_url(), std::chrono::seconds(10)};
  }

  // The file outlives the ledger: the test's ledgers go before the fixture's members.
  std::unique_ptr<DeliveryLedger> ledger(const std::string& name) {
    const auto& file = db_files_.emplace_back(std::make_unique<testing::TempDbFile>("pipeline_delivery_sim_" + name));
    auto opened = DeliveryLedger::open(file->path(), clock_);
    EXPECT_TRUE(opened) << opened.error().message;
    return std::move(*opened);
  }

  DeliveryReport deliver(DeliveryLedger& ledger, const DeliveryPlan& plan) {
    Deliverer deliverer(ledger);
    std::optional<DeliveryReport> out;
    auto body = [&]() -> boost::asio::awaitable<void> {
      out.emplace(co_await deliverer.deliver(plan, DeliveryConnectors{threats_.get(), nullptr, writer_.get()}));
    };
    boost::asio::co_spawn(io_, body(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
    io_.restart();
    return std::move(*out);
  }

  static DeliveryPlan plan(const std::string& job) {
    NoteInput in;
    in.job_id = job;
    in.heading = "[AI-Generated Draft]";
    in.incident.source = "singularity";
    in.incident.kind = "threat";
    in.incident.external_id = kThreatId;
    in.incident.entities.threat_ids = {kThreatId};
    in.output.summary = "invoice.docm ran an encoded PowerShell on WS-FIN-023.";
    in.output.severity = Severity::high;
    in.output.severity_score = 80;
    in.output.confidence = 0.9;
    in.output.verdict = analysis::Verdict::true_positive;
    in.output.techniques = {{"T1059.001", "PowerShell", {"ev-1"}}};
    analysis::EvidenceItem ev;
    ev.id = "ev-1";
    ev.host = "WS-FIN-023";
    ev.summary = "powershell.exe -enc ...";
    ev.raw = R"({"EventID":4688,"NewProcessName":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"})";
    in.pack.items = {ev};
    in.provider = "builtin";
    DeliveryPlan p;
    p.job_id = job;
    p.incident = in.incident;
    p.note_text = *render_case_note(in);
    p.tags = render_tags(in.output);
    p.events = build_ai_events(AiEventsInput{job, in.incident, in.output, in.pack, p.tags});
    p.note_threat_id = kThreatId;
    p.tags_threat_id = kThreatId;
    p.send_events = true;
    return p;
  }

  json control(const std::string& method, const std::string& target, const json& body = nullptr) {
    auto r = control_.request(method, target, body.is_null() ? "" : body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << method << " " << target << ": " << r.body;
    return r.json();
  }

  // Notes on the threat whose text holds `needle`.
  int notes_with(const std::string& needle) {
    int n = 0;
    const json notes = control("GET", "/_sim/notes");  // named: the loop must not outlive it
    for (const auto& note : notes["threat_notes"]) {
      if (note.value("threatId", "") == kThreatId && note.value("text", "").find(needle) != std::string::npos) ++n;
    }
    return n;
  }

  std::vector<json> events_of(const std::string& job) {
    std::vector<json> out;
    const json stored = control("GET", "/_sim/addEvents");
    for (const auto& [id, session] : stored["sessions"].items()) {
      for (const auto& e : session["events"]) {
        if (e.dump().find("\"triagent_job_id\":\"" + job + "\"") != std::string::npos) out.push_back(e);
      }
    }
    return out;
  }

  int note_posts() { return control("GET", "/_sim/requests")["routes"].value("POST /web/api/v2.1/threats/notes", 0); }

  SimProcess sim_;
  HttpTestClient control_;
  boost::asio::io_context io_;
  SystemClock clock_;
  SeededRandom rng_{5};
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<UpstreamPolicy> s1_policy_;
  std::unique_ptr<UpstreamPolicy> ds_policy_;
  std::unique_ptr<SingularityThreats> threats_;
  std::unique_ptr<DataSetEventWriter> writer_;
  std::vector<std::unique_ptr<testing::TempDbFile>> db_files_;
};

TEST_F(PipelineDeliverySimTest, DeliveringTwicePostsOneNoteOneTagsNoteAndTheEventsOnce) {
  auto l = ledger("twice");
  DeliveryPlan p = plan("sim-job-1");
  DeliveryReport first = deliver(*l, p);
  for (const auto& s : first.steps) {
    EXPECT_EQ(s.outcome, DeliveryOutcome::done) << to_string(s.step) << ": " << (s.error ? s.error->message : "");
  }
  DeliveryReport second = deliver(*l, p);
  for (const auto& s : second.steps) EXPECT_EQ(s.outcome, DeliveryOutcome::skipped) << to_string(s.step);

  EXPECT_EQ(notes_with("[triagent:sim-job-1]"), 1);
  EXPECT_EQ(notes_with("[triagent:tags: triagent, severity:high, verdict:true_positive, attack.t1059.001]"), 1);
  EXPECT_EQ(note_posts(), 2);
  auto events = events_of("sim-job-1");
  ASSERT_EQ(events.size(), p.events.size());
  EXPECT_NE(events[0].dump().find("\"ai_severity\":\"high\""), std::string::npos) << events[0].dump();
  EXPECT_NE(events[1].dump().find("\"ai_evidence_id\":\"ev-1\""), std::string::npos) << events[1].dump();
}

TEST_F(PipelineDeliverySimTest, APostWhoseLedgerRecordWasLostIsNotRepeated) {
  DeliveryPlan p = plan("sim-job-2");
  p.send_events = false;
  auto before_crash = ledger("crash-a");
  ASSERT_TRUE(deliver(*before_crash, p).all_delivered());
  const int posts = note_posts();

  // Worse than a kill -9 between the post and the ledger write: the ledger knows nothing at all.
  auto after_restart = ledger("crash-b");
  ASSERT_TRUE(after_restart->begin(p.job_id, DeliveryStep::note, std::string("threat:") + kThreatId));
  DeliveryReport r = deliver(*after_restart, p);
  ASSERT_TRUE(r.all_delivered());
  for (const auto& s : r.steps) EXPECT_FALSE(s.posted) << to_string(s.step);
  EXPECT_EQ(note_posts(), posts);
  EXPECT_EQ(notes_with("[triagent:sim-job-2]"), 1);
}

TEST_F(PipelineDeliverySimTest, AFailingDataSetLeavesTheNoteDoneAndOnlyTheEventsAreRetried) {
  control("POST", "/_sim/faults", {{"faults", json::array({{{"route", "POST /api/addEvents"}, {"status", 400}}})}});
  auto l = ledger("partial");
  DeliveryPlan p = plan("sim-job-3");
  DeliveryReport r = deliver(*l, p);
  EXPECT_EQ(r.find(DeliveryStep::note)->outcome, DeliveryOutcome::done);
  EXPECT_EQ(r.find(DeliveryStep::tags)->outcome, DeliveryOutcome::done);
  EXPECT_EQ(r.find(DeliveryStep::add_events)->outcome, DeliveryOutcome::failed);
  EXPECT_TRUE(events_of("sim-job-3").empty());

  control("DELETE", "/_sim/faults");
  DeliveryReport retry = deliver(*l, p);
  EXPECT_EQ(retry.find(DeliveryStep::note)->outcome, DeliveryOutcome::skipped);
  EXPECT_EQ(retry.find(DeliveryStep::add_events)->outcome, DeliveryOutcome::done);
  EXPECT_EQ(notes_with("[triagent:sim-job-3]"), 1);
  EXPECT_EQ(events_of("sim-job-3").size(), p.events.size());
}

}  // namespace
}  // namespace triagent
