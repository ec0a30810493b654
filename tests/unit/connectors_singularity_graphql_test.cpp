// Unified alerts GraphQL (apis.md B.7): the alert read and the addNote mutation, where a 200
// answer can still be a failure.

#include <gtest/gtest.h>

#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::api_sample;
using testing::contains;
using testing::json_response;
using testing::S1Harness;

constexpr const char* kAlertId = "01tc8est-test-7a6f-beeb-eddummya986";
constexpr const char* kGraphqlUrl = "https://s1.test/web/api/v2.1/unifiedalerts/graphql";

std::string triggered(json action) {
  return json{
      {"data", {{"alertTriggerActions", {{"__typename", "ActionsTriggered"}, {"actions", json::array({action})}}}}}}
      .dump();
}

json action(json success, json failure, json skip) {
  return {{"actionId", "S1/alert/addNote"}, {"success", success}, {"failure", failure}, {"skip", skip}};
}

TEST(SingularityAlertsGraphql, GetAlertSendsTheQueryAndParsesTheSample) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, api_sample("s1_uam_graphql_alert_by_id_response.json"));
  });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto a = h.run(uam.get_alert(kAlertId));
  ASSERT_TRUE(a) << a.error().message;

  EXPECT_EQ(h.request(0).method, "POST");
  EXPECT_EQ(h.request(0).url, kGraphqlUrl);
  EXPECT_EQ(h.header(0, "authorization"), std::string("ApiToken ") + testing::kS1Token);
  EXPECT_EQ(h.header(0, "content-type"), "application/json");
  json body = h.body(0);
  ASSERT_TRUE(body["query"].is_string());
  EXPECT_TRUE(contains(body["query"].get<std::string>(), "query GetAlert($id: ID!) { alert(id: $id) {"));
  EXPECT_EQ(body["variables"], (json{{"id", kAlertId}}));

  EXPECT_EQ(a->id, kAlertId);
  EXPECT_EQ(a->name, "hhau2.txt detected as Malware");
  EXPECT_EQ(a->severity, "MEDIUM");
  EXPECT_EQ(a->status, "IN_PROGRESS");
  EXPECT_EQ(a->result, "MITIGATED");
  EXPECT_EQ(a->analyst_verdict, "TRUE_POSITIVE_RANSOMWARE");
  EXPECT_EQ(a->classification, "MALWARE");
  EXPECT_EQ(a->confidence_level, "MALICIOUS");
  EXPECT_EQ(a->external_id, "1234567891011");
  EXPECT_EQ(a->detected_at, "2026-02-24T11:34:37.315Z");
  EXPECT_FALSE(a->note_exists);
  EXPECT_EQ(a->storyline_id, "");
  EXPECT_EQ(a->detection_product, "EDR");
  EXPECT_EQ(a->detection_vendor, "SentinelOne");
  EXPECT_EQ(a->asset_id, "dummyid1234");
  EXPECT_EQ(a->asset_name, "TEST");
  EXPECT_EQ(a->agent_uuid, "dummytest12345");
  EXPECT_EQ(a->asset_os_type, "WINDOWS");
  EXPECT_EQ(a->asset_connectivity, "ONLINE");
  EXPECT_EQ(a->last_logged_in_user, "joe");
  EXPECT_EQ(a->ip_v4, "1.2.3.4");
  EXPECT_EQ(a->account_id, "123456789101112");
  EXPECT_EQ(a->account_name, "SentinelOne");
  EXPECT_EQ(a->site_name, "Default site");
  EXPECT_EQ(a->group_name, "Default group");
}

TEST(SingularityAlertsGraphql, AnAssetsListStandsInForAsset) {
  auto a = parse_uam_alert(json::parse(R"({"id":"x","assets":[{"id":"a1","name":"host-1"}],
      "detectionTime":{"scope":{"accountId":"9","siteName":"s"}}})"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->asset_name, "host-1");
  EXPECT_EQ(a->account_id, "9");
  EXPECT_EQ(a->site_name, "s");
}

TEST(SingularityAlertsGraphql, ANullAlertIsNotFound) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"alert":null}})"); });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto a = h.run(uam.get_alert("a-1"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::not_found);
}

TEST(SingularityAlertsGraphql, ErrorsInA200AreErrors) {
  struct Case {
    const char* body;
    ErrorCode code;
    const char* text;
  };
  const Case cases[] = {
      {R"({"errors":[{"message":"Variable \"$id\" got invalid value","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}],"data":null})",
       ErrorCode::invalid_argument, "GraphQL error: Variable \"$id\" got invalid value"},
      {R"({"errors":[{"message":"denied","extensions":{"code":"FORBIDDEN"}}],"data":{"alert":{"id":"a-1"}}})",
       ErrorCode::forbidden, "denied"},
      {R"({"errors":[{"message":"Missing UAM view permissions"}]})", ErrorCode::forbidden,
       "Missing UAM view permissions"},
      {R"({"errors":[{"message":"Not logged in","extensions":{"code":"UNAUTHENTICATED"}}]})",
       ErrorCode::unauthenticated, "Not logged in"},
      {R"({"errors":[{"message":"boom"}]})", ErrorCode::unavailable, "boom"},
      {R"({"errors":[{}]})", ErrorCode::unavailable, "unspecified"},
      {R"({"data":"x"})", ErrorCode::unavailable, "no data"},
  };
  for (const Case& c : cases) {
    S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(200, c.body); });
    SingularityAlertsGraphql uam(h.config, h.upstream);
    auto a = h.run(uam.get_alert("a-1"));
    ASSERT_FALSE(a) << c.body;
    EXPECT_EQ(a.error().code, c.code) << c.body;
    EXPECT_TRUE(contains(a.error().message, c.text)) << a.error().message;
    EXPECT_EQ(a.error().upstream_status, 200);
  }
}

TEST(SingularityAlertsGraphql, HttpFailuresMapLikeRest) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(401, R"({"errors":[{"code":4010010,"detail":null,"title":"Authentication Failed"}]})");
  });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto r = h.run(uam.add_alert_note("a-1", "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().message, "singularity add uam alert note: HTTP 401: Authentication Failed (code 4010010)");
}

TEST(SingularityAlertsGraphql, AddNoteSendsTheMutationWithTheTextAsAVariable) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, triggered(action(json::array({{{"id", kAlertId}}}), json::array(), json::array())));
  });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  const std::string note = "AI summary: \"quoted\" } mutation { evil }\nline 2";
  auto r = h.run(uam.add_alert_note(kAlertId, note));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(h.request(0).url, kGraphqlUrl);
  json body = h.body(0);
  const std::string query = body["query"].get<std::string>();
  EXPECT_TRUE(contains(query, "mutation AddAlertNote($alertId: String!, $note: String!)"));
  EXPECT_TRUE(contains(query, "alertTriggerActions("));
  EXPECT_TRUE(contains(query, "id: \"S1/alert/addNote\", payload: { note: { value: $note } }"));
  EXPECT_TRUE(contains(query, "filter: { or: [{ and: [{ fieldId: \"id\", stringEqual: { value: $alertId } }] }] }"));
  EXPECT_TRUE(contains(query, "failure { id errorMessage }"));
  EXPECT_FALSE(contains(query, "evil"));
  EXPECT_EQ(body["variables"], (json{{"alertId", kAlertId}, {"note", note}}));
}

TEST(SingularityAlertsGraphql, AFailureListInA200IsAnError) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    json failure = json::array({{{"id", kAlertId}, {"errorMessage", "Missing UAM manage permissions"}}});
    return json_response(200, triggered(action(json::array(), failure, json::array())));
  });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  auto r = h.run(uam.add_alert_note(kAlertId, "x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  EXPECT_EQ(r.error().message, "singularity add uam alert note: refused: Missing UAM manage permissions");
}

TEST(SingularityAlertsGraphql, EveryOtherNonSuccessIsAnError) {
  struct Case {
    std::string body;
    ErrorCode code;
  };
  const Case cases[] = {
      // an unknown action comes back as an empty list
      {R"({"data":{"alertTriggerActions":{"actions":[]}}})", ErrorCode::invalid_argument},
      {triggered(action(json::array(), json::array({{{"id", kAlertId}}}), json::array())), ErrorCode::unavailable},
      {triggered(action(json::array(), json::array(), json::array({{{"id", kAlertId}}}))), ErrorCode::conflict},
      {triggered(action(json::array({{{"id", "another"}}}), json::array(), json::array())), ErrorCode::unavailable},
      {R"({"data":{"alertTriggerActions":{"errors":[{"errorMessage":"limit reached"}]}}})", ErrorCode::unavailable},
      {R"({"data":{"alertTriggerActions":null}})", ErrorCode::unavailable},
      {R"({"data":{"alertTriggerActions":{"actions":"x"}}})", ErrorCode::invalid_argument},
      {R"({"errors":[{"message":"Cannot query field \"x\""}],"data":null})", ErrorCode::unavailable},
  };
  for (const Case& c : cases) {
    S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(200, c.body); });
    SingularityAlertsGraphql uam(h.config, h.upstream);
    auto r = h.run(uam.add_alert_note(kAlertId, "x"));
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body << " -> " << r.error().message;
  }
}

TEST(SingularityAlertsGraphql, BadIdsAndEmptyNotesAreRejectedBeforeAnyCall) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, "{}"); });
  SingularityAlertsGraphql uam(h.config, h.upstream);
  EXPECT_FALSE(h.run(uam.get_alert("a\"b")));
  EXPECT_FALSE(h.run(uam.add_alert_note("", "x")));
  EXPECT_FALSE(h.run(uam.add_alert_note("a-1", "")));
  EXPECT_EQ(h.request_count(), 0u);
}

}  // namespace
}  // namespace triagent
