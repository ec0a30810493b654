#include <gtest/gtest.h>

#include "connectors_llm_test_support.hpp"
#include "triagent/connectors/llm_azure.hpp"

namespace triagent {
namespace {

using namespace llm_test;

// apis.md C.3: the OpenAI chat.completion shape; Azure adds content-filter result objects.
constexpr const char* kAzureCompletion = R"({
  "id": "chatcmpl-AzX1", "object": "chat.completion", "created": 1718000100, "model": "gpt-4o-2024-08-06",
  "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {"hate": {"filtered": false, "severity": "safe"}}}],
  "choices": [{"index": 0, "finish_reason": "stop",
               "message": {"role": "assistant", "content": "{\"summary\":\"ok\",\"severity\":\"low\"}", "refusal": null},
               "content_filter_results": {"hate": {"filtered": false, "severity": "safe"}}}],
  "usage": {"prompt_tokens": 420, "completion_tokens": 17, "total_tokens": 437}
})";

LlmProviderConfig azure_config() {
  LlmProviderConfig c;
  c.name = "azure";
  c.kind = LlmProviderKind::azure_openai;
  c.base_url = "https://contoso.openai.azure.com";
  c.deployment = "gpt-4o-triage";
  c.api_version = "2024-10-21";
  c.api_key = Secret(kApiKey);
  return c;
}

TEST(LlmAzure, CallsTheDeploymentUrlWithApiVersionAndApiKey) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, kAzureCompletion); });
  AzureOpenAiProvider p(azure_config(), h.upstream("https://contoso.openai.azure.com"));
  auto r = run_completion(p, triage_request());
  ASSERT_TRUE(r) << r.error().message;

  const HttpRequest sent = h.http.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url,
            "https://contoso.openai.azure.com/openai/deployments/gpt-4o-triage/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(header_of(sent, "api-key"), kApiKey);
  EXPECT_EQ(header_of(sent, "authorization"), "<absent>");
  EXPECT_EQ(header_of(sent, "content-type"), "application/json");
  nlohmann::json body = sent_body(sent);
  EXPECT_FALSE(body.contains("model"));  // the deployment implies it
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "triage_v1");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], false);  // our schema has optional fields
  EXPECT_EQ(body["max_completion_tokens"], 512);

  EXPECT_EQ(r->text, R"({"summary":"ok","severity":"low"})");
  EXPECT_EQ(r->usage.input_tokens, 420);
  EXPECT_EQ(r->usage.output_tokens, 17);
  EXPECT_EQ(r->model, "gpt-4o-2024-08-06");
  EXPECT_EQ(r->provider, "azure");
}

TEST(LlmAzure, WithoutADeploymentUsesTheV1RouteWithModelInTheBody) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, kAzureCompletion); });
  LlmProviderConfig cfg = azure_config();
  cfg.deployment.clear();
  cfg.model = "gpt-4o-triage";
  AzureOpenAiProvider p(cfg, h.upstream("https://contoso.openai.azure.com"));
  ASSERT_TRUE(run_completion(p, triage_request()));
  const HttpRequest sent = h.http.requests().at(0);
  EXPECT_EQ(sent.url, "https://contoso.openai.azure.com/openai/v1/chat/completions");
  EXPECT_EQ(header_of(sent, "api-key"), kApiKey);
  EXPECT_EQ(sent_body(sent)["model"], "gpt-4o-triage");
}

TEST(LlmAzure, UnknownDeploymentIsNotFound) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(404, R"({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}})");
  });
  AzureOpenAiProvider p(azure_config(), h.upstream("https://contoso.openai.azure.com"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().upstream_status, 404);
  EXPECT_NE(r.error().message.find("DeploymentNotFound"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kApiKey), std::string::npos);
}

TEST(LlmAzure, ContentFilterFinishIsAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, R"({"choices":[{"index":0,"finish_reason":"content_filter","message":{"role":"assistant","content":null},
      "content_filter_results":{"violence":{"filtered":true,"severity":"high"}}}],"usage":{"prompt_tokens":10,"completion_tokens":0}})");
  });
  AzureOpenAiProvider p(azure_config(), h.upstream("https://contoso.openai.azure.com"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(LlmAzure, IgnoresPlaceholderRemainingTokenHeaders) {
  UpstreamPolicyConfig cfg = fast_policy("azure");
  cfg.rate.tokens_per_minute = 10'000;
  cfg.max_inline_wait_ms = 0;
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, kAzureCompletion, {{"x-ratelimit-remaining-tokens", "-1"}});
  }, cfg);
  AzureOpenAiProvider p(azure_config(), h.upstream("https://contoso.openai.azure.com"));
  ASSERT_TRUE(run_completion(p, triage_request()));
  // -1 means "no figure": the bucket keeps our own accounting (10000 - 437 used).
  EXPECT_EQ(h.policy.admit(1, 10'000 - 437).action, AdmitAction::go);
}

}  // namespace
}  // namespace triagent
