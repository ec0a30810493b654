// The Vigilance MDR case normalizer: the accepted id, title, severity and threat-id spellings, and
// entities of embedded SentinelOne objects.

#include <gtest/gtest.h>

#include "ingress_samples.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/ingress/normalizer.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::load_webhook_sample;
using Strings = std::vector<std::string>;

Result<Incident> normalize(const json& body) {
  return make_normalizer("vigilance", WebhookSourceConfig{})->normalize(body);
}

TEST(VigilanceNormalizer, ReadsAFlatCase) {
  const json body = json::parse(R"({
    "caseId": "C-1001", "title": "Credential theft on FIN-LAPTOP-7", "severity": "High",
    "createdAt": "2024-05-01T10:00:00Z", "accountId": "433241117337583618",
    "threatIds": ["715718962991148224", 715718962991148225], "alertIds": ["a-1"]
  })");
  auto inc = normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->source, "vigilance");
  EXPECT_EQ(inc->kind, "case");
  EXPECT_EQ(inc->external_id, "C-1001");
  EXPECT_EQ(inc->title, "Credential theft on FIN-LAPTOP-7");
  EXPECT_EQ(inc->severity, Severity::high);
  EXPECT_EQ(inc->time_ms, parse_rfc3339_ms("2024-05-01T10:00:00Z"));
  EXPECT_EQ(inc->tenant, "433241117337583618");
  EXPECT_EQ(inc->entities.threat_ids, (Strings{"715718962991148224", "715718962991148225"}));
  EXPECT_EQ(inc->entities.alert_ids, Strings{"a-1"});
  EXPECT_EQ(inc->raw, body);
}

TEST(VigilanceNormalizer, ReadsANestedCaseObject) {
  const json body = json::parse(R"({
    "event": "case.updated",
    "case": {"id": 5521, "name": "Ransomware precursor", "priority": "P1",
             "threats": [{"id": "111"}, {"id": 222}, "333"], "created_at": 1714557600}
  })");
  auto inc = normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->external_id, "5521");
  EXPECT_EQ(inc->title, "Ransomware precursor");
  EXPECT_EQ(inc->severity, Severity::critical);
  EXPECT_EQ(inc->time_ms, 1'714'557'600'000);
  EXPECT_EQ(inc->entities.threat_ids, (Strings{"111", "222", "333"}));
}

TEST(VigilanceNormalizer, PrefersCaseIdThenCaseDotIdThenId) {
  EXPECT_EQ(normalize(json::parse(R"({"caseId":"A","case":{"id":"B"},"id":"C"})"))->external_id, "A");
  EXPECT_EQ(normalize(json::parse(R"({"case":{"id":"B"},"id":"C"})"))->external_id, "B");
  EXPECT_EQ(normalize(json::parse(R"({"id":"C"})"))->external_id, "C");
  EXPECT_EQ(normalize(json::parse(R"({"caseId":null,"id":"C"})"))->external_id, "C");
}

TEST(VigilanceNormalizer, ReadsTheOtherSpellings) {
  auto inc = normalize(json::parse(R"({"id":"X","description":"Only a description","priority":3,
                                       "threat_ids":["1"],"threatId":"2","threat_id":3,"time":"2024-01-01T00:00:00Z",
                                       "tenant":"acme"})"));
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->title, "Only a description");
  EXPECT_EQ(inc->severity, Severity::medium);
  EXPECT_EQ(inc->entities.threat_ids, (Strings{"1", "2", "3"}));
  EXPECT_EQ(inc->time_ms, parse_rfc3339_ms("2024-01-01T00:00:00Z"));
  EXPECT_EQ(inc->tenant, "acme");
}

TEST(VigilanceNormalizer, MapsPriorities) {
  struct Case {
    json priority;
    Severity expected;
  };
  for (const Case& c : {Case{"P1", Severity::critical}, Case{"p2", Severity::high}, Case{"P3", Severity::medium},
                        Case{4, Severity::low}, Case{"5", Severity::info}, Case{"urgent", Severity::unknown},
                        Case{"low", Severity::low}, Case{0, Severity::unknown}, Case{"P9", Severity::unknown}}) {
    auto inc = normalize(json{{"caseId", "1"}, {"priority", c.priority}});
    ASSERT_TRUE(inc);
    EXPECT_EQ(inc->severity, c.expected) << c.priority.dump();
  }
  // An explicit severity wins over the priority.
  EXPECT_EQ(normalize(json{{"caseId", "1"}, {"severity", "low"}, {"priority", "P1"}})->severity, Severity::low);
}

TEST(VigilanceNormalizer, FallsBackToAGeneratedTitle) {
  EXPECT_EQ(normalize(json{{"caseId", "C-9"}})->title, "Vigilance case C-9");
}

TEST(VigilanceNormalizer, ReadsEntitiesOfAnEmbeddedThreat) {
  const json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  const json body = {{"caseId", "C-2"}, {"title", "Malware on EC2 host"}, {"threats", json::array({threat})}};
  auto inc = normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->kind, "case");
  EXPECT_EQ(inc->external_id, "C-2");
  EXPECT_EQ(inc->title, "Malware on EC2 host");
  EXPECT_EQ(inc->severity, Severity::high);  // from the threat: the case names none
  EXPECT_EQ(inc->time_ms, parse_rfc3339_ms("2019-09-15T12:05:49.095Z"));
  EXPECT_EQ(inc->tenant, "");  // the case names no tenant of its own
  const Entities& e = inc->entities;
  EXPECT_EQ(e.threat_ids, Strings{"715718962991148224"});
  EXPECT_EQ(e.hosts, Strings{"EC2AMAZ-AJ0KANC"});
  EXPECT_EQ(e.hashes, Strings{"3395856ce81f2b7382dee72602f798b642f14140"});
  EXPECT_EQ(e.ips, Strings{"8.8.8.8"});
  EXPECT_EQ(e.storylines, Strings{"A8F6CB4CB9AE09A1"});
}

TEST(VigilanceNormalizer, ReadsEmbeddedAlertsAndKeepsTheCaseSeverity) {
  const json star = load_webhook_sample("s1_cloud_detection_alerts_response.json")["data"][0];
  const json uam = load_webhook_sample("s1_uam_graphql_alert_by_id_response.json")["data"]["alert"];
  const json body = {{"case", {{"id", "C-3"}, {"severity", "low"}, {"alerts", json::array({star})}, {"alert", uam}}}};
  auto inc = normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->severity, Severity::low);
  EXPECT_EQ(inc->entities.alert_ids, (Strings{"123456", "01tc8est-test-7a6f-beeb-eddummya986"}));
  EXPECT_EQ(inc->entities.hosts, (Strings{"DESKTOP", "TEST"}));
  EXPECT_EQ(inc->entities.threat_ids, Strings{"1234567891011"});
}

TEST(VigilanceNormalizer, DoesNotMistakeAThreatSummaryForAnAlert) {
  auto inc = normalize(json::parse(R"({"caseId":"C","threats":[{"id":"5","name":"Mimikatz","severity":"critical"}]})"));
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->entities.threat_ids, Strings{"5"});
  EXPECT_TRUE(inc->entities.alert_ids.empty());
  EXPECT_EQ(inc->severity, Severity::unknown);
}

TEST(VigilanceNormalizer, BoundsEmbeddedObjects) {
  json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  json threats = json::array();
  for (int i = 0; i < 100; ++i) {
    threat["id"] = std::to_string(i);
    threat["agentRealtimeInfo"]["agentComputerName"] = "host-" + std::to_string(i);
    threats.push_back(threat);
  }
  auto inc = normalize(json{{"caseId", "C"}, {"threats", threats}});
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->entities.threat_ids.size(), 100u);  // ids are cheap: all of them
  EXPECT_EQ(inc->entities.hosts.size(), 32u);        // full objects: the first 32
}

TEST(VigilanceNormalizer, NamesWhatIsWrongWithABody) {
  EXPECT_EQ(normalize(json::object()).error().message, "no case id at caseId, case.id or id");
  EXPECT_EQ(normalize(json{{"case", "x"}}).error().message, "no case id at caseId, case.id or id");
  EXPECT_EQ(normalize(json{{"caseId", json::array()}}).error().message, "no external id at caseId");
  EXPECT_EQ(normalize(json{{"case", {{"id", ""}}}}).error().message, "no external id at case.id");
}

TEST(VigilanceNormalizer, IgnoresWrongTypes) {
  auto inc = normalize(json::parse(R"({"caseId":"C","title":{"a":1},"threats":"nope","threatIds":{"x":1},
                                       "severity":[1],"createdAt":{},"case":[1,2],"alerts":[null,1,"a"]})"));
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->title, "Vigilance case C");
  EXPECT_EQ(inc->severity, Severity::unknown);
  EXPECT_EQ(inc->time_ms, 0);
  EXPECT_EQ(inc->entities.threat_ids, Strings{"nope"});
  EXPECT_EQ(inc->entities.alert_ids, (Strings{"1", "a"}));
}

}  // namespace
}  // namespace triagent
