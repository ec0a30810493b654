// The outbound sections of the config: http_client, upstreams, connectors and llm.
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.hpp"

namespace triagent {
namespace {

using config_testing::FakeEnvironment;
using config_testing::kMinimal;
using config_testing::load_error;
using config_testing::load_ok;

const std::string kS1Token = "s1-SECRET-token-0123456789";

TEST(OutboundConfig, ConnectorsAreOffAndBuiltinIsTheProviderByDefault) {
  Config cfg = load_ok(kMinimal);
  EXPECT_FALSE(cfg.connectors.singularity.has_value());
  EXPECT_FALSE(cfg.connectors.dataset.has_value());
  EXPECT_TRUE(cfg.llm.providers.empty());
  EXPECT_TRUE(cfg.http_client.verify_tls);
}

TEST(OutboundConfig, ReadsAnEnabledTenantAndItsPolicies) {
  FakeEnvironment env{{"S1_TOKEN", kS1Token}};
  Config cfg = load_ok(kMinimal + R"(
http_client:
  max_connections_per_host: 32
  proxy: ""
upstreams:
  singularity:
    max_concurrency: 4
    rate: {requests_per_second: 2.5}
    retry: {max_attempts: 3}
    breaker: {failure_rate: 0.25}
connectors:
  singularity:
    base_url: https://usea1.sentinelone.net
    api_token: ${S1_TOKEN}
    site_ids: ["475482421366727779"]
    deep_visibility: {poll_interval_ms: 1500}
  dataset:
    enabled: false
llm:
  providers:
    - name: local
      kind: openai
      base_url: http://127.0.0.1:11434
      model: llama3
      extra_headers: {OpenAI-Project: triage}
    - name: builtin
      kind: builtin
)",
                       env);
  EXPECT_EQ(cfg.http_client.max_connections_per_host, 32);
  ASSERT_TRUE(cfg.http_client.proxy.has_value());
  EXPECT_EQ(*cfg.http_client.proxy, "");
  const UpstreamPolicyConfig& s1 = cfg.upstreams.at("singularity");
  EXPECT_EQ(s1.name, "singularity");
  EXPECT_EQ(s1.max_concurrency, 4);
  EXPECT_DOUBLE_EQ(s1.rate.requests_per_second, 2.5);
  EXPECT_EQ(s1.retry.max_attempts, 3);
  EXPECT_DOUBLE_EQ(s1.breaker.failure_rate, 0.25);
  ASSERT_TRUE(cfg.connectors.singularity.has_value());
  EXPECT_EQ(cfg.connectors.singularity->api_token.reveal(), kS1Token);
  EXPECT_EQ(cfg.connectors.singularity->site_ids, std::vector<std::string>{"475482421366727779"});
  EXPECT_EQ(cfg.connectors.singularity->deep_visibility.poll_interval_ms, 1500);
  EXPECT_FALSE(cfg.connectors.dataset.has_value());
  ASSERT_EQ(cfg.llm.providers.size(), 2u);
  EXPECT_EQ(cfg.llm.providers[0].kind, LlmProviderKind::openai);
  EXPECT_EQ(cfg.llm.providers[0].extra_headers.at(0).first, "OpenAI-Project");
  EXPECT_EQ(cfg.llm.providers[1].kind, LlmProviderKind::builtin);
}

TEST(OutboundConfig, ConnectorChecksNameTheKeyAndLine) {
  std::string err = load_error(kMinimal + "connectors:\n  singularity:\n    base_url: https://s1.example\n");
  EXPECT_NE(err.find("test.yaml:5: connectors.singularity.api_token: must be set"), std::string::npos) << err;
}

TEST(OutboundConfig, PolicyChecksNameTheUpstream) {
  std::string err = load_error(kMinimal + "upstreams:\n  dataset:\n    retry: {max_attempts: 0}\n");
  EXPECT_NE(err.find("upstreams.dataset.retry.max_attempts"), std::string::npos) << err;
  err = load_error(kMinimal + "upstreams:\n  dataset:\n    rate: {requests_per_second: -1}\n");
  EXPECT_NE(err.find("expected a number >= 0"), std::string::npos) << err;
}

TEST(OutboundConfig, UnknownProviderKindAndKeysAreErrors) {
  std::string err = load_error(kMinimal + "llm:\n  providers:\n    - name: x\n      kind: bard\n");
  EXPECT_NE(err.find("llm.providers[0].kind"), std::string::npos) << err;
  err = load_error(kMinimal + "connectors:\n  dataset:\n    base_urll: https://x\n");
  EXPECT_NE(err.find("base_urll"), std::string::npos) << err;
}

TEST(OutboundConfig, TenantSecretsNeverAppearInErrors) {
  FakeEnvironment env{{"S1_TOKEN", "short-SECRET"}};
  std::string err = load_error(kMinimal + "connectors:\n  singularity:\n    base_url: https://s1.example\n    api_token: ${S1_TOKEN}\n", env);
  EXPECT_NE(err.find("api_token"), std::string::npos) << err;
}

}  // namespace
}  // namespace triagent
