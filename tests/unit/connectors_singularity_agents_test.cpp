// Agents (apis.md B.9): context read and the approval-gated isolate / reconnect actions, always
// pinned to one agent id.

#include <gtest/gtest.h>

#include "connectors_singularity_harness.hpp"
#include "triagent/connectors/singularity_agents.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::api_sample;
using testing::json_response;
using testing::S1Harness;

// Composed from the fields apis.md B.9 lists (S-XSOAR / S-R7 fixtures).
const char* kAgents = R"({"data":[{"id":"657613730168123595","uuid":"f431b0a1a8744d2a8a92fc88fa3c13bc",
  "computerName":"EC2AMAZ-AJ0KANC","networkStatus":"connected","isActive":true,"osName":"Windows Server 2016",
  "osType":"windows","agentVersion":"3.1.3.38","lastActiveDate":"2024-05-01T10:00:00.000000Z",
  "externalIp":"203.0.113.7","accountId":"433241117337583618","siteId":"475482421366727779","siteName":"demisto",
  "groupName":"Default Group","networkInterfaces":[{"inet":["10.0.0.5"],"inet6":["fe80::1"],"name":"Ethernet",
  "physical":"06:35:e6:62:53:2e"}],"tags":{"sentinelone":[{"key":"env","value":"prod"}]}}],
  "pagination":{"nextCursor":null,"totalItems":1}})";

TEST(SingularityAgents, GetAgentReadsTheContextFields) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, kAgents); });
  h.config.site_ids = {"475482421366727779"};
  SingularityAgents agents(h.config, h.upstream);
  auto a = h.run(agents.get_agent("657613730168123595"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(h.request(0).method, "GET");
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/agents?ids=657613730168123595&siteIds=475482421366727779");
  EXPECT_EQ(h.header(0, "authorization"), std::string("ApiToken ") + testing::kS1Token);
  EXPECT_EQ(a->uuid, "f431b0a1a8744d2a8a92fc88fa3c13bc");
  EXPECT_EQ(a->computer_name, "EC2AMAZ-AJ0KANC");
  EXPECT_EQ(a->network_status, "connected");
  EXPECT_TRUE(a->is_active);
  EXPECT_EQ(a->os_type, "windows");
  EXPECT_EQ(a->os_name, "Windows Server 2016");
  EXPECT_EQ(a->agent_version, "3.1.3.38");
  EXPECT_EQ(a->external_ip, "203.0.113.7");
  EXPECT_EQ(a->site_name, "demisto");
  EXPECT_EQ(a->ips, (std::vector<std::string>{"10.0.0.5", "fe80::1"}));
  EXPECT_TRUE(a->tags.empty());  // an object of lists, not a list: read as absent, kept in raw
  EXPECT_TRUE(a->raw.contains("tags"));
}

TEST(SingularityAgents, AnUnknownAgentIsNotFound) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":[]})"); });
  SingularityAgents agents(h.config, h.upstream);
  auto a = h.run(agents.get_agent("1"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::not_found);
}

TEST(SingularityAgents, DisconnectPostsAFilterPinnedToOneId) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(
        200, api_sample("s1_agents_action_affected_response.json"));  // {"errors":[{}],"data":{"affected":1}}
  });
  SingularityAgents agents(h.config, h.upstream);
  auto n = h.run(agents.disconnect_from_network("657613730168123595"));
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(h.request(0).method, "POST");
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/agents/actions/disconnect");
  EXPECT_EQ(h.header(0, "content-type"), "application/json");
  EXPECT_EQ(h.body(0), json::parse(R"({"filter":{"ids":["657613730168123595"]}})"));
}

TEST(SingularityAgents, ReconnectUsesTheConnectAction) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"affected":0}})"); });
  SingularityAgents agents(h.config, h.upstream);
  auto n = h.run(agents.reconnect_to_network("42"));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/agents/actions/connect");
  EXPECT_EQ(h.body(0), json::parse(R"({"filter":{"ids":["42"]}})"));
}

TEST(SingularityAgents, AMissingPermissionIsForbidden) {
  S1Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(
        403, R"({"errors":[{"code":4030010,"title":"Forbidden","detail":"Endpoints.disconnectFromNetwork"}]})");
  });
  SingularityAgents agents(h.config, h.upstream);
  auto n = h.run(agents.disconnect_from_network("42"));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().code, ErrorCode::forbidden);
  EXPECT_EQ(
      n.error().message,
      "singularity disconnect agent from network: HTTP 403: Forbidden: Endpoints.disconnectFromNetwork (code 4030010)");
}

TEST(SingularityAgents, ActionsRejectIdsThatWidenTheFilter) {
  S1Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":{"affected":99}})"); });
  SingularityAgents agents(h.config, h.upstream);
  for (const char* bad : {"", "1,2", "1&x=y", "*"}) {
    EXPECT_FALSE(h.run(agents.disconnect_from_network(bad))) << bad;
    EXPECT_FALSE(h.run(agents.reconnect_to_network(bad))) << bad;
    EXPECT_FALSE(h.run(agents.get_agent(bad))) << bad;
  }
  EXPECT_EQ(h.request_count(), 0u);
}

TEST(SingularityAgents, TagListsOfNamesOrKeyValuesAreRead) {
  auto a = parse_agent(json::parse(R"({"id":"1","tags":["vip",{"key":"env","value":"prod"},{"name":"pci"},7]})"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->tags, (std::vector<std::string>{"vip", "7", "env=prod", "pci"}));
  EXPECT_FALSE(parse_agent(json::parse(R"({"uuid":"x"})")));
  EXPECT_FALSE(parse_agent(json::parse("[]")));
}

}  // namespace
}  // namespace triagent
