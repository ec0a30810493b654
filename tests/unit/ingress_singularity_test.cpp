// The Singularity normalizer on the real API samples (threat, STAR alert, Unified Alerts alert), in
// and out of their envelopes, and on id-only notifications.

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
  return make_normalizer("singularity", WebhookSourceConfig{})->normalize(body);
}

void expect_sample_threat(const Incident& inc) {
  EXPECT_EQ(inc.source, "singularity");
  EXPECT_EQ(inc.kind, "threat");
  EXPECT_EQ(inc.external_id, "715718962991148224");
  EXPECT_EQ(inc.title, "Unconfirmed 123490.crdownload");
  EXPECT_EQ(inc.severity, Severity::high);  // confidenceLevel malicious
  EXPECT_EQ(inc.time_ms, parse_rfc3339_ms("2019-09-15T12:05:49.095Z"));
  EXPECT_EQ(inc.tenant, "433241117337583618:475482421366727779");
  const Entities& e = inc.entities;
  EXPECT_EQ(e.hosts, Strings{"EC2AMAZ-AJ0KANC"});
  EXPECT_EQ(e.agent_ids, (Strings{"657613730168123595", "f431b0a1a8744d2a8a92fc88fa3c13bc"}));
  EXPECT_EQ(e.ips, Strings{"8.8.8.8"});
  EXPECT_EQ(e.hashes, Strings{"3395856ce81f2b7382dee72602f798b642f14140"});
  EXPECT_EQ(e.files,
            Strings{"\\Device\\HarddiskVolume1\\Users\\Administrator\\Downloads\\Unconfirmed 123490.crdownload"});
  EXPECT_EQ(e.users, Strings{"EC2AMAZ-AJ0KANC\\Administrator"});
  EXPECT_EQ(e.storylines, Strings{"A8F6CB4CB9AE09A1"});
  EXPECT_EQ(e.threat_ids, Strings{"715718962991148224"});
  EXPECT_TRUE(e.processes.empty());  // originatorProcess is null in the sample
  EXPECT_TRUE(e.alert_ids.empty());
}

TEST(SingularityNormalizer, ReadsTheThreatListEnvelope) {
  const json body = load_webhook_sample("s1_threats_v21_response.json");
  auto inc = normalize(body);
  ASSERT_TRUE(inc) << inc.error().message;
  expect_sample_threat(*inc);
  EXPECT_EQ(inc->raw, body);
}

TEST(SingularityNormalizer, ReadsABareThreat) {
  const json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  auto inc = normalize(threat);
  ASSERT_TRUE(inc) << inc.error().message;
  expect_sample_threat(*inc);
}

TEST(SingularityNormalizer, ReadsOnlyTheFirstThreatOfAList) {
  json body = load_webhook_sample("s1_threats_v21_response.json");
  json second = body["data"][0];
  second["id"] = "999";
  body["data"].push_back(second);
  EXPECT_EQ(normalize(body)->external_id, "715718962991148224");
}

TEST(SingularityNormalizer, ReadsASuspiciousThreatWithMoreEntities) {
  json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  threat["threatInfo"]["confidenceLevel"] = "suspicious";
  threat["threatInfo"]["sha256"] = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
  threat["threatInfo"]["md5"] = "N/A";
  threat["threatInfo"]["originatorProcess"] = "chrome.exe";
  threat["threatInfo"]["createdAt"] = nullptr;
  auto inc = normalize(threat);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->severity, Severity::medium);
  EXPECT_EQ(inc->entities.hashes, (Strings{"3395856ce81f2b7382dee72602f798b642f14140",
                                           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}));
  EXPECT_EQ(inc->entities.processes, Strings{"chrome.exe"});
  EXPECT_EQ(inc->time_ms, parse_rfc3339_ms("2019-09-15T12:05:49.009Z"));  // identifiedAt
}

TEST(SingularityNormalizer, TakesTheThreatIdFromThreatInfoWithoutATopLevelId) {
  json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  threat.erase("id");
  EXPECT_EQ(normalize(threat)->external_id, "715718962991148224");
  threat["threatInfo"].erase("threatId");
  EXPECT_EQ(normalize(threat).error().message, "no external id at threatInfo.threatId");
}

TEST(SingularityNormalizer, ReadsTheStarAlertSample) {
  const json body = load_webhook_sample("s1_cloud_detection_alerts_response.json");
  for (const json& payload : {body, body["data"][0]}) {
    auto inc = normalize(payload);
    ASSERT_TRUE(inc) << inc.error().message;
    EXPECT_EQ(inc->kind, "alert");
    EXPECT_EQ(inc->external_id, "123456");
    EXPECT_EQ(inc->title, "user-alerts");
    EXPECT_EQ(inc->severity, Severity::critical);
    EXPECT_EQ(inc->time_ms, parse_rfc3339_ms("2022-12-20T13:54:43.040Z"));
    EXPECT_EQ(inc->tenant, ":123456");  // the sample names a site but no account
    const Entities& e = inc->entities;
    EXPECT_EQ(e.hosts, Strings{"DESKTOP"});
    EXPECT_EQ(e.agent_ids, Strings{"123456"});
    EXPECT_EQ(e.alert_ids, Strings{"123456"});
    EXPECT_EQ(e.storylines, Strings{"123456"});
    EXPECT_TRUE(e.ips.empty());
    EXPECT_TRUE(e.hashes.empty());
    EXPECT_TRUE(e.threat_ids.empty());
  }
}

TEST(SingularityNormalizer, ReadsTheProcessDetailsOfAStarAlert) {
  json alert = load_webhook_sample("s1_cloud_detection_alerts_response.json")["data"][0];
  alert["alertInfo"]["srcIp"] = "10.1.2.3";
  alert["alertInfo"]["dstIp"] = "198.51.100.7";
  alert["alertInfo"]["dnsRequest"] = "evil.example";
  alert["sourceProcessInfo"]["name"] = "powershell.exe";
  alert["sourceProcessInfo"]["commandline"] = "powershell -enc AAAA";
  alert["sourceProcessInfo"]["user"] = "CORP\\alice";
  alert["sourceProcessInfo"]["filePath"] = "C:\\Windows\\System32\\powershell.exe";
  alert["sourceProcessInfo"]["fileHashSha1"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  alert["sourceParentProcessInfo"]["name"] = "explorer.exe";
  alert["targetProcessInfo"]["tgtFilePath"] = "C:\\temp\\drop.dll";
  alert["agentDetectionInfo"]["accountId"] = "55";
  auto inc = normalize(alert);
  ASSERT_TRUE(inc) << inc.error().message;
  const Entities& e = inc->entities;
  EXPECT_EQ(e.ips, (Strings{"10.1.2.3", "198.51.100.7"}));
  EXPECT_EQ(e.domains, Strings{"evil.example"});
  EXPECT_EQ(e.processes, (Strings{"powershell.exe", "powershell -enc AAAA", "explorer.exe"}));
  EXPECT_EQ(e.users, Strings{"CORP\\alice"});
  EXPECT_EQ(e.files, (Strings{"C:\\Windows\\System32\\powershell.exe", "C:\\temp\\drop.dll"}));
  EXPECT_EQ(e.hashes, Strings{std::string(40, 'a')});
  EXPECT_EQ(inc->tenant, "55:123456");
}

TEST(SingularityNormalizer, ReadsTheUnifiedAlertsSample) {
  const json body = load_webhook_sample("s1_uam_graphql_alert_by_id_response.json");
  for (const json& payload : {body, body["data"], body["data"]["alert"]}) {
    auto inc = normalize(payload);
    ASSERT_TRUE(inc) << inc.error().message;
    EXPECT_EQ(inc->kind, "alert");
    EXPECT_EQ(inc->external_id, "01tc8est-test-7a6f-beeb-eddummya986");
    EXPECT_EQ(inc->title, "hhau2.txt detected as Malware");
    EXPECT_EQ(inc->severity, Severity::medium);
    EXPECT_EQ(inc->time_ms, parse_rfc3339_ms("2026-02-24T11:34:37.315Z"));  // detectedAt
    EXPECT_EQ(inc->tenant, "123456789101112:123456789101112");
    const Entities& e = inc->entities;
    EXPECT_EQ(e.hosts, Strings{"TEST"});
    EXPECT_EQ(e.agent_ids, Strings{"dummytest12345"});
    EXPECT_EQ(e.users, (Strings{"joe", "hhau"}));
    EXPECT_EQ(e.ips, Strings{"1.2.3.4"});
    EXPECT_EQ(e.alert_ids, Strings{"01tc8est-test-7a6f-beeb-eddummya986"});
    EXPECT_EQ(e.threat_ids, Strings{"1234567891011"});  // externalId of an EDR detection
    EXPECT_TRUE(e.hashes.empty());  // fileHash is "N/A"
    EXPECT_TRUE(e.files.empty());   // fileName is "N/A"
    EXPECT_TRUE(e.storylines.empty());
  }
}

TEST(SingularityNormalizer, ReadsIdOnlyNotifications) {
  struct Case {
    json body;
    std::string kind;
    std::string id;
  };
  const Case cases[] = {
      {{{"threatId", "1234567890"}}, "threat", "1234567890"},
      {{{"threat_id", 1234567890}}, "threat", "1234567890"},
      {{{"alertId", "a-1"}}, "alert", "a-1"},
      {{{"alert_id", "a-2"}}, "alert", "a-2"},
      {{{"id", "42"}, {"type", "threat"}}, "threat", "42"},
      {{{"id", "42"}, {"type", "alert"}}, "alert", "42"},
      {{{"id", "9876543210"}}, "threat", "9876543210"},
      {{{"id", "01tc8est-test"}}, "alert", "01tc8est-test"},
      {{{"data", {{"id", "01tc8est-uam"}}}}, "alert", "01tc8est-uam"},
  };
  for (const auto& c : cases) {
    auto inc = normalize(c.body);
    ASSERT_TRUE(inc) << c.body.dump() << ": " << inc.error().message;
    EXPECT_EQ(inc->kind, c.kind) << c.body.dump();
    EXPECT_EQ(inc->external_id, c.id) << c.body.dump();
    EXPECT_EQ(inc->severity, Severity::unknown);
    EXPECT_EQ(inc->time_ms, 0);
    const Strings& ids = c.kind == "threat" ? inc->entities.threat_ids : inc->entities.alert_ids;
    EXPECT_EQ(ids, Strings{c.id}) << c.body.dump();
  }
}

TEST(SingularityNormalizer, IdOnlyNotificationsKeepWhatLittleTheyCarry) {
  auto inc = normalize(json::parse(
      R"({"threatId":"77","threatName":"Mimikatz","accountId":"1","siteId":2,"storyline":"ABCD"})"));
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->title, "Mimikatz");
  EXPECT_EQ(inc->tenant, "1:2");
  EXPECT_EQ(inc->entities.storylines, Strings{"ABCD"});
  EXPECT_EQ(normalize(json{{"alertId", "x"}})->title, "SentinelOne alert x");
  EXPECT_EQ(normalize(json{{"threatId", "7"}})->title, "SentinelOne threat 7");
}

TEST(SingularityNormalizer, NamesWhatIsWrongWithABody) {
  struct Case {
    json body;
    std::string error;
  };
  const Case cases[] = {
      {json::object(), "no threat or alert id found (expected a threat or alert object, threatId, alertId, id or data.id)"},
      {{{"data", json::array()}}, "data is an empty list"},
      {{{"data", json::array({1})}}, "data[0] must be a JSON object"},
      {{{"data", json::object()}}, "no threat or alert id found (expected a threat or alert object, threatId, alertId, id or data.id)"},
      {{{"id", "1"}, {"type", "case"}}, "type must be \"threat\" or \"alert\""},
      {{{"threatId", nullptr}}, "no external id at threatId"},
      {{{"threatId", ""}}, "no external id at threatId"},
      {{{"alertId", json::array({"1"})}}, "no external id at alertId"},
      {{{"threatInfo", json::object()}}, "no external id at threatInfo.threatId"},
      {{{"alertInfo", {{"alertId", 1.5}}}}, "no external id at alertInfo.alertId"},
      {{{"id", {{"x", 1}}}, {"name", "n"}}, "no external id at id"},
      {{{"threatId", "1\r\n2"}}, "external id at threatId contains control characters"},
  };
  for (const auto& c : cases) {
    auto inc = normalize(c.body);
    ASSERT_FALSE(inc) << c.body.dump();
    EXPECT_EQ(inc.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(inc.error().message, c.error) << c.body.dump();
  }
}

TEST(SingularityNormalizer, IgnoresWrongTypesInsideAThreat) {
  json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  threat["agentRealtimeInfo"]["networkInterfaces"] = json::array({1, "x", json::object({{"inet", 5}}), nullptr});
  threat["agentRealtimeInfo"]["agentComputerName"] = json::array({json::array({"deep"})});
  threat["threatInfo"]["threatName"] = 12;
  threat["threatInfo"]["sha1"] = json::object();
  threat["threatInfo"]["confidenceLevel"] = json::array();
  threat["agentDetectionInfo"] = "not an object";
  auto inc = normalize(threat);
  ASSERT_TRUE(inc) << inc.error().message;
  EXPECT_EQ(inc->title, "SentinelOne threat 715718962991148224");
  EXPECT_EQ(inc->severity, Severity::unknown);
  EXPECT_EQ(inc->entities.ips, Strings{"5"});
  EXPECT_TRUE(inc->entities.hosts.empty());
  EXPECT_TRUE(inc->entities.hashes.empty());
}

TEST(SingularityNormalizer, BoundsTheInterfacesItReads) {
  json threat = load_webhook_sample("s1_threats_v21_response.json")["data"][0];
  json nics = json::array();
  for (int i = 0; i < 5000; ++i) nics.push_back({{"inet", json::array({"10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256)})}});
  threat["agentRealtimeInfo"]["networkInterfaces"] = nics;
  auto inc = normalize(threat);
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->entities.ips.size(), 64u);
}

}  // namespace
}  // namespace triagent
