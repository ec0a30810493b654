// Stages 1-3 of the pipeline (resolve, plan context, fetch context) against the real simulator
// over real HTTP: the shipped scenario's threat is read from its id alone, the default templates
// are planned for it, and DataSet, Deep Visibility, the storyline and the notes answer for
// WS-FIN-023 through the curl client and the upstream policies.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/net/http_client.hpp"
#include "triagent/pipeline/context_fetch.hpp"
#include "triagent/pipeline/context_plan.hpp"
#include "triagent/pipeline/context_resolve.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::HttpTestClient;
using testing::kSimDatasetReadKey;
using testing::kSimS1Token;
using testing::SimProcess;

constexpr const char* kThreatId = "2287651234567890101";
constexpr const char* kAgentUuid = "6f3b7c1d2e4a4b5c9d8e7f6a5b4c3d21";

template <class T>
boost::asio::awaitable<void> store_into(boost::asio::awaitable<T> op, std::optional<T>* out) {
  out->emplace(co_await std::move(op));
}

UpstreamPolicyConfig quick_policy(const std::string& name) {
  UpstreamPolicyConfig cfg;
  cfg.name = name;
  cfg.retry.max_attempts = 2;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 5;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

class PipelineContextSimTest : public ::testing::Test {
 protected:
  PipelineContextSimTest()
      : control_("127.0.0.1", sim_.port()),
        dataset_policy_(quick_policy("dataset"), clock_, rng_),
        s1_policy_(quick_policy("singularity"), clock_, rng_) {
    HttpClientConfig http;
    http.max_connections_per_host = 16;
    http_ = make_curl_http_client(http);

    DataSetConfig ds;
    ds.base_url = sim_.base_url();
    ds.read_key = Secret(kSimDatasetReadKey);
    SingularityConfig s1;
    s1.base_url = sim_.base_url();
    s1.api_token = Secret(kSimS1Token);
    s1.deep_visibility.poll_interval_ms = 5;
    s1.deep_visibility.status_requests_per_second = 1000;

    Upstream dataset_upstream{http_.get(), &dataset_policy_, sim_.base_url(), std::chrono::seconds(10)};
    Upstream s1_upstream{http_.get(), &s1_policy_, sim_.base_url(), std::chrono::seconds(10)};
    dataset_ = std::make_unique<DataSetClient>(ds, dataset_upstream);
    dv_ = std::make_unique<DeepVisibility>(s1, s1_upstream);
    threats_ = std::make_unique<SingularityThreats>(s1, s1_upstream);
  }

  template <class T>
  T run(boost::asio::awaitable<T> op) {
    std::optional<T> out;
    boost::asio::co_spawn(io_, store_into(std::move(op), &out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
    io_.restart();
    return std::move(*out);
  }

  // What an id-only SentinelOne webhook for the scenario's first threat normalizes to.
  static Incident id_only_threat() {
    Incident inc;
    inc.source = "singularity";
    inc.kind = "threat";
    inc.external_id = kThreatId;
    inc.title = std::string("SentinelOne threat ") + kThreatId;
    inc.entities.threat_ids = {kThreatId};
    return inc;
  }

  // Resolve, then plan with the shipped templates.
  ContextPlan resolved_plan(Incident& incident) {
    Result<Resolution> resolved = run(resolve_incident(incident, ResolveConnectors{threats_.get(), nullptr, nullptr}));
    EXPECT_TRUE(resolved) << (resolved ? "" : resolved.error().message);
    return plan_context(incident, with_defaults({}));
  }

  ContextFetcher fetcher() const { return ContextFetcher({dataset_.get(), dv_.get(), threats_.get()}); }

  void set_faults(const json& rules) {
    auto r = control_.request("POST", "/_sim/faults", json{{"faults", rules}}.dump(),
                              {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static const ContextQueryResult& by_name(const ContextResult& r, const std::string& name) {
    auto it = std::find_if(r.queries.begin(), r.queries.end(),
                           [&](const ContextQueryResult& q) { return q.template_name == name; });
    if (it == r.queries.end()) throw std::runtime_error("no result for " + name);
    return *it;
  }

  SimProcess sim_;
  HttpTestClient control_;
  SystemClock clock_;
  SeededRandom rng_{5};
  UpstreamPolicy dataset_policy_;
  UpstreamPolicy s1_policy_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<DataSetClient> dataset_;
  std::unique_ptr<DeepVisibility> dv_;
  std::unique_ptr<SingularityThreats> threats_;
  boost::asio::io_context io_;
};

TEST_F(PipelineContextSimTest, AnIdOnlyThreatIsResolvedPlannedAndItsContextFetched) {
  Incident incident = id_only_threat();
  Result<Resolution> resolved = run(resolve_incident(incident, ResolveConnectors{threats_.get(), nullptr, nullptr}));
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(resolved->fetched, ResolvedKind::threat);
  EXPECT_EQ(resolved->raw.value("id", ""), kThreatId);
  EXPECT_EQ(incident.title, "Invoice_INV-20931.docm");
  EXPECT_EQ(incident.entities.hosts, std::vector<std::string>{"WS-FIN-023"});
  EXPECT_NE(std::find(incident.entities.agent_ids.begin(), incident.entities.agent_ids.end(), kAgentUuid),
            incident.entities.agent_ids.end());
  EXPECT_EQ(incident.entities.users.at(0), "NORTHWIND\\jsmith");
  EXPECT_EQ(incident.entities.storylines, std::vector<std::string>{"7D3F2A9C1B4E6F80"});
  EXPECT_EQ(incident.time_ms, parse_rfc3339_ms("2025-11-18T14:02:32.418227Z"));

  ContextPlan plan = plan_context(incident, with_defaults({}));
  ASSERT_EQ(plan.queries.size(), 5u);
  EXPECT_TRUE(plan.skipped.empty());

  ContextResult context = run(fetcher().fetch(plan, deadline_after(std::chrono::seconds(60))));
  for (const auto& q : context.queries) {
    EXPECT_EQ(q.status, ContextQueryStatus::ok) << q.template_name << ": " << q.error;
  }
  EXPECT_FALSE(context.degraded) << context.degraded_note();
  EXPECT_FALSE(context.retry_after_ms);

  const auto& host = by_name(context, "dataset_host_events");
  ASSERT_FALSE(host.events.empty());
  for (const auto& e : host.events) {
    EXPECT_EQ(e.host, "WS-FIN-023") << e.summary;
    EXPECT_GE(e.time_ms, host.from_ms);
    EXPECT_LE(e.time_ms, host.to_ms);
  }
  EXPECT_TRUE(std::any_of(host.events.begin(), host.events.end(), [](const ContextEvent& e) {
    return e.summary.find("powershell") != std::string::npos || e.summary.find("PowerShell") != std::string::npos;
  }));

  // The account shows on the file server too: the user query is not limited to the host.
  const auto& user = by_name(context, "dataset_user_events");
  EXPECT_FALSE(user.events.empty());

  const auto& dv = by_name(context, "dv_agent_events");
  ASSERT_FALSE(dv.events.empty());
  for (const auto& e : dv.events) {
    EXPECT_EQ(e.source, "deep_visibility");
    EXPECT_EQ(e.host, "WS-FIN-023") << e.summary;
  }
  auto has_type = [&](const std::string& type) {
    return std::any_of(dv.events.begin(), dv.events.end(), [&](const ContextEvent& e) {
      return e.raw.is_object() && e.raw.value("eventType", "") == type;
    });
  };
  EXPECT_TRUE(has_type("Process Creation"));
  EXPECT_TRUE(has_type("IP Connect"));
  EXPECT_TRUE(has_type("Registry Value Create"));

  const auto& storyline = by_name(context, "dv_storyline_events");
  ASSERT_FALSE(storyline.events.empty());
  for (const auto& e : storyline.events) {
    EXPECT_EQ(e.source, "storyline");
    EXPECT_EQ(e.raw.value("storyline", ""), "7D3F2A9C1B4E6F80");
  }
  EXPECT_EQ(by_name(context, "threat_notes").status, ContextQueryStatus::ok);
}

TEST_F(PipelineContextSimTest, ARejectedDeepVisibilityQueryDegradesTheResultAndDataSetStillAnswers) {
  Incident incident = id_only_threat();
  ContextPlan plan = resolved_plan(incident);
  set_faults(json::array({{{"route", "POST /web/api/v2.1/dv/init-query"}, {"status", 400}}}));

  ContextResult context = run(fetcher().fetch(plan, deadline_after(std::chrono::seconds(60))));
  EXPECT_TRUE(context.degraded);
  EXPECT_FALSE(context.retry_after_ms);
  EXPECT_EQ(by_name(context, "dv_agent_events").status, ContextQueryStatus::failed);
  EXPECT_EQ(by_name(context, "dv_storyline_events").status, ContextQueryStatus::failed);
  EXPECT_EQ(by_name(context, "dataset_host_events").status, ContextQueryStatus::ok);
  EXPECT_FALSE(by_name(context, "dataset_host_events").events.empty());
  EXPECT_NE(context.degraded_note().find("dv_agent_events (deep_visibility) failed"), std::string::npos)
      << context.degraded_note();
}

TEST_F(PipelineContextSimTest, WhenEveryUpstreamIsRateLimitedTheJobIsRequeued) {
  Incident incident = id_only_threat();
  ContextPlan plan = resolved_plan(incident);
  set_faults(json::array({{{"route", "/api/"}, {"status", 429}, {"retry_after", 120}},
                          {{"route", "/web/api/v2.1/"}, {"status", 429}, {"retry_after", 120}}}));

  ContextResult context = run(fetcher().fetch(plan, deadline_after(std::chrono::seconds(60))));
  EXPECT_TRUE(context.degraded);
  ASSERT_TRUE(context.retry_after_ms.has_value()) << context.degraded_note();
  EXPECT_GE(*context.retry_after_ms, 1'000);
}

}  // namespace
}  // namespace triagent
