// HuntScheduler with a manual clock, a scripted DataSet and a recording queue: due windows only,
// threshold, the incident payload and its dedupe key.
#include <gtest/gtest.h>

#include "hunt_test_support.hpp"
#include "support/scripted_http_client.hpp"
#include "triagent/hunt/hunt_config_yaml.hpp"
#include "triagent/hunt/hunt_scheduler.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::hunt {
namespace {

using nlohmann::json;

class RecordingQueue final : public JobQueue {
 public:
  void enqueue(NewJob job, Callback<EnqueueOutcome> done) override {
    jobs.push_back(job);
    done(EnqueueOutcome{static_cast<std::int64_t>(jobs.size()), false});
  }
  void lease(std::string, int, Callback<std::vector<LeasedJob>>) override {}
  void ack(const LeasedJob&, std::string, Callback<bool>) override {}
  void fail(const LeasedJob&, std::string, bool, std::optional<std::int64_t>, Callback<bool>) override {}
  void release(const LeasedJob&, Callback<bool>) override {}
  void extend(const LeasedJob&, Callback<bool>) override {}
  void get(std::int64_t, Callback<std::optional<JobRecord>>) override {}
  void list(JobState, int, Callback<std::vector<JobRecord>>) override {}
  void replay(std::int64_t, Callback<JobRecord>) override {}
  void stats(Callback<QueueStats>) override {}
  std::int64_t approximate_depth() const override { return 0; }
  void close() override {}
  std::vector<NewJob> jobs;
};

struct SchedulerHarness {
  explicit SchedulerHarness(int rows)
      : http([rows](const HttpRequest&) -> HttpResult {
          json values = json::array();
          for (int i = 0; i < rows; ++i) values.push_back({"WS-FIN-023", "powershell.exe"});
          return testing::json_response(
              200, json{{"status", "success"}, {"matchingEvents", rows}, {"omittedEvents", 0},
                        {"columns", json::array({{{"name", "endpoint.name"}}, {{"name", "src.process.name"}}})},
                        {"values", values}}.dump());
        }),
        policy(UpstreamPolicyConfig{}, clock, rng) {
    DataSetConfig ds;
    ds.base_url = "https://sdl.test";
    ds.read_key = Secret("read");
    dataset = std::make_unique<DataSetClient>(ds, Upstream{&http, &policy, "https://sdl.test", {}});
  }
  testing::ScriptedHttpClient http;
  ManualClock clock{1'763'481'600'000};  // 2025-11-18T16:00:00Z, a whole hour
  SeededRandom rng{1};
  UpstreamPolicy policy;
  std::unique_ptr<DataSetClient> dataset;
  RecordingQueue queue;
  boost::asio::io_context io;
};

HuntSchedule encoded(std::int64_t threshold) {
  HuntSchedule s;
  s.name = "encoded-powershell";
  s.query = "src.process.cmdline contains:anycase '-enc'";
  s.interval_seconds = 3600;
  s.threshold = threshold;
  s.severity = "high";
  return s;
}

TEST(HuntScheduler, RunsDueWindowsAndQueuesIncidentsOverThreshold) {
  SchedulerHarness h(3);
  auto s = HuntScheduler::create({encoded(2)}, HuntPolicy{}, hunt_test::catalogue(), h.dataset.get(), &h.queue, h.clock);
  ASSERT_TRUE(s) << s.error().message;
  auto runs = hunt_test::run_coro(h.io, s->tick());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].rows, 3);
  EXPECT_TRUE(runs[0].enqueued);
  ASSERT_EQ(h.queue.jobs.size(), 1u);
  const NewJob& job = h.queue.jobs[0];
  EXPECT_EQ(job.kind, "enrich");
  EXPECT_EQ(job.dedupe_key, "hunt:encoded-powershell:1763478000");
  Incident inc = json::parse(job.payload).get<Incident>();
  EXPECT_EQ(inc.dedupe_key(), job.dedupe_key);
  EXPECT_EQ(inc.severity, Severity::high);
  EXPECT_EQ(inc.entities.hosts, std::vector<std::string>{"WS-FIN-023"});
  EXPECT_EQ(inc.raw["query"], "src.process.cmdline contains:anycase \"-enc\" | limit 100");
  auto sent = json::parse(h.http.requests().at(0).body);
  EXPECT_EQ(sent["startTime"], "1763478000");
  EXPECT_EQ(sent["endTime"], "1763481600");

  // Same interval: nothing is due. The next interval runs again.
  EXPECT_TRUE(hunt_test::run_coro(h.io, s->tick()).empty());
  h.clock.advance(std::chrono::minutes(59));
  EXPECT_TRUE(hunt_test::run_coro(h.io, s->tick()).empty());
  h.clock.advance(std::chrono::minutes(1));
  EXPECT_EQ(hunt_test::run_coro(h.io, s->tick()).size(), 1u);
  EXPECT_EQ(h.queue.jobs.size(), 2u);
}

TEST(HuntScheduler, AtOrUnderThresholdQueuesNothing) {
  SchedulerHarness h(2);
  auto s = HuntScheduler::create({encoded(2)}, HuntPolicy{}, hunt_test::catalogue(), h.dataset.get(), &h.queue, h.clock);
  ASSERT_TRUE(s);
  auto runs = hunt_test::run_coro(h.io, s->tick());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].enqueued);
  EXPECT_TRUE(h.queue.jobs.empty());
}

TEST(HuntScheduler, InvalidScheduledQueriesAreRefusedAtStart) {
  SchedulerHarness h(0);
  HuntSchedule bad = encoded(0);
  bad.query = "* | savelookup 'x'";
  auto s = HuntScheduler::create({bad}, HuntPolicy{}, hunt_test::catalogue(), h.dataset.get(), &h.queue, h.clock);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("hunt.schedules[encoded-powershell].query: position 0"), std::string::npos);
}

TEST(HuntConfig, ParsesAndValidatesTheHuntSection) {
  auto ok = parse_hunt_config(YAML::Load("enabled: true\nmax_limit: 500\nschedules:\n  - {name: a, query: 'x = 1', "
                                         "interval_seconds: 600, threshold: 3, severity: high}\n"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->schedules.at(0).threshold, 3);
  EXPECT_EQ(ok->policy().max_limit, 500);
  EXPECT_EQ(parse_hunt_config(YAML::Load("bogus: 1")).error().message.substr(0, 30), "hunt.bogus: unknown key (expec");
  EXPECT_EQ(parse_hunt_config(YAML::Load("allowed_commands: [filter, savelookup]")).error().message,
            "hunt.allowed_commands[1]: 'savelookup' writes data and cannot be allowed");
  EXPECT_EQ(parse_hunt_config(YAML::Load("default_limit: 5000")).error().message, "hunt.default_limit: must be within [1, max_limit]");
  EXPECT_TRUE(parse_hunt_config(YAML::Node()));
}

}  // namespace
}  // namespace triagent::hunt
