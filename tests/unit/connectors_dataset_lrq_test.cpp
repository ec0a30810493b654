// DataSet Long Running Query runner: launch -> poll with the forward tag -> result -> delete.
#include <gtest/gtest.h>

#include <atomic>

#include "connectors_dataset_test_support.hpp"
#include "triagent/connectors/dataset_lrq.hpp"

namespace triagent {
namespace {

using dataset_test::body_of;
using dataset_test::DataSetHarness;
using dataset_test::header_of;
using dataset_test::kReadKey;
using testing::json_response;

const char* const kBase = "https://console.test/sdl/v2/api/queries";

const char* const kTableData = R"({"matchCount":42,"columns":[{"name":"endpoint.name","cellType":"STRING"},
  {"name":"fails","cellType":"NUMBER","decimalPlaces":0}],"values":[["host-a",9],["host-b",6]],
  "keyColumns":[0],"omittedEvents":0,"partialResultsDueToTimeLimit":true,"warnings":["sampled"]})";

std::string progress(int done, int total, const char* total_key = "stepsTotal", const char* data = "null") {
  return std::string(R"({"id":"q/1","stepsCompleted":)") + std::to_string(done) + ",\"" + total_key +
         "\":" + std::to_string(total) + R"(,"resolvedTimeRange":{"start":1,"end":2},"data":)" + data + "}";
}

// A server that finishes the query in `steps` polls and answers DELETE with 204.
struct LrqServer {
  int steps = 3;
  const char* total_key = "stepsTotal";
  std::atomic<int> polls{0};

  HttpResult operator()(const HttpRequest& req) {
    if (req.method == "POST") return json_response(200, progress(0, steps, total_key), {{"X-Dataset-Query-Forward-Tag", "tag-A"}});
    if (req.method == "DELETE") return json_response(204, "");
    int n = ++polls;
    if (n < steps) return json_response(200, progress(n, steps, total_key));
    return json_response(200, progress(steps, steps, total_key, kTableData));
  }
};

TEST(DataSetLrqTest, LaunchesPollsWithTheForwardTagAndDeletes) {
  LrqServer server;
  DataSetHarness h([&server](const HttpRequest& r) { return server(r); }, "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("event.type = 'Login' | group fails = count() by endpoint.name",
                                                  {"2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z"})));
  ASSERT_TRUE(r) << r.error().message;

  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 5u);  // launch, 3 polls, delete
  const HttpRequest& launch = requests[0];
  EXPECT_EQ(launch.method, "POST");
  EXPECT_EQ(launch.url, kBase);
  EXPECT_EQ(header_of(launch, "Authorization"), std::string("Bearer ") + kReadKey);
  nlohmann::json body = body_of(launch);
  EXPECT_EQ(body["queryType"], "PQ");
  EXPECT_EQ(body["startTime"], "2025-01-01T00:00:00Z");
  EXPECT_EQ(body["endTime"], "2025-01-01T01:00:00Z");
  EXPECT_EQ(body["queryPriority"], "LOW");
  EXPECT_EQ(body["pq"]["query"], "event.type = 'Login' | group fails = count() by endpoint.name");
  EXPECT_EQ(body["pq"]["resultType"], "TABLE");

  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(requests[i].method, "GET");
    EXPECT_EQ(requests[i].url, std::string(kBase) + "/q%2F1?lastStepSeen=" + std::to_string(i - 1));
    EXPECT_EQ(header_of(requests[i], "X-Dataset-Query-Forward-Tag"), "tag-A");
    EXPECT_EQ(header_of(requests[i], "Authorization"), std::string("Bearer ") + kReadKey);
    EXPECT_TRUE(requests[i].body.empty());
  }
  EXPECT_EQ(requests[4].method, "DELETE");
  EXPECT_EQ(requests[4].url, std::string(kBase) + "/q%2F1");
  EXPECT_EQ(header_of(requests[4], "X-Dataset-Query-Forward-Tag"), "tag-A");

  ASSERT_EQ(r->columns.size(), 2u);
  EXPECT_EQ(r->columns[0].name, "endpoint.name");
  EXPECT_EQ(r->columns[0].cell_type, "STRING");
  EXPECT_EQ(r->columns[1].decimal_places, 0);
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0][0], "host-a");
  EXPECT_EQ(r->rows[1][1], 6);
  EXPECT_EQ(r->matching_events, 42);
  EXPECT_TRUE(r->partial);
  EXPECT_EQ(r->warnings, std::vector<std::string>{"sampled"});

  DataSetLrqStats s = lrq.stats();
  EXPECT_EQ(s.launched, 1);
  EXPECT_EQ(s.polls, 3);
  EXPECT_EQ(s.completed, 1);
  EXPECT_EQ(s.failed, 0);
  EXPECT_EQ(s.delete_failures, 0);
}

TEST(DataSetLrqTest, ReadsTheTotalStepsSpellingToo) {
  LrqServer server;
  server.steps = 2;
  server.total_key = "totalSteps";
  DataSetHarness h([&server](const HttpRequest& r) { return server(r); }, "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("* | limit 2")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(h.http.requests().size(), 4u);
}

TEST(DataSetLrqTest, FinishedAtLaunchNeedsNoPoll) {
  DataSetHarness h(
      [](const HttpRequest& req) -> HttpResult {
        if (req.method == "DELETE") return json_response(204, "");
        return json_response(200, progress(1, 1, "stepsTotal", kTableData), {{"X-Dataset-Query-Forward-Tag", "t"}});
      },
      "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("* | limit 2")));
  ASSERT_TRUE(r) << r.error().message;
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "DELETE");
}

TEST(DataSetLrqTest, FollowsANewerForwardTag) {
  int polls = 0;
  DataSetHarness h(
      [&polls](const HttpRequest& req) -> HttpResult {
        if (req.method == "POST") return json_response(200, progress(0, 2), {{"X-Dataset-Query-Forward-Tag", "tag-A"}});
        if (req.method == "DELETE") return json_response(204, "");
        if (++polls == 1) return json_response(200, progress(1, 2), {{"X-Dataset-Query-Forward-Tag", "tag-B"}});
        return json_response(200, progress(2, 2, "stepsTotal", kTableData));
      },
      "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  ASSERT_TRUE(h.run(lrq.power_query(dataset_test::pq("*"))));
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(header_of(requests[1], "X-Dataset-Query-Forward-Tag"), "tag-A");
  EXPECT_EQ(header_of(requests[2], "X-Dataset-Query-Forward-Tag"), "tag-B");
  EXPECT_EQ(header_of(requests[3], "X-Dataset-Query-Forward-Tag"), "tag-B");
}

TEST(DataSetLrqTest, DeletesAfterAFailedPoll) {
  DataSetHarness h(
      [](const HttpRequest& req) -> HttpResult {
        if (req.method == "POST") return json_response(200, progress(0, 3), {{"X-Dataset-Query-Forward-Tag", "tag-A"}});
        if (req.method == "DELETE") return json_response(204, "");
        return json_response(404, R"({"message":"no such query"})");
      },
      "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().upstream_status, 404);
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].method, "DELETE");
  EXPECT_EQ(requests[2].url, std::string(kBase) + "/q%2F1");
  EXPECT_EQ(lrq.stats().failed, 1);
}

TEST(DataSetLrqTest, DeletesAfterAServerSideQueryError) {
  DataSetHarness h(
      [](const HttpRequest& req) -> HttpResult {
        if (req.method == "POST") return json_response(200, progress(0, 3), {{"X-Dataset-Query-Forward-Tag", "tag-A"}});
        if (req.method == "DELETE") return json_response(204, "");
        return json_response(200, R"({"id":"q/1","stepsCompleted":1,"stepsTotal":3,"error":{"message":"parse error at 'cnt'"}})");
      },
      "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("* | group cnt()")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("parse error at 'cnt'"), std::string::npos) << r.error().message;
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].method, "DELETE");
}

TEST(DataSetLrqTest, GivesUpAfterMaxPollsAndDeletes) {
  DataSetHarness h(
      [](const HttpRequest& req) -> HttpResult {
        if (req.method == "POST") return json_response(200, progress(0, 9), {{"X-Dataset-Query-Forward-Tag", "tag-A"}});
        if (req.method == "DELETE") return json_response(500, "{}");  // and the delete fails too
        return json_response(200, progress(1, 9));
      },
      "https://console.test");
  h.config.lrq.max_polls = 4;
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_NE(r.error().message.find("4 polls"), std::string::npos) << r.error().message;
  auto requests = h.http.requests();
  // launch, 4 polls, then the delete with call_upstream's 3 attempts on a 500
  ASSERT_EQ(requests.size(), 1u + 4u + 3u);
  EXPECT_EQ(requests.back().method, "DELETE");
  EXPECT_EQ(lrq.stats().delete_failures, 1);
  EXPECT_EQ(lrq.stats().polls, 4);
}

TEST(DataSetLrqTest, AFailedLaunchHasNothingToDelete) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return json_response(401, R"({"message":"Header must start with Bearer"})"); },
                   "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().upstream_status, 401);
  EXPECT_EQ(r.error().message.find(kReadKey), std::string::npos);
  EXPECT_EQ(h.http.requests().size(), 1u);
  EXPECT_EQ(lrq.stats().launched, 0);
}

TEST(DataSetLrqTest, LaunchAnswerWithoutIdIsUnavailable) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"stepsTotal":"x","id":5})"); },
                   "https://console.test");
  DataSetLrq lrq(h.config, h.upstream);
  auto r = h.run(lrq.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(DataSetLrqTest, UsesTheLrqTokenScopeAndAccountSelector) {
  LrqServer server;
  server.steps = 1;
  DataSetHarness h([&server](const HttpRequest& r) { return server(r); }, "https://console.test");
  h.config.lrq.token = Secret("console-jwt-0123456789");
  h.config.scope = "900";
  h.config.account_ids = {"900"};
  h.config.priority = "high";
  h.config.lrq.base_path = "/v2/api/queries";
  DataSetLrq lrq(h.config, h.upstream);
  ASSERT_TRUE(h.run(lrq.power_query(dataset_test::pq("*"))));
  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const HttpRequest& req : requests) {
    EXPECT_EQ(header_of(req, "Authorization"), "Bearer console-jwt-0123456789");
    EXPECT_EQ(header_of(req, "S1-Scope"), "900");
  }
  EXPECT_EQ(requests[0].url, "https://console.test/v2/api/queries");
  nlohmann::json body = body_of(requests[0]);
  EXPECT_EQ(body["queryPriority"], "HIGH");
  EXPECT_EQ(body["tenant"], false);
  EXPECT_EQ(body["accountIds"], nlohmann::json::array({"900"}));
}

}  // namespace
}  // namespace triagent
