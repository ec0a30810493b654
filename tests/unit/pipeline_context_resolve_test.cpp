// Resolving id-only incidents (context_resolve.hpp): the threat or alert is read and its entities,
// title, severity, time and tenant fill the incident; complete webhooks, DataSet alerts and
// disabled connectors read nothing; failures are the connector's Error.

#include <gtest/gtest.h>

#include "pipeline_context_test_support.hpp"
#include "triagent/pipeline/context_resolve.hpp"

namespace triagent {
namespace {

using context_test::ContextHarness;
using context_test::has;
using testing::api_sample;
using testing::json_response;
using testing::ScriptedHttpClient;

constexpr const char* kSampleThreatId = "715718962991148224";  // s1_threats_v21_response.json

Incident sparse_threat(const std::string& id = kSampleThreatId) {
  Incident inc;
  inc.source = "singularity";
  inc.kind = "threat";
  inc.external_id = id;
  inc.title = "SentinelOne threat " + id;
  inc.entities.threat_ids = {id};
  return inc;
}

HttpResult threats_sample(const HttpRequest&) { return json_response(200, api_sample("s1_threats_v21_response.json")); }

ResolveConnectors s1_connectors(const ContextHarness& h) { return {h.threats.get(), h.uam.get(), h.star.get()}; }

TEST(ContextResolve, AnIdOnlyThreatIsReadAndFillsTheIncident) {
  auto* http = new ScriptedHttpClient(threats_sample);
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  Incident inc = sparse_threat();
  Result<Resolution> r = h.run(resolve_incident(inc, s1_connectors(h)));
  ASSERT_TRUE(r) << r.error().message;

  ASSERT_EQ(http->requests().size(), 1u);
  EXPECT_TRUE(has(http->requests()[0].url, "/web/api/v2.1/threats?ids=715718962991148224")) << http->requests()[0].url;
  EXPECT_EQ(r->fetched, ResolvedKind::threat);
  EXPECT_EQ(r->object_id, kSampleThreatId);
  EXPECT_EQ(r->raw.value("id", ""), kSampleThreatId);
  ASSERT_TRUE(r->threat);
  EXPECT_EQ(r->threat->agent_computer_name, "EC2AMAZ-AJ0KANC");

  const Entities& e = inc.entities;
  EXPECT_EQ(e.hosts, std::vector<std::string>{"EC2AMAZ-AJ0KANC"});
  EXPECT_EQ(e.agent_ids, (std::vector<std::string>{"657613730168123595", "f431b0a1a8744d2a8a92fc88fa3c13bc"}));
  EXPECT_NE(std::find(e.ips.begin(), e.ips.end(), "8.8.8.8"), e.ips.end());
  EXPECT_EQ(e.hashes, std::vector<std::string>{"3395856ce81f2b7382dee72602f798b642f14140"});
  EXPECT_EQ(e.files, std::vector<std::string>{
                         "\\Device\\HarddiskVolume1\\Users\\Administrator\\Downloads\\Unconfirmed 123490.crdownload"});
  EXPECT_EQ(e.users.at(0), "EC2AMAZ-AJ0KANC\\Administrator");
  EXPECT_EQ(e.storylines, std::vector<std::string>{"A8F6CB4CB9AE09A1"});
  EXPECT_EQ(e.threat_ids, std::vector<std::string>{kSampleThreatId});
  EXPECT_EQ(inc.title, "Unconfirmed 123490.crdownload");
  EXPECT_EQ(inc.severity, Severity::high);  // confidenceLevel malicious
  EXPECT_EQ(inc.time_ms, parse_rfc3339_ms("2019-09-15T12:05:49.095889Z"));
  EXPECT_EQ(inc.tenant, "433241117337583618:475482421366727779");
}

TEST(ContextResolve, ACompleteWebhookIsNotReadAgainUnlessAsked) {
  auto* http = new ScriptedHttpClient(threats_sample);
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  Incident inc = sparse_threat();
  inc.entities.hosts = {"EC2AMAZ-AJ0KANC"};
  Result<Resolution> r = h.run(resolve_incident(inc, s1_connectors(h)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fetched, ResolvedKind::none);
  EXPECT_EQ(r->note, "the webhook carried the whole threat");
  EXPECT_TRUE(http->requests().empty());

  ResolveOptions always;
  always.always_fetch = true;
  r = h.run(resolve_incident(inc, s1_connectors(h), always));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fetched, ResolvedKind::threat);
  EXPECT_EQ(http->requests().size(), 1u);
  EXPECT_EQ(inc.entities.hosts.size(), 1u);  // still de-duplicated
}

TEST(ContextResolve, ACaseKeepsItsOwnTitleAndPriority) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>(threats_sample)};
  Incident inc;
  inc.source = "vigilance";
  inc.kind = "case";
  inc.external_id = "MDR-42";
  inc.title = "MDR case 42: malware on a server";
  inc.severity = Severity::critical;
  inc.entities.threat_ids = {kSampleThreatId};
  Result<Resolution> r = h.run(resolve_incident(inc, s1_connectors(h)));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->fetched, ResolvedKind::threat);
  EXPECT_EQ(inc.title, "MDR case 42: malware on a server");
  EXPECT_EQ(inc.severity, Severity::critical);
  EXPECT_EQ(inc.entities.hosts, std::vector<std::string>{"EC2AMAZ-AJ0KANC"});
}

TEST(ContextResolve, AFailedReadIsTheConnectorsErrorAndLeavesTheIncidentAlone) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>([](const HttpRequest&) -> HttpResult {
    return json_response(401, R"({"errors":[{"code":4010010,"detail":null,"title":"Authentication Failed"}]})");
  })};
  Incident inc = sparse_threat();
  Result<Resolution> r = h.run(resolve_incident(inc, s1_connectors(h)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_TRUE(inc.entities.hosts.empty());
  EXPECT_EQ(inc.title, "SentinelOne threat 715718962991148224");
}

TEST(ContextResolve, AnUpstreamAskingForALongPauseIsARequeue) {
  ContextHarness h{std::make_unique<ScriptedHttpClient>([](const HttpRequest&) -> HttpResult {
    return json_response(429, R"({"errors":[{"code":4290000,"title":"Too Many Requests"}]})", {{"Retry-After", "120"}});
  })};
  Incident inc = sparse_threat();
  Result<Resolution> r = h.run(resolve_incident(inc, s1_connectors(h)));
  ASSERT_FALSE(r);
  ASSERT_TRUE(r.error().retry_after_ms.has_value()) << r.error().message;
  EXPECT_GT(*r.error().retry_after_ms, 0);
}

TEST(ContextResolve, AUnifiedAlertIsReadOverGraphql) {
  auto* http = new ScriptedHttpClient([](const HttpRequest&) -> HttpResult {
    return json_response(200, api_sample("s1_uam_graphql_alert_by_id_response.json"));
  });
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  Incident inc;
  inc.source = "singularity";
  inc.kind = "alert";
  inc.external_id = "01tc8est-test-7a6f-beeb-eddummya986";
  inc.title = "SentinelOne alert 01tc8est-test-7a6f-beeb-eddummya986";
  Result<Resolution> r = h.run(resolve_incident(inc, s1_connectors(h)));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->fetched, ResolvedKind::uam_alert);
  ASSERT_EQ(http->requests().size(), 1u);
  EXPECT_TRUE(has(http->requests()[0].url, "/web/api/v2.1/unifiedalerts/graphql"));
  EXPECT_EQ(inc.title, "hhau2.txt detected as Malware");
  EXPECT_EQ(inc.severity, Severity::medium);
  EXPECT_EQ(inc.entities.hosts, std::vector<std::string>{"TEST"});
  EXPECT_EQ(inc.entities.agent_ids, std::vector<std::string>{"dummytest12345"});
  EXPECT_EQ(inc.entities.users.at(0), "joe");
  EXPECT_EQ(inc.entities.threat_ids, std::vector<std::string>{"1234567891011"});  // EDR: externalId
  EXPECT_TRUE(inc.entities.hashes.empty());                                       // fileHash "N/A"
  EXPECT_TRUE(inc.entities.files.empty());
}

TEST(ContextResolve, DataSetAlertsAndDisabledConnectorsReadNothing) {
  auto* http = new ScriptedHttpClient(threats_sample);
  ContextHarness h{std::unique_ptr<HttpClient>(http)};
  Incident alert;
  alert.source = "dataset";
  alert.kind = "dataset_alert";
  alert.external_id = "errors-on-web-1";
  Result<Resolution> r = h.run(resolve_incident(alert, s1_connectors(h)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fetched, ResolvedKind::none);
  EXPECT_EQ(r->note, "dataset dataset_alert incidents carry their own context");

  Incident threat = sparse_threat();
  r = h.run(resolve_incident(threat, ResolveConnectors{}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fetched, ResolvedKind::none);
  EXPECT_EQ(r->note, "the singularity threats connector is not configured");
  EXPECT_TRUE(http->requests().empty());
  EXPECT_TRUE(r->raw.is_null());
}

}  // namespace
}  // namespace triagent
