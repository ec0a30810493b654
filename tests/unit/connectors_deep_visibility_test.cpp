// Deep Visibility (apis.md B.8): init-query -> query-status polling -> paged events, the end states
// that are errors, the poll and event bounds, and cancel-query when a query is abandoned.

#include <gtest/gtest.h>

#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/deep_visibility.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::api_sample;
using testing::contains;
using testing::json_response;
using testing::S1Harness;

constexpr const char* kQueryId = "q9679169d5a4607cc41a9100123456789";  // s1_dv_init_query_response.json
constexpr const char* kApi = "https://s1.test/web/api/v2.1";
constexpr std::int64_t kFrom = 1'700'000'000'000;

DvQuery process_query() {
  return DvQuery{.query = "AgentName = \"EC2AMAZ-AJ0KANC\" AND EventType = \"Process Creation\"",
                 .from_ms = kFrom,
                 .to_ms = kFrom + 3'600'000,
                 .query_types = {}};
}

std::string status_body(const std::string& state, const json& error = nullptr) {
  json data{{"responseState", state}, {"progressStatus", state == "FINISHED" ? 100 : 40}};
  if (!error.is_null()) data["responseError"] = error;
  return json{{"data", data}}.dump();
}

bool ends_with(const std::string& s, std::string_view tail) { return s.size() >= tail.size() && s.ends_with(tail); }

// Answers by endpoint: init-query, then `states` in turn for query-status (the last repeats),
// then the events pages in turn, and {} for cancel-query.
struct DvScript {
  std::vector<std::string> states;
  std::vector<std::string> pages;
  std::size_t status_calls = 0;
  std::size_t page_calls = 0;

  HttpResult operator()(const HttpRequest& r) {
    if (contains(r.url, "/dv/init-query")) return json_response(200, api_sample("s1_dv_init_query_response.json"));
    if (contains(r.url, "/dv/query-status")) {
      const std::string& state = states[std::min(status_calls++, states.size() - 1)];
      if (state == "FINISHED") return json_response(200, api_sample("s1_dv_query_status_response.json"));
      return json_response(200, status_body(state));
    }
    if (contains(r.url, "/dv/events")) return json_response(200, pages.at(std::min(page_calls++, pages.size() - 1)));
    if (contains(r.url, "/dv/cancel-query")) return json_response(200, R"({"data":{"success":true}})");
    return json_response(404, "{}");
  }
};

std::string second_page() {
  return R"({"data":[{"id":"000000000000000002","eventType":"Process Creation","agentName":"ExampleName1",
    "processName":"cmd.exe","processCmd":"cmd.exe /c whoami","pid":4242,"storyline":"ABCD1234",
    "relatedToThreat":"True","srcIp":"10.0.0.5","dstIp":"198.51.100.9","dstPort":443}],
    "pagination":{"nextCursor":null,"totalItems":5}})";
}

std::vector<std::string> urls(const S1Harness& h) {
  std::vector<std::string> out;
  for (const auto& r : h.http.requests()) out.push_back(r.method + " " + r.url);
  return out;
}

TEST(DeepVisibility, InitThenRunningThenFinishedThenTwoPages) {
  S1Harness h(DvScript{{"RUNNING", "FINISHED"}, {api_sample("s1_dv_events_response_page1.json"), second_page()}});
  h.config.site_ids = {"475482421366727779"};
  h.config.deep_visibility.page_limit = 50;
  DeepVisibility dv(h.config, h.upstream);
  auto r = h.run(dv.run_query(process_query()));
  ASSERT_TRUE(r) << r.error().message;

  const std::string status = std::string("GET ") + kApi + "/dv/query-status?queryId=" + kQueryId;
  EXPECT_EQ(urls(h),
            (std::vector<std::string>{
                std::string("POST ") + kApi + "/dv/init-query",
                status,
                status,
                std::string("GET ") + kApi + "/dv/events?queryId=" + kQueryId + "&limit=50",
                std::string("GET ") + kApi + "/dv/events?queryId=" + kQueryId + "&limit=50&cursor=eyJkZX01234%3D",
            }));
  EXPECT_EQ(h.body(0), (json{{"query", process_query().query},
                             {"fromDate", "2023-11-14T22:13:20.000Z"},
                             {"toDate", "2023-11-14T23:13:20.000Z"},
                             {"limit", 2000},
                             {"siteIds", {"475482421366727779"}}}));
  for (std::size_t i = 0; i < h.request_count(); ++i) {
    EXPECT_EQ(h.header(i, "authorization"), std::string("ApiToken ") + testing::kS1Token);
  }

  EXPECT_EQ(r->query_id, kQueryId);
  EXPECT_EQ(r->state, "FINISHED");
  EXPECT_EQ(r->polls, 2);
  EXPECT_EQ(r->total_items, 5);
  EXPECT_FALSE(r->truncated);
  ASSERT_EQ(r->events.size(), 2u);
  const DvEvent& first = r->events[0];
  EXPECT_EQ(first.id, "000000000000000001");
  EXPECT_EQ(first.event_type, "Task Update");
  EXPECT_EQ(first.agent_name, "ExampleName1");
  EXPECT_EQ(first.agent_ip, "198.51.100.1");
  EXPECT_EQ(first.agent_os, "windows");
  EXPECT_EQ(first.pid, "1234");
  EXPECT_EQ(first.storyline, "ABCD1234");
  EXPECT_EQ(first.true_context, "ABCD1234");
  EXPECT_EQ(first.event_time, "2023-10-23T00:00:00.000Z");
  EXPECT_FALSE(first.related_to_threat);  // "False"
  EXPECT_EQ(first.process_name, "");      // null in the sample
  const DvEvent& second = r->events[1];
  EXPECT_EQ(second.process_cmd, "cmd.exe /c whoami");
  EXPECT_EQ(second.pid, "4242");
  EXPECT_EQ(second.dst_port, "443");
  EXPECT_TRUE(second.related_to_threat);
}

TEST(DeepVisibility, EmptyResultsEndWithoutFetchingEvents) {
  S1Harness h(DvScript{{"EMPTY_RESULTS"}, {}});
  DeepVisibility dv(h.config, h.upstream);
  auto r = h.run(dv.run_query(process_query()));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->state, "EMPTY_RESULTS");
  EXPECT_TRUE(r->events.empty());
  EXPECT_EQ(h.request_count(), 2u);
}

TEST(DeepVisibility, EndStatesAreErrorsWithoutACancel) {
  struct Case {
    const char* state;
    ErrorCode code;
  };
  const Case cases[] = {
      {"FAILED", ErrorCode::unavailable},        {"FAILED_CLIENT", ErrorCode::invalid_argument},
      {"QUERY_CANCEL", ErrorCode::unavailable},  {"CANCELED", ErrorCode::unavailable},
      {"QUERY_EXPIRED", ErrorCode::unavailable}, {"QUERY_NOT_FOUND", ErrorCode::unavailable},
      {"TIMED_OUT", ErrorCode::timeout},
  };
  for (const Case& c : cases) {
    S1Harness h(DvScript{{"RUNNING", c.state}, {}});
    DeepVisibility dv(h.config, h.upstream);
    auto r = h.run(dv.run_query(process_query()));
    ASSERT_FALSE(r) << c.state;
    EXPECT_EQ(r.error().code, c.code) << c.state;
    EXPECT_TRUE(contains(r.error().message, c.state)) << r.error().message;
    EXPECT_EQ(h.request_count(), 3u) << c.state;  // init + 2 status, no events, no cancel
  }
}

TEST(DeepVisibility, TheConsolesFailureTextIsKept) {
  S1Harness h([](const HttpRequest& r) -> HttpResult {
    if (contains(r.url, "init-query")) return json_response(200, api_sample("s1_dv_init_query_response.json"));
    return json_response(200, status_body("FAILED_CLIENT", "Invalid query: unexpected token \"AND\""));
  });
  DeepVisibility dv(h.config, h.upstream);
  auto r = h.run(dv.run_query(process_query()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, std::string("singularity dv query ") + kQueryId +
                                   ": FAILED_CLIENT: Invalid query: unexpected token \"AND\"");
}

TEST(DeepVisibility, UsingUpThePollsCancelsTheQuery) {
  S1Harness h(DvScript{{"RUNNING"}, {}});
  h.config.deep_visibility.max_polls = 3;
  DeepVisibility dv(h.config, h.upstream);
  auto r = h.run(dv.run_query(process_query()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(r.error().message, "still RUNNING after 3 polls")) << r.error().message;
  ASSERT_EQ(h.request_count(), 5u);
  EXPECT_EQ(h.request(4).method, "POST");
  EXPECT_EQ(h.request(4).url, std::string(kApi) + "/dv/cancel-query");
  EXPECT_EQ(h.body(4), (json{{"queryId", kQueryId}}));
}

TEST(DeepVisibility, ADeadlineBeforeTheNextPollCancelsWithoutPolling) {
  S1Harness h(DvScript{{"RUNNING"}, {}});
  h.config.deep_visibility.poll_interval_ms = 60'000;
  DeepVisibility dv(h.config, h.upstream);
  CallOptions options;
  options.deadline = deadline_after(std::chrono::seconds(30));
  auto r = h.run(dv.run_query(process_query(), options));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_EQ(urls(h), (std::vector<std::string>{std::string("POST ") + kApi + "/dv/init-query",
                                               std::string("POST ") + kApi + "/dv/cancel-query"}));
}

TEST(DeepVisibility, TheStatusRateLimitIsShared) {
  // 1 status call per 1000 s: the first is free, the second cannot fit in a 30 s deadline.
  S1Harness h(DvScript{{"RUNNING"}, {}});
  h.config.deep_visibility.status_requests_per_second = 0.001;
  DeepVisibility dv(h.config, h.upstream);
  CallOptions options;
  options.deadline = deadline_after(std::chrono::seconds(30));
  auto r = h.run(dv.run_query(process_query(), options));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(r.error().message, "rate limit")) << r.error().message;
  const std::string status = std::string("GET ") + kApi + "/dv/query-status?queryId=" + kQueryId;
  EXPECT_EQ(urls(h), (std::vector<std::string>{std::string("POST ") + kApi + "/dv/init-query", status,
                                               std::string("POST ") + kApi + "/dv/cancel-query"}));
  // The next query through the same object finds the budget spent too.
  auto again = h.run(dv.query_status(kQueryId, options));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::timeout);
}

TEST(DeepVisibility, ARaisedStatusLimitLetsATenthOfASecondsCallsGoAtOnce) {
  // 100/s: ten status calls may go together (queries started by an alert storm); the clock is
  // frozen, so no token comes back and the eleventh cannot fit in its deadline.
  S1Harness h(DvScript{{"RUNNING"}, {}});
  h.config.deep_visibility.status_requests_per_second = 100;
  ManualClock frozen;
  DeepVisibility dv(h.config, h.upstream, frozen);
  CallOptions options;
  options.deadline = deadline_after(std::chrono::milliseconds(200));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(h.run(dv.query_status(kQueryId, options))) << "call " << i;
  auto eleventh = h.run(dv.query_status(kQueryId, options));
  ASSERT_FALSE(eleventh);
  EXPECT_EQ(eleventh.error().code, ErrorCode::timeout);
  EXPECT_EQ(h.request_count(), 10u);
}

TEST(DeepVisibility, AFailedStatusCallCancelsTheQuery) {
  S1Harness h([](const HttpRequest& r) -> HttpResult {
    if (contains(r.url, "init-query")) return json_response(200, api_sample("s1_dv_init_query_response.json"));
    if (contains(r.url, "cancel-query")) return json_response(200, "{}");
    return json_response(400, R"({"errors":[{"code":4000010,"title":"Validation Error","detail":"queryId"}]})");
  });
  DeepVisibility dv(h.config, h.upstream);
  auto r = h.run(dv.run_query(process_query()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "singularity dv query-status: HTTP 400: Validation Error: queryId (code 4000010)");
  ASSERT_EQ(h.request_count(), 3u);
  EXPECT_TRUE(ends_with(h.request(2).url, "/dv/cancel-query"));
}

TEST(DeepVisibility, EventsStopAtMaxEvents) {
  int page = 0;
  S1Harness h([&](const HttpRequest& r) -> HttpResult {
    if (contains(r.url, "init-query")) return json_response(200, api_sample("s1_dv_init_query_response.json"));
    if (contains(r.url, "query-status")) return json_response(200, status_body("FINISHED"));
    ++page;
    json data = json::array({{{"id", "a" + std::to_string(page)}}, {{"id", "b" + std::to_string(page)}}});
    return json_response(200,
                         json{{"data", data}, {"pagination", {{"nextCursor", "p" + std::to_string(page)}}}}.dump());
  });
  h.config.deep_visibility.max_events = 3;
  h.config.deep_visibility.page_limit = 2;
  DeepVisibility dv(h.config, h.upstream);
  auto r = h.run(dv.run_query(process_query()));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events.size(), 3u);
  EXPECT_TRUE(r->truncated);
  ASSERT_EQ(h.request_count(), 4u);
  EXPECT_TRUE(ends_with(h.request(2).url, "&limit=2"));
  EXPECT_TRUE(ends_with(h.request(3).url, "&limit=1&cursor=p1"));
  EXPECT_EQ(h.body(0)["limit"], 3);
}

TEST(DeepVisibility, BadQueriesAndQueryIdsAreRejected) {
  S1Harness h([](const HttpRequest& r) -> HttpResult {
    if (contains(r.url, "init-query")) return json_response(200, R"({"data":{"queryId":"q1&x=2"}})");
    return json_response(200, "{}");
  });
  DeepVisibility dv(h.config, h.upstream);
  DvQuery empty = process_query();
  empty.query.clear();
  EXPECT_EQ(h.run(dv.run_query(empty)).error().code, ErrorCode::invalid_argument);
  DvQuery backwards = process_query();
  backwards.to_ms = backwards.from_ms;
  EXPECT_EQ(h.run(dv.run_query(backwards)).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(h.request_count(), 0u);

  auto r = h.run(dv.run_query(process_query()));  // the console's queryId would change the URL
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(h.request_count(), 1u);
  EXPECT_FALSE(h.run(dv.fetch_events("q/../x")));
  EXPECT_FALSE(h.run(dv.cancel_query("")));
  EXPECT_EQ(h.request_count(), 1u);
}

TEST(DeepVisibility, QueryTypesAndAccountScopeGoInTheInitBody) {
  S1Harness h(DvScript{{"EMPTY_RESULTS"}, {}});
  h.config.account_ids = {"433241117337583618"};
  DeepVisibility dv(h.config, h.upstream);
  DvQuery q = process_query();
  q.query_types = {"events"};
  ASSERT_TRUE(h.run(dv.run_query(q)));
  json body = h.body(0);
  EXPECT_EQ(body["queryType"], json::array({"events"}));
  EXPECT_EQ(body["accountIds"], json::array({"433241117337583618"}));
  EXPECT_FALSE(body.contains("siteIds"));
}

TEST(DeepVisibility, StatusSampleAndStatesRead) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, api_sample("s1_dv_query_status_response.json"));
  });
  DeepVisibility dv(h.config, h.upstream);
  auto s = h.run(dv.query_status(kQueryId));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->state, "FINISHED");
  EXPECT_EQ(s->progress, 100);
  EXPECT_EQ(s->error, "");
  EXPECT_EQ(classify_dv_state("PLANNING"), DvStateKind::running);
  EXPECT_EQ(classify_dv_state("QUERY_RUNNING"), DvStateKind::running);
  EXPECT_EQ(classify_dv_state("PROCESS_RUNNING"), DvStateKind::running);
  EXPECT_EQ(classify_dv_state("EVENTS_RUNNING"), DvStateKind::running);
  EXPECT_EQ(classify_dv_state("SOMETHING_NEW"), DvStateKind::running);
  EXPECT_EQ(classify_dv_state("FINISHED"), DvStateKind::finished);
  EXPECT_EQ(classify_dv_state("CANCELLED"), DvStateKind::cancelled);

  S1Harness bad(
      [](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"responseState":["RUNNING"]}})"); });
  DeepVisibility dv2(bad.config, bad.upstream);
  auto missing = bad.run(dv2.query_status(kQueryId));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace triagent
