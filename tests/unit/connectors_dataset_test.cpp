// DataSet connector: config validation and the v1 query client (/api/powerQuery, /api/query).
#include <gtest/gtest.h>

#include "connectors_dataset_test_support.hpp"
#include "triagent/connectors/dataset_client.hpp"

namespace triagent {
namespace {

using dataset_test::body_of;
using dataset_test::DataSetHarness;
using dataset_test::header_of;
using dataset_test::kReadKey;
using testing::api_sample;
using testing::json_response;

HttpResult ok_json(std::string body) { return json_response(200, std::move(body)); }

// ---- config ---------------------------------------------------------------------------------

TEST(DataSetConfigTest, TestConfigIsValidWithARealPollInterval) {
  DataSetConfig c = dataset_test::test_config();
  c.lrq.poll_interval_ms = 1'000;  // the tests poll every 1 ms, below the allowed minimum
  auto ok = validate(c);
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST(DataSetConfigTest, DefaultsAreValidOnceUrlAndKeyAreSet) {
  DataSetConfig c;
  c.base_url = "https://xdr.us1.sentinelone.net";
  c.write_key = Secret("w0123456789abcdef");
  auto ok = validate(c);
  EXPECT_TRUE(ok) << ok.error().message;
  EXPECT_LT(c.add_events.max_batch_bytes, 5 * 1024 * 1024);
  EXPECT_EQ(c.lrq.base_path, "/sdl/v2/api/queries");
  EXPECT_EQ(lrq_base_url(c), "https://xdr.us1.sentinelone.net");
}

std::string invalid_message(DataSetConfig c) {
  auto ok = validate(c);
  return ok ? std::string("<valid>") : ok.error().message;
}

TEST(DataSetConfigTest, NamesTheOffendingKey) {
  DataSetConfig c = dataset_test::test_config();
  c.base_url = "https://xdr.us1.sentinelone.net/api";
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.base_url:", 0), 0u);

  c = dataset_test::test_config();
  c.add_events.max_batch_bytes = 6'000'001;
  EXPECT_EQ(invalid_message(c), "connectors.dataset.add_events.max_batch_bytes: must be within [1024, 6000000]");

  c = dataset_test::test_config();
  c.priority = "urgent";
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.priority:", 0), 0u);

  c = dataset_test::test_config();
  c.tenant = true;
  c.account_ids = {"123"};
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.tenant:", 0), 0u);

  c = dataset_test::test_config();
  c.lrq.poll_interval_ms = 40'000;  // past the ~30 s expiry of an unpolled query
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.lrq.poll_interval_ms:", 0), 0u);

  c = dataset_test::test_config();
  c.lrq.base_path = "sdl/v2/api/queries/";
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.lrq.base_path:", 0), 0u);

  c = dataset_test::test_config();
  c.read_key = Secret();
  c.write_key = Secret();
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.read_key:", 0), 0u);

  c = dataset_test::test_config();
  c.max_rows = 5001;
  EXPECT_EQ(invalid_message(c).rfind("connectors.dataset.max_rows:", 0), 0u);
}

TEST(DataSetConfigTest, NeverEchoesAKey) {
  DataSetConfig c = dataset_test::test_config();
  c.read_key = Secret("secret value with spaces");
  std::string m = invalid_message(c);
  EXPECT_EQ(m.rfind("connectors.dataset.read_key:", 0), 0u) << m;
  EXPECT_EQ(m.find("secret value"), std::string::npos);
}

// ---- powerQuery -----------------------------------------------------------------------------

TEST(DataSetClientTest, PowerQuerySendsBearerScopeAndBody) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(api_sample("dataset_powerQuery_response.json")); });
  h.config.scope = "1234:5678";
  h.config.tenant = true;
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("serverHost = * | group ct = count() by serverHost", {"24h", ""})));
  ASSERT_TRUE(r) << r.error().message;

  auto requests = h.http.requests();
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& req = requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://sdl.test/api/powerQuery");
  EXPECT_EQ(header_of(req, "Authorization"), std::string("Bearer ") + kReadKey);
  EXPECT_EQ(header_of(req, "S1-Scope"), "1234:5678");
  EXPECT_EQ(header_of(req, "Content-Type"), "application/json");
  nlohmann::json body = body_of(req);
  EXPECT_EQ(body["query"], "serverHost = * | group ct = count() by serverHost");
  EXPECT_EQ(body["startTime"], "24h");
  EXPECT_EQ(body["endTime"], "");
  EXPECT_EQ(body["priority"], "low");
  EXPECT_EQ(body["tenant"], true);
  EXPECT_FALSE(body.contains("accountIds"));
}

TEST(DataSetClientTest, PowerQueryOmitsScopeAndTenantWhenUnset) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(api_sample("dataset_powerQuery_response.json")); });
  DataSetClient client(h.config, h.upstream);
  ASSERT_TRUE(h.run(client.power_query(dataset_test::pq("* | limit 1"))));
  const HttpRequest req = h.http.requests().at(0);
  EXPECT_FALSE(find_header(req.headers, "S1-Scope").has_value());
  EXPECT_FALSE(body_of(req).contains("tenant"));
}

TEST(DataSetClientTest, AccountIdsSelectorGoesWithTenantFalse) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(api_sample("dataset_powerQuery_response.json")); });
  h.config.account_ids = {"111", "222"};
  DataSetClient client(h.config, h.upstream);
  ASSERT_TRUE(h.run(client.power_query(dataset_test::pq("* | limit 1"))));
  nlohmann::json body = body_of(h.http.requests().at(0));
  EXPECT_EQ(body["tenant"], false);
  EXPECT_EQ(body["accountIds"], nlohmann::json::array({"111", "222"}));
}

TEST(DataSetClientTest, ParsesTheRecordedPowerQuerySample) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(api_sample("dataset_powerQuery_response.json")); });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("* | group volume = sum(len) by cluster, application")));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->columns.size(), 3u);
  EXPECT_EQ(r->columns[0].name, "cluster");
  EXPECT_EQ(r->columns[1].name, "application");
  EXPECT_EQ(r->columns[2].name, "volume");
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0][0], "cluster-1-eu-central-1:kube-1");
  EXPECT_EQ(r->rows[1][1], "application-1");
  EXPECT_DOUBLE_EQ(r->rows[0][2].get<double>(), 9481810.0);
  EXPECT_EQ(r->matching_events, 8123);
  EXPECT_EQ(r->omitted_events, 0);
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_FALSE(r->truncated);
}

TEST(DataSetClientTest, KeepsAtMostMaxRows) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(api_sample("dataset_powerQuery_response.json")); });
  h.config.max_rows = 1;
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("* | limit 5")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rows.size(), 1u);
  EXPECT_TRUE(r->truncated);
}

TEST(DataSetClientTest, WronglyTypedFieldsNeverThrow) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult {
    return ok_json(R"({"status":"success","columns":[{"name":7},"b",null],"values":[5,["x",{"special":"NaN"}],null],
                       "matchingEvents":"many","omittedEvents":[1],"warnings":[{"message":"slow"},3,"w"]})");
  });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("* | limit 5")));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->columns.size(), 3u);
  EXPECT_EQ(r->columns[0].name, "");
  EXPECT_EQ(r->columns[1].name, "b");
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][1]["special"], "NaN");
  EXPECT_EQ(r->matching_events, 0);
  EXPECT_EQ(r->omitted_events, 0);
  ASSERT_EQ(r->warnings.size(), 4u);
  EXPECT_EQ(r->warnings[0], "slow");
  EXPECT_EQ(r->warnings[2], "w");
}

TEST(DataSetClientTest, OmittedEventsAreReported) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult {
    return ok_json(R"({"status":"success","columns":[{"name":"a"}],"values":[[1]],"matchingEvents":10,"omittedEvents":4.0})");
  });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("a")));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->omitted_events, 4);
}

TEST(DataSetClientTest, ErrorClientStatusIsInvalidArgumentAndNotRetried) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult {
    return ok_json(R"({"status":"error/client/badParam","message":"Unknown function 'cnt'"})");
  });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("* | group cnt()")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(r.error().retry_after_ms.has_value());
  EXPECT_NE(r.error().message.find("error/client/badParam"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Unknown function"), std::string::npos);
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(DataSetClientTest, ErrorServerStatusAsksForALaterRetry) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult {
    return ok_json(R"({"status":"error/server/internal","message":"try again"})");
  });
  h.config.server_error_retry_ms = 12'000;
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_EQ(*r.error().retry_after_ms, 12'000);
}

TEST(DataSetClientTest, BackoffStatusUsesTheServersWait) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult {
    return ok_json(R"({"status":"error/server/backoff","message":"cpu","rateLimit":{"cpuUsageSecondsToWait":4.2}})");
  });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_EQ(*r.error().retry_after_ms, 4'200);
}

TEST(DataSetClientTest, MissingOrUnknownStatusIsUnavailable) {
  for (const char* body : {R"({"columns":[]})", R"({"status":"weird"})", "<html>busy</html>", ""}) {
    DataSetHarness h([body](const HttpRequest&) -> HttpResult { return ok_json(body); });
    DataSetClient client(h.config, h.upstream);
    auto r = h.run(client.power_query(dataset_test::pq("*")));
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().code, ErrorCode::unavailable) << body;
    EXPECT_TRUE(r.error().retry_after_ms.has_value()) << body;
  }
}

TEST(DataSetClientTest, UnauthorizedIsUnauthenticatedAndNeverShowsTheKey) {
  DataSetHarness h([](const HttpRequest& req) -> HttpResult {
    // A hostile or buggy server echoing the credential back must not leak it into errors.
    std::string auth = std::string(*find_header(req.headers, "Authorization"));
    return json_response(401, R"({"status":"error/client/noPermission","message":"bad token )" + auth + R"("})");
  });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().upstream_status, 401);
  EXPECT_NE(r.error().message.find("HTTP 401"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kReadKey), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("<redacted>"), std::string::npos) << r.error().message;
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(DataSetClientTest, ForbiddenAndNotFoundKeepTheirStatus) {
  for (int status : {403, 404}) {
    DataSetHarness h([status](const HttpRequest&) -> HttpResult { return json_response(status, "{}"); });
    DataSetClient client(h.config, h.upstream);
    auto r = h.run(client.power_query(dataset_test::pq("*")));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, status == 403 ? ErrorCode::forbidden : ErrorCode::not_found);
    EXPECT_EQ(r.error().upstream_status, status);
  }
}

TEST(DataSetClientTest, ServerErrorsAreRetriedByCallUpstream) {
  int calls = 0;
  DataSetHarness h([&calls](const HttpRequest&) -> HttpResult {
    return ++calls < 3 ? json_response(503, "{}") : ok_json(api_sample("dataset_powerQuery_response.json"));
  });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.power_query(dataset_test::pq("*")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(DataSetClientTest, RefusesBadQueriesWithoutCalling) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json("{}"); });
  DataSetClient client(h.config, h.upstream);
  auto empty = h.run(client.power_query(dataset_test::pq("")));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::invalid_argument);
  auto huge = h.run(client.power_query(dataset_test::pq(std::string(10'001, 'x'))));
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, ErrorCode::invalid_argument);

  h.config.read_key = Secret();
  DataSetClient keyless(h.config, h.upstream);
  auto r = h.run(keyless.power_query(dataset_test::pq("*")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_NE(r.error().message.find("connectors.dataset.read_key"), std::string::npos);
  EXPECT_TRUE(h.http.requests().empty());
}

// ---- query ----------------------------------------------------------------------------------

TEST(DataSetClientTest, LogQuerySendsItsFieldsAndJoinsSessions) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult {
    return ok_json(R"({"status":"success",
      "matches":[{"timestamp":"1700000000000000001","message":"login failed","severity":5,"session":"s1",
                  "thread":"7","attributes":{"user":"bob","port":22}},
                 {"timestamp":1700000000000000002,"message":3,"severity":"high","session":"nope"},
                 "garbage"],
      "sessions":{"s1":{"serverHost":"web-1","logfile":"/var/log/auth.log"}},
      "continuationToken":"ct-2"})");
  });
  DataSetClient client(h.config, h.upstream);
  DataSetLogQuery q;
  q.filter = "$serverHost == \"web-1\" error";
  q.range = {"1700000000000", "1700000600000"};
  q.max_count = 50'000;  // capped at max_rows
  q.continuation_token = "ct-1";
  auto r = h.run(client.query(q));
  ASSERT_TRUE(r) << r.error().message;

  const HttpRequest req = h.http.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://sdl.test/api/query");
  EXPECT_EQ(header_of(req, "Authorization"), std::string("Bearer ") + kReadKey);
  nlohmann::json body = body_of(req);
  EXPECT_EQ(body["queryType"], "log");
  EXPECT_EQ(body["filter"], q.filter);
  EXPECT_EQ(body["startTime"], "1700000000000");
  EXPECT_EQ(body["endTime"], "1700000600000");
  EXPECT_EQ(body["maxCount"], 1000);
  EXPECT_EQ(body["pageMode"], "tail");
  EXPECT_EQ(body["priority"], "low");
  EXPECT_EQ(body["continuationToken"], "ct-1");

  ASSERT_EQ(r->events.size(), 2u);
  const DataSetLogEvent& e = r->events[0];
  EXPECT_EQ(e.timestamp_ns, 1700000000000000001);
  EXPECT_EQ(e.message, "login failed");
  EXPECT_EQ(e.severity, 5);
  EXPECT_EQ(e.thread, "7");
  EXPECT_EQ(e.attributes["user"], "bob");
  EXPECT_EQ(e.session_attributes["serverHost"], "web-1");
  EXPECT_EQ(r->events[1].timestamp_ns, 1700000000000000002);
  EXPECT_EQ(r->events[1].message, "");
  EXPECT_EQ(r->events[1].severity, 3);
  EXPECT_TRUE(r->events[1].session_attributes.empty());
  EXPECT_EQ(r->continuation_token, "ct-2");
}

TEST(DataSetClientTest, LogQueryHonoursASmallerMaxCount) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(R"({"status":"success","matches":[]})"); });
  DataSetClient client(h.config, h.upstream);
  DataSetLogQuery q;
  q.max_count = 20;
  auto r = h.run(client.query(q));
  ASSERT_TRUE(r) << r.error().message;
  nlohmann::json body = body_of(h.http.requests().at(0));
  EXPECT_EQ(body["maxCount"], 20);
  EXPECT_FALSE(body.contains("continuationToken"));
  EXPECT_TRUE(r->events.empty());
  EXPECT_EQ(r->continuation_token, "");
}

TEST(DataSetClientTest, LogQueryStatusPrefixes) {
  DataSetHarness h([](const HttpRequest&) -> HttpResult { return ok_json(R"({"status":"error/client/badParam/filter"})"); });
  DataSetClient client(h.config, h.upstream);
  auto r = h.run(client.query({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace triagent
