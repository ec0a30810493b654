// The Deliver stage (delivery_ledger.hpp, delivery_runner.hpp, delivery_events.hpp): the ledger's
// states and durability, and the Deliverer against a scripted console and DataSet that keep the
// notes and events they were sent, so idempotency is checked on what the server holds.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/scripted_http_client.hpp"
#include "support/temp_files.hpp"
#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/singularity_config.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/pipeline/delivery_events.hpp"
#include "triagent/pipeline/delivery_ledger.hpp"
#include "triagent/pipeline/delivery_runner.hpp"
#include "triagent/pipeline/note_render.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using testing::json_response;
using testing::ScriptedHttpClient;

constexpr const char* kThreat = "2287651234567890101";
constexpr const char* kAlert = "019a8f3c-5b2d-7e41-9c6a-3f2b1d0e4a57";
constexpr const char* kNotesPath = "/web/api/v2.1/threats/notes";

std::string path_of(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = url.find('?');
  return slash == std::string::npos ? "/" : url.substr(slash, query == std::string::npos ? std::string::npos : query - slash);
}

// A console and a DataSet that remember what they were sent. Answers run on the scripted client's
// thread, so the state is locked.
class FakeSinks {
 public:
  HttpResult handle(const HttpRequest& r) {
    std::lock_guard lock(mutex_);
    const std::string path = path_of(r.url);
    if (r.method == "GET" && path.starts_with("/web/api/v2.1/threats/") && path.ends_with("/notes")) {
      std::string id = path.substr(22, path.size() - 22 - 6);
      json data = json::array();
      int n = 0;
      for (const auto& text : notes_[id]) data.push_back({{"id", std::to_string(++n)}, {"text", text}});
      return json_response(200, json{{"data", data}, {"pagination", {{"nextCursor", nullptr}, {"totalItems", n}}}}.dump());
    }
    if (r.method == "POST" && path == kNotesPath) {
      ++note_posts_;
      json body = json::parse(r.body);
      int affected = 0;
      for (const auto& id : body["filter"]["ids"]) {
        if (unknown_threat_) continue;
        notes_[id.get<std::string>()].push_back(body["data"]["text"].get<std::string>());
        ++affected;
      }
      return json_response(200, json{{"data", {{"affected", affected}}}}.dump());
    }
    if (r.method == "POST" && path == "/api/addEvents") {
      ++event_posts_;
      if (events_fail_) return json_response(400, R"({"status":"error/client/badParam","message":"bad write key"})");
      json body = json::parse(r.body);
      for (const auto& e : body["events"]) events_.push_back(e);
      return json_response(200, R"({"status":"success","bytesCharged":100})");
    }
    if (r.method == "POST" && path == "/web/api/v2.1/unifiedalerts/graphql") {
      json body = json::parse(r.body);
      if (body["query"].get<std::string>().find("alertNotes") != std::string::npos) {
        json data = json::array();
        for (const auto& text : alert_notes_) data.push_back({{"id", "n"}, {"alertId", kAlert}, {"text", text}});
        return json_response(200, json{{"data", {{"alertNotes", {{"data", data}}}}}}.dump());
      }
      ++alert_posts_;
      alert_notes_.push_back(body["variables"]["note"].get<std::string>());
      json action = {{"actionId", "S1/alert/addNote"},
                     {"success", json::array({{{"id", kAlert}}})},
                     {"failure", json::array()},
                     {"skip", json::array()}};
      return json_response(
          200, json{{"data", {{"alertTriggerActions", {{"__typename", "ActionsTriggered"}, {"actions", {action}}}}}}}
                   .dump());
    }
    return json_response(404, R"({"errors":[{"code":4040000,"title":"Not found"}]})");
  }

  void add_note(const std::string& threat, const std::string& text) {
    std::lock_guard lock(mutex_);
    notes_[threat].push_back(text);
  }
  void add_alert_note(const std::string& text) {
    std::lock_guard lock(mutex_);
    alert_notes_.push_back(text);
  }
  std::vector<std::string> notes(const std::string& threat) {
    std::lock_guard lock(mutex_);
    return notes_[threat];
  }
  std::vector<json> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  int note_posts() {
    std::lock_guard lock(mutex_);
    return note_posts_;
  }
  int event_posts() {
    std::lock_guard lock(mutex_);
    return event_posts_;
  }
  int alert_posts() {
    std::lock_guard lock(mutex_);
    return alert_posts_;
  }
  std::vector<std::string> alert_notes() {
    std::lock_guard lock(mutex_);
    return alert_notes_;
  }
  void set_events_fail(bool fail) {
    std::lock_guard lock(mutex_);
    events_fail_ = fail;
  }
  void set_unknown_threat(bool unknown) {
    std::lock_guard lock(mutex_);
    unknown_threat_ = unknown;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> notes_;
  std::vector<json> events_;
  std::vector<std::string> alert_notes_;
  int note_posts_ = 0;
  int event_posts_ = 0;
  int alert_posts_ = 0;
  bool events_fail_ = false;
  bool unknown_threat_ = false;
};

UpstreamPolicyConfig fast_policy(const char* name) {
  UpstreamPolicyConfig cfg;
  cfg.name = name;
  cfg.retry.max_attempts = 2;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 2;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

SingularityConfig s1_config() {
  SingularityConfig c;
  c.base_url = "https://s1.test";
  c.api_token = Secret("s1-secret-token-0123456789");
  return c;
}

DataSetConfig dataset_config() {
  DataSetConfig c;
  c.base_url = "https://sdl.test";
  c.write_key = Secret("write-key-0123456789abcdef");
  return c;
}

template <class T>
asio::awaitable<void> store_into(std::optional<T>& out, asio::awaitable<T> work) {
  out.emplace(co_await std::move(work));
}

struct DeliveryHarness {
  explicit DeliveryHarness(std::string db)
      : db_path(std::move(db)),
        http([this](const HttpRequest& r) { return sinks.handle(r); }),
        s1_policy(fast_policy("singularity"), clock, rng),
        ds_policy(fast_policy("dataset"), clock, rng),
        threats(s1_config(), Upstream{&http, &s1_policy, "https://s1.test"}),
        alerts(s1_config(), Upstream{&http, &s1_policy, "https://s1.test"}),
        writer(dataset_config(), Upstream{&http, &ds_policy, "https://sdl.test"}, clock) {
    reopen();
  }

  void reopen() {
    ledger.reset();
    auto opened = DeliveryLedger::open(db_path, clock);
    if (!opened) throw std::runtime_error(opened.error().message);
    ledger = std::move(*opened);
  }

  DeliveryConnectors all() { return {&threats, &alerts, &writer}; }

  DeliveryReport deliver(const DeliveryPlan& plan, std::optional<DeliveryConnectors> connectors = {},
                         Deliverer::BlockingRunner runner = {}) {
    Deliverer deliverer(*ledger, std::move(runner));
    std::optional<DeliveryReport> out;
    asio::co_spawn(io, store_into(out, deliverer.deliver(plan, connectors.value_or(all()))),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
    io.run();
    io.restart();
    return std::move(*out);
  }

  std::size_t requests() const { return http.requests().size(); }

  std::string db_path;
  FakeSinks sinks;
  ScriptedHttpClient http;
  SystemClock clock;
  SeededRandom rng{7};
  UpstreamPolicy s1_policy;
  UpstreamPolicy ds_policy;
  SingularityThreats threats;
  SingularityAlertsGraphql alerts;
  DataSetEventWriter writer;
  std::unique_ptr<DeliveryLedger> ledger;
  asio::io_context io;
};

analysis::EvidenceItem evidence(std::string id, std::string raw, std::vector<std::string> rules = {}) {
  analysis::EvidenceItem e;
  e.id = std::move(id);
  e.time_ms = 1'700'000'000'000;
  e.host = "WS-FIN-023";
  e.summary = "event " + e.id;
  e.raw = std::move(raw);
  e.rule_ids = std::move(rules);
  return e;
}

NoteInput note_input(const std::string& job) {
  NoteInput in;
  in.job_id = job;
  in.heading = "[AI-Generated Draft]";
  in.incident.source = "singularity";
  in.incident.kind = "threat";
  in.incident.external_id = kThreat;
  in.incident.entities.threat_ids = {kThreat};
  in.output.summary = "Encoded PowerShell from a macro document.";
  in.output.severity = Severity::high;
  in.output.severity_score = 75;
  in.output.confidence = 0.8;
  in.output.verdict = analysis::Verdict::true_positive;
  in.output.techniques = {{"T1059.001", "PowerShell", {"ev-1"}}};
  in.output.iocs = {{analysis::IocType::ipv4, "203.0.113.7", {"ev-2"}}};
  in.output.evidence_ids = {"ev-1"};
  in.pack.items = {evidence("ev-1", "Dec 10 07:28:35 web1 sshd[24271]: Failed password for root from 203.0.113.7 port 22 ssh2",
                            {"sigma-1"}),
                   evidence("ev-2", "")};
  in.provider = "builtin";
  return in;
}

DeliveryPlan full_plan(const std::string& job = "job-42") {
  NoteInput in = note_input(job);
  DeliveryPlan plan;
  plan.job_id = job;
  plan.incident = in.incident;
  plan.note_text = *render_case_note(in);
  plan.tags = render_tags(in.output);
  plan.events = build_ai_events(AiEventsInput{job, in.incident, in.output, in.pack, plan.tags});
  plan.note_threat_id = kThreat;
  plan.tags_threat_id = kThreat;
  plan.send_events = true;
  return plan;
}

std::size_t with_marker(const std::vector<std::string>& notes, const std::string& marker) {
  std::size_t n = 0;
  for (const auto& t : notes) n += t.find(marker) != std::string::npos;
  return n;
}

// ---- ledger ----------------------------------------------------------------------------------

TEST(DeliveryLedger, BeginCompleteFailFollowTheStates) {
  ManualClock clock(1'000);
  testing::TempDbFile db_states("delivery_states");
  auto ledger = DeliveryLedger::open(db_states.path(), clock);
  ASSERT_TRUE(ledger) << ledger.error().message;
  auto& l = **ledger;

  auto first = l.begin("job-1", DeliveryStep::note, "threat:1");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->already_done);
  EXPECT_EQ(first->attempt, 1);
  EXPECT_FALSE(first->interrupted);

  // A second begin without an outcome: the first attempt died in between.
  auto second = l.begin("job-1", DeliveryStep::note, "threat:1");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_TRUE(second->interrupted);

  ASSERT_TRUE(l.fail("job-1", DeliveryStep::note, "HTTP 503"));
  auto third = l.begin("job-1", DeliveryStep::note, "threat:1");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->attempt, 3);
  EXPECT_FALSE(third->interrupted);

  clock.set_ms(5'000);
  ASSERT_TRUE(l.complete("job-1", DeliveryStep::note, "affected=1"));
  auto done = l.begin("job-1", DeliveryStep::note, "threat:1");
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->already_done);
  // A late failure report does not undo a done step.
  ASSERT_TRUE(l.fail("job-1", DeliveryStep::note, "late"));

  ASSERT_TRUE(l.fail("job-1", DeliveryStep::add_events, "bad key"));
  ASSERT_TRUE(l.begin("job-2", DeliveryStep::tags, "threat:2"));

  auto rows = l.steps("job-1");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].step, DeliveryStep::note);
  EXPECT_EQ((*rows)[0].status, DeliveryStatus::done);
  EXPECT_EQ((*rows)[0].external_ref, "affected=1");
  EXPECT_EQ((*rows)[0].target, "threat:1");
  EXPECT_EQ((*rows)[0].attempt, 3);
  EXPECT_EQ((*rows)[0].last_error, "");
  EXPECT_EQ((*rows)[0].updated_at_ms, 5'000);
  EXPECT_EQ((*rows)[1].step, DeliveryStep::add_events);
  EXPECT_EQ((*rows)[1].status, DeliveryStatus::failed);
  EXPECT_EQ((*rows)[1].last_error, "bad key");
}

TEST(DeliveryLedger, ManyStepsBeginAndFinishTogether) {
  ManualClock clock(1'000);
  testing::TempDbFile db_batch("delivery_batch");
  auto ledger = DeliveryLedger::open(db_batch.path(), clock);
  ASSERT_TRUE(ledger) << ledger.error().message;
  auto& l = **ledger;
  ASSERT_TRUE(l.complete("job-3", DeliveryStep::tags, "affected=1"));

  auto begun = l.begin("job-3", {{DeliveryStep::note, "threat:3"}, {DeliveryStep::tags, "threat:3"},
                                 {DeliveryStep::add_events, "dataset"}});
  ASSERT_TRUE(begun) << begun.error().message;
  ASSERT_EQ(begun->size(), 3u);
  EXPECT_FALSE((*begun)[0].already_done);
  EXPECT_EQ((*begun)[0].attempt, 1);
  EXPECT_TRUE((*begun)[1].already_done);  // answers come back in the order asked
  EXPECT_FALSE((*begun)[2].already_done);

  clock.set_ms(2'000);
  ASSERT_TRUE(l.finish("job-3", {{DeliveryStep::note, true, "affected=1"}, {DeliveryStep::add_events, false, "HTTP 500"},
                                 {DeliveryStep::tags, false, "late"}}));
  auto rows = l.steps("job-3");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].status, DeliveryStatus::done);
  EXPECT_EQ((*rows)[0].external_ref, "affected=1");
  EXPECT_EQ((*rows)[0].updated_at_ms, 2'000);
  EXPECT_EQ((*rows)[1].status, DeliveryStatus::done);  // a failure reported late does not undo it
  EXPECT_EQ((*rows)[2].status, DeliveryStatus::failed);
  EXPECT_EQ((*rows)[2].last_error, "HTTP 500");

  // The next attempt sees the failed step as a fresh one and the done ones as done.
  auto again = l.begin("job-3", {{DeliveryStep::note, "threat:3"}, {DeliveryStep::add_events, "dataset"}});
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)[0].already_done);
  EXPECT_EQ((*again)[1].attempt, 2);
  EXPECT_FALSE((*again)[1].interrupted);
}

TEST(DeliveryLedger, SurvivesReopening) {
  ManualClock clock;
  testing::TempDbFile db_reopen("delivery_reopen");
  std::string path = db_reopen.path();
  {
    auto ledger = DeliveryLedger::open(path, clock);
    ASSERT_TRUE(ledger);
    ASSERT_TRUE((*ledger)->begin("job-9", DeliveryStep::note, "threat:9"));
    ASSERT_TRUE((*ledger)->complete("job-9", DeliveryStep::note, "affected=1"));
    ASSERT_TRUE((*ledger)->begin("job-9", DeliveryStep::add_events, "dataset"));  // then "crash"
  }
  auto ledger = DeliveryLedger::open(path, clock);
  ASSERT_TRUE(ledger);
  auto note = (*ledger)->begin("job-9", DeliveryStep::note, "threat:9");
  ASSERT_TRUE(note);
  EXPECT_TRUE(note->already_done);
  auto events = (*ledger)->begin("job-9", DeliveryStep::add_events, "dataset");
  ASSERT_TRUE(events);
  EXPECT_TRUE(events->interrupted);
  EXPECT_EQ(events->attempt, 2);
}

TEST(DeliveryLedger, LongMessagesAreCappedAndBadPathsRefused) {
  ManualClock clock;
  testing::TempDbFile db_cap("delivery_cap");
  auto ledger = DeliveryLedger::open(db_cap.path(), clock);
  ASSERT_TRUE(ledger);
  ASSERT_TRUE((*ledger)->fail("j", DeliveryStep::tags, std::string(5000, 'e')));
  EXPECT_EQ((*ledger)->steps("j")->at(0).last_error.size(), 1000u);
  auto bad = DeliveryLedger::open("/nonexistent-dir/x/deliveries.db", clock);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::unavailable);
  EXPECT_EQ(parse_delivery_step("alert_note"), DeliveryStep::alert_note);
  EXPECT_FALSE(parse_delivery_step("nope"));
}

// ---- deliverer -------------------------------------------------------------------------------

TEST(Deliverer, FirstRunPostsNoteTagsAndEventsSecondRunPostsNothing) {
  testing::TempDbFile db_twice("delivery_twice");
  DeliveryHarness h(db_twice.path());
  DeliveryPlan plan = full_plan();
  DeliveryReport first = h.deliver(plan);
  ASSERT_EQ(first.steps.size(), 3u);
  for (const auto& s : first.steps) {
    EXPECT_EQ(s.outcome, DeliveryOutcome::done) << to_string(s.step) << ": " << (s.error ? s.error->message : "");
    EXPECT_TRUE(s.posted) << to_string(s.step);
  }
  EXPECT_TRUE(first.all_delivered());
  EXPECT_FALSE(first.first_error());
  EXPECT_EQ(first.find(DeliveryStep::note)->target, std::string("threat:") + kThreat);

  auto notes = h.sinks.notes(kThreat);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0], plan.note_text);
  EXPECT_EQ(notes[1],
            "[triagent:tags: triagent, severity:high, verdict:true_positive, attack.t1059.001] [triagent:job-42 tags]");
  EXPECT_EQ(with_marker(notes, "[triagent:job-42]"), 1u);  // the tags note's marker is not the case note's
  EXPECT_EQ(h.sinks.events().size(), 3u);
  EXPECT_EQ(h.sinks.note_posts(), 2);
  EXPECT_EQ(h.sinks.event_posts(), 1);

  const std::size_t before = h.requests();
  EXPECT_EQ(before, 4u);  // one notes listing serves the note and the tags step, then three posts
  DeliveryReport second = h.deliver(plan);
  ASSERT_EQ(second.steps.size(), 3u);
  for (const auto& s : second.steps) EXPECT_EQ(s.outcome, DeliveryOutcome::skipped) << to_string(s.step);
  EXPECT_TRUE(second.all_delivered());
  EXPECT_EQ(h.requests(), before);  // not even a notes listing
  EXPECT_EQ(h.sinks.notes(kThreat).size(), 2u);
  EXPECT_EQ(h.sinks.events().size(), 3u);
}

TEST(Deliverer, ARestartedProcessSkipsWhatTheLedgerOnDiskSaysIsDone) {
  testing::TempDbFile db_restart("delivery_restart");
  DeliveryHarness h(db_restart.path());
  DeliveryPlan plan = full_plan();
  ASSERT_TRUE(h.deliver(plan).all_delivered());
  h.reopen();
  const std::size_t before = h.requests();
  DeliveryReport again = h.deliver(plan);
  EXPECT_TRUE(again.all_delivered());
  EXPECT_EQ(h.requests(), before);
}

TEST(Deliverer, CrashBetweenPostAndLedgerWriteDoesNotPostTheNoteTwice) {
  testing::TempDbFile db_crash("delivery_crash");
  DeliveryHarness h(db_crash.path());
  DeliveryPlan plan = full_plan();
  plan.tags_threat_id.clear();
  plan.send_events = false;
  // The previous attempt began, posted, and died before complete().
  ASSERT_TRUE(h.ledger->begin(plan.job_id, DeliveryStep::note, std::string("threat:") + kThreat));
  h.sinks.add_note(kThreat, plan.note_text);
  h.sinks.add_note(kThreat, "Vigilance: looking at it");

  DeliveryReport r = h.deliver(plan);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].outcome, DeliveryOutcome::done);
  EXPECT_FALSE(r.steps[0].posted);
  EXPECT_NE(r.steps[0].detail.find("marker already present"), std::string::npos);
  EXPECT_EQ(h.sinks.note_posts(), 0);
  EXPECT_EQ(with_marker(h.sinks.notes(kThreat), "[triagent:job-42]"), 1u);

  auto rows = h.ledger->steps(plan.job_id);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).status, DeliveryStatus::done);
  EXPECT_EQ(rows->at(0).attempt, 2);
  EXPECT_EQ(rows->at(0).external_ref, "marker-present");
}

TEST(Deliverer, CrashBetweenTagsPostAndLedgerWriteDoesNotPostTagsTwiceEvenWhenTheTagsChanged) {
  testing::TempDbFile db_crash_tags("delivery_crash_tags");
  DeliveryHarness h(db_crash_tags.path());
  DeliveryPlan plan = full_plan();
  plan.note_threat_id.clear();
  plan.send_events = false;
  // The previous attempt began the tags step, posted its tags, and died before complete(); the
  // retry's analysis came out different, so its tag set is not the one on the server.
  ASSERT_TRUE(h.ledger->begin(plan.job_id, DeliveryStep::tags, std::string("threat:") + kThreat));
  h.sinks.add_note(kThreat, "[triagent:tags: triagent, severity:medium, verdict:suspicious] [triagent:job-42 tags]");
  h.reopen();

  DeliveryReport r = h.deliver(plan);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].outcome, DeliveryOutcome::done);
  EXPECT_FALSE(r.steps[0].posted);
  EXPECT_NE(r.steps[0].detail.find("marker already present"), std::string::npos);
  EXPECT_EQ(h.sinks.note_posts(), 0);
  EXPECT_EQ(with_marker(h.sinks.notes(kThreat), "[triagent:tags: "), 1u);
}

TEST(Deliverer, AnotherJobsTagsNoteWithOtherTagsDoesNotHideThisJobs) {
  testing::TempDbFile db_other_tags("delivery_other_tags");
  DeliveryHarness h(db_other_tags.path());
  h.sinks.add_note(kThreat, "[triagent:tags: triagent, severity:low] [triagent:job-4 tags]");
  DeliveryPlan plan = full_plan("job-42");
  plan.note_threat_id.clear();
  plan.send_events = false;
  DeliveryReport r = h.deliver(plan);
  EXPECT_TRUE(r.steps.at(0).posted);
  EXPECT_EQ(with_marker(h.sinks.notes(kThreat), "[triagent:job-42 tags]"), 1u);
}

TEST(Deliverer, TheSameTagsWrittenByAnotherJobAreNotWrittenAgain) {
  testing::TempDbFile db_same_tags("delivery_same_tags");
  DeliveryHarness h(db_same_tags.path());
  h.sinks.add_note(kThreat,
                   "[triagent:tags: triagent, severity:high, verdict:true_positive, attack.t1059.001] [triagent:job-4 tags]");
  DeliveryPlan plan = full_plan("job-42");
  plan.note_threat_id.clear();
  plan.send_events = false;
  DeliveryReport r = h.deliver(plan);
  EXPECT_EQ(r.steps.at(0).outcome, DeliveryOutcome::done);
  EXPECT_FALSE(r.steps.at(0).posted);
  EXPECT_EQ(h.sinks.note_posts(), 0);
}

TEST(Deliverer, AnotherJobsNoteDoesNotHideThisJobs) {
  testing::TempDbFile db_other("delivery_other");
  DeliveryHarness h(db_other.path());
  h.sinks.add_note(kThreat, *render_case_note(note_input("job-4")));   // "[triagent:job-4]" is a prefix of job-42's
  DeliveryPlan plan = full_plan("job-42");
  plan.tags_threat_id.clear();
  plan.send_events = false;
  DeliveryReport r = h.deliver(plan);
  EXPECT_TRUE(r.steps.at(0).posted);
  EXPECT_EQ(with_marker(h.sinks.notes(kThreat), "[triagent:job-42]"), 1u);
}

TEST(Deliverer, OneFailingStepLeavesTheOthersDoneAndIsRetriedAlone) {
  testing::TempDbFile db_partial("delivery_partial");
  DeliveryHarness h(db_partial.path());
  h.sinks.set_events_fail(true);
  DeliveryPlan plan = full_plan();
  DeliveryReport r = h.deliver(plan);
  EXPECT_EQ(r.find(DeliveryStep::note)->outcome, DeliveryOutcome::done);
  EXPECT_EQ(r.find(DeliveryStep::tags)->outcome, DeliveryOutcome::done);
  const DeliveryStepReport* events = r.find(DeliveryStep::add_events);
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->outcome, DeliveryOutcome::failed);
  ASSERT_TRUE(events->error);
  EXPECT_FALSE(r.all_delivered());
  ASSERT_TRUE(r.first_error());
  EXPECT_EQ(r.first_error()->message, events->error->message);
  auto rows = h.ledger->steps(plan.job_id);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(rows->at(2).status, DeliveryStatus::failed);
  EXPECT_FALSE(rows->at(2).last_error.empty());

  // The job runner retries: only the failed step runs.
  h.sinks.set_events_fail(false);
  const int note_posts = h.sinks.note_posts();
  DeliveryReport retry = h.deliver(plan);
  EXPECT_EQ(retry.find(DeliveryStep::note)->outcome, DeliveryOutcome::skipped);
  EXPECT_EQ(retry.find(DeliveryStep::tags)->outcome, DeliveryOutcome::skipped);
  EXPECT_EQ(retry.find(DeliveryStep::add_events)->outcome, DeliveryOutcome::done);
  EXPECT_TRUE(retry.all_delivered());
  EXPECT_EQ(h.sinks.note_posts(), note_posts);
  EXPECT_EQ(h.sinks.events().size(), 3u);
}

TEST(Deliverer, MissingConnectorIsReportedNotConfigured) {
  testing::TempDbFile db_noconn("delivery_noconn");
  DeliveryHarness h(db_noconn.path());
  DeliveryConnectors only_s1{&h.threats, nullptr, nullptr};
  DeliveryReport r = h.deliver(full_plan(), only_s1);
  EXPECT_EQ(r.find(DeliveryStep::note)->outcome, DeliveryOutcome::done);
  EXPECT_EQ(r.find(DeliveryStep::add_events)->outcome, DeliveryOutcome::not_configured);
  EXPECT_FALSE(r.all_delivered());
  ASSERT_TRUE(r.first_error());
  EXPECT_EQ(r.first_error()->code, ErrorCode::invalid_argument);
  EXPECT_EQ(h.sinks.event_posts(), 0);
}

TEST(Deliverer, AlertNoteGoesThroughGraphqlOnce) {
  testing::TempDbFile db_alert("delivery_alert");
  DeliveryHarness h(db_alert.path());
  DeliveryPlan plan = full_plan();
  plan.note_threat_id.clear();
  plan.tags_threat_id.clear();
  plan.send_events = false;
  plan.alert_note_alert_id = kAlert;
  DeliveryReport r = h.deliver(plan);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].outcome, DeliveryOutcome::done) << (r.steps[0].error ? r.steps[0].error->message : "");
  EXPECT_EQ(r.steps[0].target, std::string("alert:") + kAlert);
  EXPECT_EQ(h.sinks.alert_posts(), 1);
  EXPECT_EQ(h.deliver(plan).steps[0].outcome, DeliveryOutcome::skipped);
  EXPECT_EQ(h.sinks.alert_posts(), 1);
}

TEST(Deliverer, AnAlertNotePostedBeforeAnInterruptionIsFoundNotPostedAgain) {
  testing::TempDbFile db_alert_crash("delivery_alert-crash");
  DeliveryHarness h(db_alert_crash.path());
  DeliveryPlan plan = full_plan();
  plan.note_threat_id.clear();
  plan.tags_threat_id.clear();
  plan.send_events = false;
  plan.alert_note_alert_id = kAlert;
  ASSERT_TRUE(h.deliver(plan).all_delivered());
  // The crash: the post went through, the ledger never heard of it and still says `started`.
  testing::TempDbFile db_alert_crash_after("delivery_alert-crash-after");
  DeliveryHarness after(db_alert_crash_after.path());
  ASSERT_TRUE(after.ledger->begin(plan.job_id, DeliveryStep::alert_note, std::string("alert:") + kAlert));
  for (const auto& text : h.sinks.alert_notes()) after.sinks.add_alert_note(text);
  DeliveryReport r = after.deliver(plan);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].outcome, DeliveryOutcome::done) << (r.steps[0].error ? r.steps[0].error->message : "");
  EXPECT_FALSE(r.steps[0].posted);
  EXPECT_EQ(r.steps[0].detail, "marker already present: not posted again");
  EXPECT_EQ(after.sinks.alert_posts(), 0);
  EXPECT_EQ(after.sinks.alert_notes().size(), 1u);
}

TEST(Deliverer, NoteWithoutTheMarkerOrOnAnUnknownThreatFails) {
  testing::TempDbFile db_nomarker("delivery_nomarker");
  DeliveryHarness h(db_nomarker.path());
  DeliveryPlan plan = full_plan();
  plan.tags_threat_id.clear();
  plan.send_events = false;
  plan.note_text = "a note without its marker";
  DeliveryReport r = h.deliver(plan);
  EXPECT_EQ(r.steps.at(0).outcome, DeliveryOutcome::failed);
  EXPECT_EQ(r.steps.at(0).error->code, ErrorCode::invalid_argument);
  EXPECT_EQ(h.requests(), 0u);

  testing::TempDbFile db_unknown("delivery_unknown");
  DeliveryHarness unknown(db_unknown.path());
  unknown.sinks.set_unknown_threat(true);
  DeliveryPlan plan2 = full_plan();
  plan2.tags_threat_id.clear();
  plan2.send_events = false;
  DeliveryReport r2 = unknown.deliver(plan2);
  EXPECT_EQ(r2.steps.at(0).outcome, DeliveryOutcome::failed);
  EXPECT_EQ(r2.steps.at(0).error->code, ErrorCode::not_found);
  EXPECT_EQ(unknown.ledger->steps(plan2.job_id)->at(0).status, DeliveryStatus::failed);
}

asio::awaitable<void> run_now(std::function<void()> work) {
  work();
  co_return;
}

TEST(Deliverer, LedgerCallsRunOnTheGivenBlockingRunner) {
  testing::TempDbFile db_pool("delivery_pool");
  DeliveryHarness h(db_pool.path());
  asio::thread_pool pool(1);
  std::atomic<int> calls{0};
  std::atomic<bool> off_thread{true};
  const auto caller = std::this_thread::get_id();
  Deliverer::BlockingRunner runner = [&](std::function<void()> work) {
    ++calls;
    std::function<void()> checked = [&, work = std::move(work)] {
      if (std::this_thread::get_id() == caller) off_thread = false;
      work();
    };
    return asio::co_spawn(pool, run_now(std::move(checked)), asio::use_awaitable);
  };
  DeliveryReport r = h.deliver(full_plan(), std::nullopt, runner);
  EXPECT_TRUE(r.all_delivered());
  // One begin for the three steps, then one finish per sink (Singularity: note and tags; DataSet).
  EXPECT_EQ(calls.load(), 3);
  EXPECT_TRUE(off_thread.load());
  pool.join();
}

// ---- ai events -------------------------------------------------------------------------------

TEST(DeliveryEvents, IncidentAndEvidenceEventsCarryTheJobAndAiFields) {
  NoteInput in = note_input("job-7");
  std::vector<std::string> tags = render_tags(in.output);
  auto events = build_ai_events(AiEventsInput{"job-7", in.incident, in.output, in.pack, tags});
  ASSERT_EQ(events.size(), 3u);
  const json& inc = events[0].attrs;
  EXPECT_EQ(inc["triagent_job_id"], "job-7");
  EXPECT_EQ(inc["triagent_event_id"], "job-7:incident");
  EXPECT_EQ(inc["triagent_event_kind"], "incident");
  EXPECT_EQ(inc["ai_summary"], in.output.summary);
  EXPECT_EQ(inc["ai_severity"], "high");
  EXPECT_EQ(inc["ai_severity_score"], 75);
  EXPECT_DOUBLE_EQ(inc["ai_confidence"].get<double>(), 0.8);
  EXPECT_EQ(inc["ai_verdict"], "true_positive");
  EXPECT_EQ(inc["ai_techniques"], "T1059.001");
  EXPECT_EQ(inc["ai_iocs"], "203.0.113.7");
  EXPECT_EQ(inc["ai_tags"], "triagent,severity:high,verdict:true_positive,attack.t1059.001");
  EXPECT_EQ(inc["incident_key"], std::string("singularity:") + kThreat);
  EXPECT_EQ(inc["threat_ids"], kThreat);
  EXPECT_TRUE(inc["message"].get<std::string>().starts_with("triagent analysis job-7: high true_positive - "));
  EXPECT_EQ(events[0].sev, 5);

  const json& ev1 = events[1].attrs;
  EXPECT_EQ(ev1["ai_evidence_id"], "ev-1");
  EXPECT_EQ(ev1["triagent_event_id"], "job-7:ev-1");
  EXPECT_EQ(ev1["triagent_job_id"], "job-7");
  EXPECT_EQ(ev1["ai_rule_ids"], "sigma-1");
  EXPECT_EQ(ev1["ai_log_type"], "openssh-sshd-syslog");
  EXPECT_EQ(ev1["ai_cited"], true);
  EXPECT_EQ(ev1["ai_evidence_time"], "2023-11-14T22:13:20.000Z");
  const json& ev2 = events[2].attrs;
  EXPECT_EQ(ev2["ai_iocs"], "203.0.113.7");  // cited by the analysis for this item
  EXPECT_EQ(ev2["ai_log_type"], "unknown");
  EXPECT_EQ(ev2["ai_cited"], false);
  for (const auto& e : events) {
    for (const auto& [key, value] : e.attrs.items()) EXPECT_FALSE(value.is_structured()) << key;  // flat
  }
}

TEST(DeliveryEvents, EvidenceEventsAreCapped) {
  NoteInput in = note_input("job-8");
  for (int i = 0; i < 10; ++i) in.pack.items.push_back(evidence("ev-" + std::to_string(10 + i), "x"));
  AiEventsInput input{"job-8", in.incident, in.output, in.pack, {}};
  input.max_evidence_events = 4;
  auto events = build_ai_events(input);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].attrs["ai_evidence_omitted"], 8);
  EXPECT_EQ(events[0].attrs["ai_evidence_count"], 12);
}

}  // namespace
}  // namespace triagent
