// STAR / cloud-detection alerts over REST (apis.md B.5, B.6).

#include <gtest/gtest.h>

#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/singularity_star_alerts.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::api_sample;
using testing::json_response;
using testing::S1Harness;

HttpResult alerts_sample() { return json_response(200, api_sample("s1_cloud_detection_alerts_response.json")); }

TEST(SingularityStarAlerts, GetAlertParsesTheSample) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return alerts_sample(); });
  SingularityStarAlerts star(h.config, h.upstream);
  auto a = h.run(star.get_alert("123456"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/cloud-detection/alerts?ids=123456");
  EXPECT_EQ(a->id, "123456");
  EXPECT_EQ(a->analyst_verdict, "Undefined");
  EXPECT_EQ(a->incident_status, "Unresolved");
  EXPECT_EQ(a->created_at, "2022-12-20T13:54:43.040000Z");
  EXPECT_EQ(a->event_type, "REGVALUEMODIFIED");
  EXPECT_EQ(a->dv_event_id, "123456");
  EXPECT_EQ(a->rule_name, "user-alerts");
  EXPECT_EQ(a->rule_severity, "Critical");
  EXPECT_EQ(a->rule_query, "EndpointName exists");
  EXPECT_EQ(a->agent_id, "123456");
  EXPECT_EQ(a->agent_name, "DESKTOP");
  EXPECT_EQ(a->agent_os, "windows");
  EXPECT_EQ(a->site_id, "123456");
  EXPECT_EQ(a->process_pid, "123456");
  EXPECT_EQ(a->process_storyline, "123456");
  EXPECT_EQ(a->process_name, "");
}

TEST(SingularityStarAlerts, TheStringNullCursorOfTheSampleEndsTheList) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return alerts_sample(); });
  SingularityStarAlerts star(h.config, h.upstream);
  StarAlertFilter f;
  f.created_since = "2022-12-20T00:00:00.000000Z";
  f.incident_status = "UNRESOLVED";
  auto list = h.run(star.list_alerts(f));
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->alerts.size(), 1u);
  EXPECT_EQ(list->total_items, 2651);
  EXPECT_FALSE(list->truncated);
  ASSERT_EQ(h.request_count(), 1u);
  EXPECT_EQ(
      h.request(0).url,
      "https://s1.test/web/api/v2.1/cloud-detection/alerts?limit=100&createdAt__gte=2022-12-20T00%3A00%3A00.000000Z"
      "&incidentStatus=UNRESOLVED&sortBy=alertInfoCreatedAt&sortOrder=asc");
}

TEST(SingularityStarAlerts, VerdictAndStatusUseTheThreatShapedBodies) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"affected":1}})"); });
  SingularityStarAlerts star(h.config, h.upstream);
  ASSERT_TRUE(h.run(star.set_analyst_verdict("123456", AnalystVerdict::false_positive)));
  ASSERT_TRUE(h.run(star.set_incident_status("123456", IncidentStatus::resolved)));
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/cloud-detection/alerts/analyst-verdict");
  EXPECT_EQ(h.body(0),
            json::parse(R"({"data":{"analystVerdict":"false_positive"},"filter":{"ids":["123456"],"tenant":"true"}})"));
  EXPECT_EQ(h.request(1).url, "https://s1.test/web/api/v2.1/cloud-detection/alerts/incident");
  EXPECT_EQ(h.body(1), json::parse(R"({"data":{"incidentStatus":"resolved"},"filter":{"ids":["123456"]}})"));
}

TEST(SingularityStarAlerts, AlertsWithoutAnAlertIdAreSkipped) {
  EXPECT_FALSE(parse_star_alert(json::parse(R"({"alertInfo":{"alertId":null}})")));
  EXPECT_FALSE(parse_star_alert(json::parse(R"({"alertInfo":"x"})")));
  EXPECT_TRUE(parse_star_alert(json::parse(R"({"alertInfo":{"alertId":5},"ruleInfo":[1]})")));
}

}  // namespace
}  // namespace triagent
