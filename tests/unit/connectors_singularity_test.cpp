// SingularityConfig, URL building and the threats connector (apis.md B.1-B.5) against recorded
// samples served by a ScriptedHttpClient.

#include <gtest/gtest.h>

#include "connectors/singularity_url.hpp"
#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/singularity_threats.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::api_sample;
using testing::contains;
using testing::json_response;
using testing::kS1Token;
using testing::S1Harness;
using testing::transport_error;

constexpr const char* kThreatId = "715718962991148224";
constexpr const char* kThreatsUrl = "https://s1.test/web/api/v2.1/threats";

HttpResult sample(const char* name) { return json_response(200, api_sample(name)); }

json threat_page(std::vector<std::string> ids, json cursor) {
  json data = json::array();
  for (auto& id : ids) data.push_back({{"id", id}, {"threatInfo", {{"threatName", "t" + id}}}});
  return {{"data", data}, {"pagination", {{"nextCursor", cursor}, {"totalItems", 9}}}};
}

// ---- config -------------------------------------------------------------------------------------

TEST(SingularityConfig, TheTestConfigIsValid) { EXPECT_TRUE(validate(testing::s1_test_config())); }

TEST(SingularityConfig, RejectsBadValuesNamingTheKeyButNeverTheToken) {
  struct Case {
    const char* key;
    void (*apply)(SingularityConfig&);
  };
  const Case cases[] = {
      {"base_url", [](SingularityConfig& c) { c.base_url = ""; }},
      {"base_url", [](SingularityConfig& c) { c.base_url = "ftp://s1.test"; }},
      {"base_url", [](SingularityConfig& c) { c.base_url = "https://s1.test/"; }},
      {"base_url", [](SingularityConfig& c) { c.base_url = "https://s1.test/web/api/v2.1"; }},
      {"api_token", [](SingularityConfig& c) { c.api_token = Secret(); }},
      {"api_token", [](SingularityConfig& c) { c.api_token = Secret(std::string(kS1Token) + " x"); }},
      {"account_ids", [](SingularityConfig& c) { c.account_ids = {"1&siteIds=2"}; }},
      {"site_ids",
       [](SingularityConfig& c) {
         c.site_ids = {"1", ""};
       }},
      {"page_size", [](SingularityConfig& c) { c.page_size = 0; }},
      {"page_size", [](SingularityConfig& c) { c.page_size = 1001; }},
      {"max_pages", [](SingularityConfig& c) { c.max_pages = 0; }},
      {"deep_visibility.poll_interval_ms", [](SingularityConfig& c) { c.deep_visibility.poll_interval_ms = 0; }},
      {"deep_visibility.max_polls", [](SingularityConfig& c) { c.deep_visibility.max_polls = 0; }},
      {"deep_visibility.page_limit", [](SingularityConfig& c) { c.deep_visibility.page_limit = 1001; }},
      {"deep_visibility.max_events", [](SingularityConfig& c) { c.deep_visibility.max_events = 20'001; }},
      {"deep_visibility.status_requests_per_second",
       [](SingularityConfig& c) { c.deep_visibility.status_requests_per_second = 0; }},
  };
  for (const Case& c : cases) {
    SingularityConfig cfg = testing::s1_test_config();
    c.apply(cfg);
    auto ok = validate(cfg);
    ASSERT_FALSE(ok) << c.key;
    EXPECT_EQ(ok.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(ok.error().message.rfind(std::string("connectors.singularity.") + c.key + ":", 0), 0u)
        << ok.error().message;
    EXPECT_FALSE(contains(ok.error().message, kS1Token)) << ok.error().message;
  }
}

TEST(SingularityConfig, AcceptsAPlainHttpSimulatorWithAPort) {
  SingularityConfig cfg = testing::s1_test_config();
  cfg.base_url = "http://127.0.0.1:18080";
  EXPECT_TRUE(validate(cfg));
}

// ---- URL pieces ---------------------------------------------------------------------------------

TEST(SingularityUrl, PercentEncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(s1::percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(s1::percent_encode("a&b=c/d?e#f g+%,"), "a%26b%3Dc%2Fd%3Fe%23f%20g%2B%25%2C");
  EXPECT_EQ(s1::percent_encode("\xc3\xa9"), "%C3%A9");
}

TEST(SingularityUrl, DecodesCursorsOnceAndKeepsStrayPercents) {
  EXPECT_EQ(s1::percent_decode("eyJk%3D%3d"), "eyJk==");
  EXPECT_EQ(s1::percent_decode("50%"), "50%");
  EXPECT_EQ(s1::percent_decode("%zz%4"), "%zz%4");
}

TEST(SingularityUrl, IdsRejectSeparatorsAndOddLengths) {
  EXPECT_TRUE(s1::check_id(kThreatId, "id"));
  EXPECT_TRUE(s1::check_id("q9679169d5a4607cc41a9100123456789", "id"));
  EXPECT_TRUE(s1::check_id("01tc8est-test-7a6f-beeb-eddummya986", "id"));
  for (const char* bad : {"", "7&ids=8", "7/notes", "../7", "1,2", "7 8", "%26", "7?x", "7#", "7\n"}) {
    auto ok = s1::check_id(bad, "threat id");
    ASSERT_FALSE(ok) << bad;
    EXPECT_EQ(ok.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_FALSE(s1::check_id(std::string(65, '1'), "id"));
}

TEST(SingularityUrl, QueryStringEncodesValuesAndJoinsLists) {
  s1::QueryString q;
  q.add("createdAt__gt", "2024-01-01T00:00:00Z").add_list("ids", {"1", "2"});
  EXPECT_EQ(q.str(), "?createdAt__gt=2024-01-01T00%3A00%3A00Z&ids=1,2");
  EXPECT_EQ(s1::QueryString().str(), "");
}

// ---- get threat ---------------------------------------------------------------------------------

TEST(SingularityThreats, GetThreatSendsTheApiTokenAndParsesTheSample) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return sample("s1_threats_v21_response.json"); });
  SingularityThreats threats(h.config, h.upstream);
  auto t = h.run(threats.get_threat(kThreatId));
  ASSERT_TRUE(t) << t.error().message;

  ASSERT_EQ(h.request_count(), 1u);
  EXPECT_EQ(h.request(0).method, "GET");
  EXPECT_EQ(h.request(0).url, std::string(kThreatsUrl) + "?ids=" + kThreatId);
  EXPECT_EQ(h.header(0, "authorization"), std::string("ApiToken ") + kS1Token);
  EXPECT_EQ(h.header(0, "accept"), "application/json");
  EXPECT_TRUE(h.request(0).body.empty());

  EXPECT_EQ(t->id, kThreatId);
  EXPECT_EQ(t->name, "Unconfirmed 123490.crdownload");
  EXPECT_EQ(t->agent_id, "657613730168123595");
  EXPECT_EQ(t->agent_uuid, "f431b0a1a8744d2a8a92fc88fa3c13bc");
  EXPECT_EQ(t->agent_computer_name, "EC2AMAZ-AJ0KANC");
  EXPECT_EQ(t->agent_os_type, "windows");
  EXPECT_EQ(t->agent_network_status, "connecting");
  EXPECT_EQ(t->account_id, "433241117337583618");
  EXPECT_EQ(t->site_id, "475482421366727779");
  EXPECT_EQ(t->site_name, "demisto");
  EXPECT_EQ(t->group_name, "Default Group");
  EXPECT_EQ(t->agent_ips, (std::vector<std::string>{"8.8.8.8", "fe80::1da3:1ca8:b311:af32"}));
  EXPECT_EQ(t->classification, "Malware");
  EXPECT_EQ(t->confidence_level, "malicious");
  EXPECT_EQ(t->analyst_verdict, "undefined");
  EXPECT_EQ(t->incident_status, "resolved");
  EXPECT_EQ(t->mitigation_status, "mitigated");
  EXPECT_EQ(t->file_path, "\\Device\\HarddiskVolume1\\Users\\Administrator\\Downloads\\Unconfirmed 123490.crdownload");
  EXPECT_EQ(t->sha1, "3395856ce81f2b7382dee72602f798b642f14140");
  EXPECT_EQ(t->sha256, "");
  EXPECT_EQ(t->md5, "");
  EXPECT_EQ(t->storyline, "A8F6CB4CB9AE09A1");
  EXPECT_EQ(t->process_user, "EC2AMAZ-AJ0KANC\\Administrator");
  EXPECT_EQ(t->initiated_by, "agent_policy");
  EXPECT_EQ(t->detection_type, "static");
  EXPECT_EQ(t->engines, (std::vector<std::string>{"Reputation"}));
  EXPECT_EQ(t->created_at, "2019-09-15T12:05:49.095889Z");
  EXPECT_EQ(t->created_at_ms, 1568549149095);
  EXPECT_EQ(t->updated_at, "2020-04-02T14:52:28.528753Z");
  EXPECT_TRUE(t->raw.contains("mitigationStatus"));
}

TEST(SingularityThreats, GetThreatAddsTheConfiguredScope) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return sample("s1_threats_v21_response.json"); });
  h.config.account_ids = {"433241117337583618"};
  h.config.site_ids = {"1", "2"};
  SingularityThreats threats(h.config, h.upstream);
  ASSERT_TRUE(h.run(threats.get_threat(kThreatId)));
  EXPECT_EQ(h.request(0).url,
            std::string(kThreatsUrl) + "?ids=" + kThreatId + "&accountIds=433241117337583618&siteIds=1,2");
}

TEST(SingularityThreats, IdsThatCouldChangeTheUrlAreRejectedBeforeAnyCall) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return sample("s1_threats_v21_response.json"); });
  SingularityThreats threats(h.config, h.upstream);
  for (const char* bad : {"7&ids=8", "7/notes", "", "7%26x"}) {
    auto t = h.run(threats.get_threat(bad));
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::invalid_argument);
    auto n = h.run(threats.list_notes(bad));
    ASSERT_FALSE(n);
    auto w = h.run(threats.add_note(bad, "x"));
    ASSERT_FALSE(w);
    auto v = h.run(threats.set_incident_status(bad, IncidentStatus::resolved));
    ASSERT_FALSE(v);
  }
  ThreatFilter filter;
  filter.agent_ids = {"1&siteIds=2"};
  EXPECT_FALSE(h.run(threats.list_threats(filter)));
  EXPECT_EQ(h.request_count(), 0u);
}

TEST(SingularityThreats, AnEmptyListOrAnotherThreatIsNotFound) {
  int call = 0;
  S1Harness h([&](const HttpRequest&) -> HttpResult {
    if (call++ == 0) return json_response(200, R"({"data":[],"pagination":{"nextCursor":null}})");
    return sample("s1_threats_v21_response.json");  // threat 715718962991148224, not the one asked for
  });
  SingularityThreats threats(h.config, h.upstream);
  auto empty = h.run(threats.get_threat("7"));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::not_found);
  auto other = h.run(threats.get_threat("7"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::not_found);
}

// ---- error mapping ------------------------------------------------------------------------------

TEST(SingularityThreats, MapsTheErrorEnvelopeByStatus) {
  struct Case {
    int status;
    const char* body;
    ErrorCode code;
    const char* text;
  };
  const Case cases[] = {
      {401, R"({"errors":[{"code":4010010,"detail":null,"title":"Authentication Failed"}]})",
       ErrorCode::unauthenticated, "singularity get threat: HTTP 401: Authentication Failed (code 4010010)"},
      {403, R"({"errors":[{"code":4030010,"detail":"Insufficient permissions","title":"Forbidden"}]})",
       ErrorCode::forbidden, "singularity get threat: HTTP 403: Forbidden: Insufficient permissions (code 4030010)"},
      {404, R"({"errors":[{"title":"Not Found"}]})", ErrorCode::not_found,
       "singularity get threat: HTTP 404: Not Found"},
      {400, R"({"errors":[{"code":4000010,"detail":"ids: invalid","title":"Validation Error"}]})",
       ErrorCode::invalid_argument, "singularity get threat: HTTP 400: Validation Error: ids: invalid (code 4000010)"},
      {418, "short and stout", ErrorCode::invalid_argument, "singularity get threat: HTTP 418: short and stout"},
      {501, "", ErrorCode::unavailable, "singularity get threat: HTTP 501"},
  };
  for (const Case& c : cases) {
    S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(c.status, c.body); });
    SingularityThreats threats(h.config, h.upstream);
    auto t = h.run(threats.get_threat("7"));
    ASSERT_FALSE(t) << c.status;
    EXPECT_EQ(t.error().code, c.code) << c.status;
    EXPECT_EQ(t.error().message, c.text);
    EXPECT_EQ(t.error().upstream_status, c.status);
    EXPECT_EQ(h.request_count(), 1u) << "not retried: " << c.status;
  }
}

TEST(SingularityThreats, ServerErrorsAreRetriedThenReportedAsUnavailable) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(503, "{}"); });
  SingularityThreats threats(h.config, h.upstream);
  auto t = h.run(threats.get_threat("7"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::unavailable);
  EXPECT_EQ(t.error().upstream_status, 503);
  EXPECT_EQ(h.request_count(), 2u);
}

TEST(SingularityThreats, TheTokenNeverAppearsInAnErrorEvenWhenEchoed) {
  const std::string echo = std::string(R"({"errors":[{"title":"bad token ApiToken )") + kS1Token + R"("}]})";
  S1Harness h1([&](const HttpRequest&) -> HttpResult { return json_response(401, echo); });
  SingularityThreats t1(h1.config, h1.upstream);
  auto r1 = h1.run(t1.get_threat("7"));
  ASSERT_FALSE(r1);
  EXPECT_FALSE(contains(r1.error().message, kS1Token)) << r1.error().message;
  EXPECT_TRUE(contains(r1.error().message, "<redacted>"));

  S1Harness h2([&](const HttpRequest&) -> HttpResult { return json_response(502, std::string("proxy: ") + kS1Token); });
  SingularityThreats t2(h2.config, h2.upstream);
  auto r2 = h2.run(t2.add_note("7", "x"));
  ASSERT_FALSE(r2);
  EXPECT_FALSE(contains(r2.error().message, kS1Token)) << r2.error().message;

  // Echoed where the message is cut short: not even a prefix of the token may survive.
  for (std::size_t pad : {190u, 295u}) {
    const std::string padding(pad, 'x');
    const std::string cut_json = R"({"errors":[{"title":")" + padding + kS1Token + R"("}]})";
    const std::string cut_text = padding.substr(0, pad - 8) + kS1Token;  // not JSON: describe_failure's 300 bytes
    for (const std::string& body : {cut_json, cut_text}) {
      S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(400, body); });
      SingularityThreats t(h.config, h.upstream);
      auto r = h.run(t.get_threat("7"));
      ASSERT_FALSE(r);
      EXPECT_FALSE(contains(r.error().message, std::string(kS1Token).substr(0, 6))) << r.error().message;
    }
  }

  S1Harness h3([&](const HttpRequest&) -> HttpResult {
    return transport_error(HttpErrorKind::connect, std::string("refused for ") + kS1Token);
  });
  SingularityThreats t3(h3.config, h3.upstream);
  auto r3 = h3.run(t3.list_threats({}));
  ASSERT_FALSE(r3);
  EXPECT_FALSE(contains(r3.error().message, kS1Token)) << r3.error().message;
}

TEST(SingularityThreats, MalformedAnswersAreErrorsNotExceptions) {
  for (const char* body : {"not json", "[1,2]", R"({"data":{"id":"7"}})", R"({"data":"x"})", "[[[[[[[[[[[[[[[[[["}) {
    S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(200, body); });
    SingularityThreats threats(h.config, h.upstream);
    auto list = h.run(threats.list_threats({}));
    ASSERT_FALSE(list) << body;
    EXPECT_EQ(list.error().code, ErrorCode::unavailable) << body;
  }
  S1Harness deep([](const HttpRequest&) -> HttpResult {
    return json_response(200, std::string(100, '[') + std::string(100, ']'));
  });
  SingularityThreats threats(deep.config, deep.upstream);
  EXPECT_FALSE(deep.run(threats.get_threat("7")));
}

TEST(SingularityThreats, WronglyTypedFieldsReadAsAbsent) {
  const char* body = R"({"data":[{"id":7,"threatInfo":["x"],"agentRealtimeInfo":"agent",
      "agentDetectionInfo":{"agentUuid":12,"siteId":{"x":1}},
      "threatInfo2":null}]})";
  S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(200, body); });
  SingularityThreats threats(h.config, h.upstream);
  auto t = h.run(threats.get_threat("7"));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->id, "7");
  EXPECT_EQ(t->agent_uuid, "12");
  EXPECT_EQ(t->site_id, "");
  EXPECT_EQ(t->name, "");
  EXPECT_EQ(t->created_at_ms, -1);
  EXPECT_TRUE(t->agent_ips.empty());
}

// ---- list threats and cursor paging -------------------------------------------------------------

TEST(SingularityThreats, ListFollowsCursorsUntilTheStringNull) {
  int call = 0;
  S1Harness h([&](const HttpRequest&) -> HttpResult {
    switch (call++) {
      case 0: return json_response(200, threat_page({"1", "2"}, "c1").dump());
      case 1: return json_response(200, threat_page({"3"}, "c2/+=").dump());
      default: return json_response(200, threat_page({"4"}, "null").dump());
    }
  });
  SingularityThreats threats(h.config, h.upstream);
  auto list = h.run(threats.list_threats({}));
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->threats.size(), 4u);
  EXPECT_EQ(list->threats[3].id, "4");
  EXPECT_EQ(list->threats[0].name, "t1");
  EXPECT_FALSE(list->truncated);
  EXPECT_EQ(list->total_items, 9);
  ASSERT_EQ(h.request_count(), 3u);
  const std::string base = std::string(kThreatsUrl) + "?limit=100&sortBy=createdAt&sortOrder=asc";
  EXPECT_EQ(h.request(0).url, base);
  EXPECT_EQ(h.request(1).url, base + "&cursor=c1");
  EXPECT_EQ(h.request(2).url, base + "&cursor=c2%2F%2B%3D");
}

TEST(SingularityThreats, JsonNullEmptyAndMissingCursorsEndTheList) {
  for (json cursor : {json(nullptr), json(""), json(42)}) {
    S1Harness h(
        [&](const HttpRequest&) -> HttpResult { return json_response(200, threat_page({"1"}, cursor).dump()); });
    SingularityThreats threats(h.config, h.upstream);
    auto list = h.run(threats.list_threats({}));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->threats.size(), 1u);
    EXPECT_FALSE(list->truncated);
    EXPECT_EQ(h.request_count(), 1u) << cursor.dump();
  }
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":[{"id":"1"}]})"); });
  SingularityThreats threats(h.config, h.upstream);
  ASSERT_TRUE(h.run(threats.list_threats({})));
  EXPECT_EQ(h.request_count(), 1u);
}

TEST(SingularityThreats, ListIsBoundedByMaxPages) {
  int call = 0;
  S1Harness h([&](const HttpRequest&) -> HttpResult {
    ++call;
    return json_response(200, threat_page({std::to_string(call)}, "c" + std::to_string(call)).dump());
  });
  h.config.max_pages = 3;
  SingularityThreats threats(h.config, h.upstream);
  auto list = h.run(threats.list_threats({}));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->threats.size(), 3u);
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(h.request_count(), 3u);
}

TEST(SingularityThreats, ACursorThatDoesNotMoveStopsThePaging) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, threat_page({"1"}, "same").dump()); });
  SingularityThreats threats(h.config, h.upstream);
  auto list = h.run(threats.list_threats({}));
  ASSERT_TRUE(list);
  EXPECT_EQ(h.request_count(), 2u);
  EXPECT_TRUE(list->truncated);
}

TEST(SingularityThreats, ListSendsTheFilterEncoded) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, threat_page({}, nullptr).dump()); });
  h.config.page_size = 1000;
  h.config.site_ids = {"5"};
  SingularityThreats threats(h.config, h.upstream);
  ThreatFilter f;
  f.incident_statuses = {"unresolved", "in_progress"};
  f.analyst_verdicts = {"true_positive"};
  f.agent_ids = {"11"};
  f.created_after = "2018-02-27T04:49:26.257525Z";
  f.updated_since = "2019-01-01T00:00:00Z";
  ASSERT_TRUE(h.run(threats.list_threats(f)));
  EXPECT_EQ(h.request(0).url, std::string(kThreatsUrl) +
                                  "?limit=1000&agentIds=11&incidentStatuses=unresolved,in_progress"
                                  "&analystVerdicts=true_positive&createdAt__gt=2018-02-27T04%3A49%3A26.257525Z"
                                  "&updatedAt__gte=2019-01-01T00%3A00%3A00Z&sortBy=createdAt&sortOrder=asc&siteIds=5");
}

TEST(SingularityThreats, ListCountsElementsThatAreNotThreats) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, R"({"data":[{"id":"1"},"x",{"threatInfo":{}},null,{"id":"2"}]})");
  });
  SingularityThreats threats(h.config, h.upstream);
  auto list = h.run(threats.list_threats({}));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->threats.size(), 2u);
  EXPECT_EQ(list->skipped, 3);
}

// ---- approval-gated updates ---------------------------------------------------------------------

TEST(SingularityThreatActions, AnalystVerdictPostsThePinnedBulkForm) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return sample("s1_agents_action_affected_response.json"); });
  SingularityThreats threats(h.config, h.upstream);
  auto n = h.run(threats.set_analyst_verdict("7", AnalystVerdict::true_positive));
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(h.request(0).method, "POST");
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/threats/analyst-verdict");
  EXPECT_EQ(h.header(0, "content-type"), "application/json");
  EXPECT_EQ(h.header(0, "authorization"), std::string("ApiToken ") + kS1Token);
  EXPECT_EQ(h.body(0),
            json::parse(R"({"data":{"analystVerdict":"true_positive"},"filter":{"ids":["7"],"tenant":"true"}})"));
}

TEST(SingularityThreatActions, IncidentStatusPostsThePinnedBulkForm) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"affected":0}})"); });
  SingularityThreats threats(h.config, h.upstream);
  auto n = h.run(threats.set_incident_status("7", IncidentStatus::in_progress));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);  // nothing changed is an answer, not an error
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/threats/incident");
  EXPECT_EQ(h.body(0), json::parse(R"({"data":{"incidentStatus":"in_progress"},"filter":{"ids":["7"]}})"));
}

TEST(SingularityThreatActions, EnumSpellingsAreTheApis) {
  EXPECT_STREQ(to_string(AnalystVerdict::false_positive), "false_positive");
  EXPECT_STREQ(to_string(AnalystVerdict::suspicious), "suspicious");
  EXPECT_STREQ(to_string(AnalystVerdict::undefined), "undefined");
  EXPECT_STREQ(to_string(IncidentStatus::unresolved), "unresolved");
  EXPECT_STREQ(to_string(IncidentStatus::resolved), "resolved");
}

TEST(SingularityThreatActions, AnAnswerWithoutAnAffectedCountIsAnError) {
  for (const char* body : {R"({"data":{}})", R"({"data":{"affected":"many"}})", R"({"data":{"affected":-1}})", "",
                           R"({"errors":[{"title":"Already Exists Error","code":4000030}]})"}) {
    S1Harness h([&](const HttpRequest&) -> HttpResult { return json_response(200, body); });
    SingularityThreats threats(h.config, h.upstream);
    auto n = h.run(threats.set_analyst_verdict("7", AnalystVerdict::false_positive));
    ASSERT_FALSE(n) << body;
    EXPECT_EQ(n.error().code, ErrorCode::unavailable);
  }
}

}  // namespace
}  // namespace triagent
