// Fetching context (context_fetch.hpp): every source's answer becomes ContextEvents, a failed
// source degrades the result without failing it, the requeue rule, disabled connectors, the
// result cap, the deadline, and all queries in flight at once.

#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline_context_test_support.hpp"
#include "triagent/pipeline/context_fetch.hpp"

namespace triagent {
namespace {

using context_test::ContextHarness;
using context_test::GatedHttpClient;
using context_test::HangingHttpClient;
using context_test::has;
using context_test::kThreatTimeMs;
using context_test::route_context_answers;
using context_test::sim_threat_incident;
using testing::json_response;
using testing::ScriptedHttpClient;

PlannedQuery planned(std::string name, ContextSource source, std::string query, int max_results = 100) {
  PlannedQuery q;
  q.template_name = std::move(name);
  q.source = source;
  q.query = std::move(query);
  q.from_ms = kThreatTimeMs - 1'800'000;
  q.to_ms = kThreatTimeMs + 1'800'000;
  q.max_results = max_results;
  return q;
}

// One query per source, as the default templates would plan them for the simulator's threat.
ContextPlan four_source_plan() {
  ContextPlan plan;
  plan.anchor_ms = kThreatTimeMs;
  plan.queries = {
      planned("host_logs", ContextSource::dataset_query, R"(serverHost = "WS-FIN-023")"),
      planned("user_table", ContextSource::dataset_powerquery, R"("jsmith" | limit 100)"),
      planned("agent_events", ContextSource::deep_visibility, R"(AgentUUID = "6f3b7c1d2e4a4b5c9d8e7f6a5b4c3d21")"),
      planned("notes", ContextSource::threat_notes, "2287651234567890101")};
  plan.skipped = {{"dv_storyline_events", ContextSource::storyline, "no value for {{storyline}}"}};
  return plan;
}

const ContextQueryResult& by_name(const ContextResult& r, const std::string& name) {
  auto it = std::find_if(r.queries.begin(), r.queries.end(),
                         [&](const ContextQueryResult& q) { return q.template_name == name; });
  if (it == r.queries.end()) throw std::runtime_error("no result for " + name);
  return *it;
}

Deadline generous() { return deadline_after(std::chrono::seconds(30)); }

TEST(ContextFetch, EverySourcesAnswerBecomesEvents) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>(route_context_answers)};
  ContextResult r = h.run(h.fetcher().fetch(four_source_plan(), generous()));

  ASSERT_EQ(r.queries.size(), 4u);
  for (const auto& q : r.queries) EXPECT_EQ(q.status, ContextQueryStatus::ok) << q.template_name << ": " << q.error;
  EXPECT_FALSE(r.degraded);
  EXPECT_EQ(r.degraded_note(), "");
  EXPECT_FALSE(r.retry_after_ms);
  ASSERT_EQ(r.not_planned.size(), 1u);
  EXPECT_EQ(r.not_planned[0].template_name, "dv_storyline_events");

  const auto& logs = by_name(r, "host_logs");
  ASSERT_EQ(logs.events.size(), 1u);
  EXPECT_EQ(logs.events[0].source, "dataset");
  EXPECT_EQ(logs.events[0].query_name, "host_logs");
  EXPECT_EQ(logs.events[0].host, "WS-FIN-023");
  EXPECT_EQ(logs.events[0].time_ms, 1'763'474'551'118);
  EXPECT_EQ(logs.query, R"(serverHost = "WS-FIN-023")");

  const auto& table = by_name(r, "user_table");
  EXPECT_EQ(table.events.size(), 2u);  // the recorded powerQuery sample's two rows

  const auto& dv = by_name(r, "agent_events");
  ASSERT_EQ(dv.events.size(), 1u);
  EXPECT_EQ(dv.events[0].source, "deep_visibility");
  EXPECT_EQ(dv.events[0].host, "ExampleName1");

  const auto& notes = by_name(r, "notes");
  ASSERT_EQ(notes.events.size(), 1u);
  EXPECT_EQ(notes.events[0].source, "threat_notes");
  EXPECT_EQ(notes.events[0].query_name, "notes");
  EXPECT_EQ(notes.events[0].user, "Ann");

  EXPECT_EQ(r.event_count(), 5u);
  EXPECT_EQ(r.all_events().size(), 5u);

  nlohmann::json summary = summary_json(r);
  EXPECT_EQ(summary["queries"].size(), 4u);
  EXPECT_EQ(summary["queries"][0]["status"], "ok");
  EXPECT_EQ(summary["events"], 5);
  EXPECT_EQ(summary["not_planned"][0]["reason"], "no value for {{storyline}}");
}

TEST(ContextFetch, AFailedSourceIsRecordedAndTheRestArePresent) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>([](const HttpRequest& req) -> HttpResult {
    if (has(req.url, "/dv/init-query")) {
      return json_response(400, R"({"errors":[{"code":4000010,"title":"Validation Error","detail":"bad query"}]})");
    }
    return route_context_answers(req);
  })};
  ContextResult r = h.run(h.fetcher().fetch(four_source_plan(), generous()));

  EXPECT_TRUE(r.degraded);
  EXPECT_FALSE(r.retry_after_ms);  // waiting would not cure a rejected query
  const auto& dv = by_name(r, "agent_events");
  EXPECT_EQ(dv.status, ContextQueryStatus::failed);
  EXPECT_EQ(dv.error_code, ErrorCode::invalid_argument);
  EXPECT_TRUE(dv.events.empty());
  EXPECT_EQ(by_name(r, "host_logs").status, ContextQueryStatus::ok);
  EXPECT_EQ(by_name(r, "user_table").status, ContextQueryStatus::ok);
  EXPECT_EQ(by_name(r, "notes").status, ContextQueryStatus::ok);
  EXPECT_EQ(r.event_count(), 4u);
  ASSERT_EQ(r.degraded_reasons.size(), 1u);
  EXPECT_TRUE(has(r.degraded_reasons[0], "agent_events (deep_visibility) failed: ")) << r.degraded_reasons[0];
  EXPECT_TRUE(has(r.degraded_note(), "Context is incomplete: agent_events (deep_visibility) failed"))
      << r.degraded_note();
}

HttpResult always_busy(const HttpRequest&) {
  return json_response(429, R"({"status":"error/server/backoff","message":"slow down"})", {{"Retry-After", "90"}});
}

TEST(ContextFetch, WhenEverySourceAsksToComeBackLaterTheJobIsRequeued) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>(always_busy)};
  ContextResult r = h.run(h.fetcher().fetch(four_source_plan(), generous()));
  EXPECT_TRUE(r.degraded);
  for (const auto& q : r.queries) {
    EXPECT_EQ(q.status, ContextQueryStatus::failed) << q.template_name;
    EXPECT_TRUE(q.retry_after_ms.has_value()) << q.template_name << ": " << q.error;
  }
  ASSERT_TRUE(r.retry_after_ms.has_value());
  std::int64_t longest = 0;
  for (const auto& q : r.queries) longest = std::max(longest, q.retry_after_ms.value_or(0));
  EXPECT_EQ(*r.retry_after_ms, longest);
  EXPECT_GT(*r.retry_after_ms, 0);
}

TEST(ContextFetch, OneAnsweringSourceMeansGoOnDegradedNotRequeue) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>([](const HttpRequest& req) -> HttpResult {
    if (has(req.url, "/notes")) return route_context_answers(req);
    return always_busy(req);
  })};
  ContextResult r = h.run(h.fetcher().fetch(four_source_plan(), generous()));
  EXPECT_TRUE(r.degraded);
  EXPECT_EQ(by_name(r, "notes").status, ContextQueryStatus::ok);
  EXPECT_FALSE(r.retry_after_ms);
  EXPECT_EQ(r.degraded_reasons.size(), 3u);
}

TEST(ContextFetch, ADisabledConnectorIsSkippedAsNotConfiguredAndDoesNotDegrade) {
  auto* http = new ScriptedHttpClient(route_context_answers);
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  ContextFetcher dataset_only(ContextConnectors{h.dataset.get(), nullptr, nullptr});
  ContextResult r = h.run(dataset_only.fetch(four_source_plan(), generous()));
  EXPECT_FALSE(r.degraded);
  EXPECT_FALSE(r.retry_after_ms);
  EXPECT_EQ(by_name(r, "host_logs").status, ContextQueryStatus::ok);
  EXPECT_EQ(by_name(r, "agent_events").status, ContextQueryStatus::skipped);
  EXPECT_EQ(by_name(r, "agent_events").error, "not configured: the deep visibility connector is disabled");
  EXPECT_EQ(by_name(r, "notes").status, ContextQueryStatus::skipped);
  for (const auto& req : http->requests()) EXPECT_TRUE(has(req.url, "https://sdl.test/")) << req.url;
}

TEST(ContextFetch, EventsAreCappedAtTheQuerysMaxResults) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>(route_context_answers)};
  ContextPlan plan;
  plan.queries = {planned("one_row", ContextSource::dataset_powerquery, "* | limit 5", 1)};
  ContextResult r = h.run(h.fetcher().fetch(plan, generous()));
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].events.size(), 1u);
  EXPECT_TRUE(r.queries[0].truncated);
}

TEST(ContextFetch, AQueryStillRunningAtTheDeadlineIsCancelledAndFailsAsTimeout) {
  auto* http = new HangingHttpClient();  // answers nothing: only the deadline can end the query
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  ContextPlan plan;
  plan.queries = {planned("host_logs", ContextSource::dataset_query, R"(serverHost = "WS-FIN-023")")};
  ContextResult r = h.run(h.fetcher().fetch(plan, deadline_after(std::chrono::milliseconds(20))));
  ASSERT_EQ(r.queries.size(), 1u);
  EXPECT_EQ(r.queries[0].status, ContextQueryStatus::failed);
  EXPECT_EQ(r.queries[0].error_code, ErrorCode::timeout);
  EXPECT_EQ(r.queries[0].error, "the context deadline passed before the query finished");
  EXPECT_TRUE(r.degraded);
  EXPECT_FALSE(r.retry_after_ms);
  EXPECT_EQ(http->cancels(), 1);  // the transfer was aborted, not left behind
}

TEST(ContextFetch, AllQueriesAreInFlightAtOnce) {
  // Each answer waits until all four first requests were sent: a fetch that ran the queries one
  // after another would never get there (the gate gives up and opened() stays false).
  auto* http = new GatedHttpClient(4, route_context_answers);
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  ContextResult r = h.run(h.fetcher().fetch(four_source_plan(), generous()));
  EXPECT_TRUE(http->opened());
  for (const auto& q : r.queries) EXPECT_EQ(q.status, ContextQueryStatus::ok) << q.template_name << ": " << q.error;
  std::vector<std::string> first_four;
  for (std::size_t i = 0; i < 4; ++i) first_four.push_back(http->requests().at(i).url);
  auto sent = [&](std::string_view part) {
    return std::any_of(first_four.begin(), first_four.end(), [&](const std::string& u) { return has(u, part); });
  };
  EXPECT_TRUE(sent("/api/query"));
  EXPECT_TRUE(sent("/api/powerQuery"));
  EXPECT_TRUE(sent("/dv/init-query"));
  EXPECT_TRUE(sent("/notes"));
}

TEST(ContextFetch, AnEmptyPlanIsAnEmptyResult) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>(route_context_answers)};
  ContextPlan plan;
  plan.skipped = {{"dataset_host_events", ContextSource::dataset_query, "no value for {{host}}"}};
  ContextResult r = h.run(h.fetcher().fetch(plan, generous()));
  EXPECT_TRUE(r.queries.empty());
  EXPECT_FALSE(r.degraded);
  EXPECT_FALSE(r.retry_after_ms);
  EXPECT_EQ(r.not_planned.size(), 1u);
}

}  // namespace
}  // namespace triagent
