#include <gtest/gtest.h>

#include "connectors_llm_test_support.hpp"
#include "triagent/connectors/llm_anthropic.hpp"

namespace triagent {
namespace {

using namespace llm_test;

// Shapes follow apis.md C.2 (message object, content blocks, usage, error envelope).
constexpr const char* kToolUseMessage = R"({
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "model": "claude-3-5-sonnet-20241022",
  "content": [
    {"type": "text", "text": "Recording the triage."},
    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "triage_v1",
     "input": {"summary": "Mimikatz on <HOST_1>", "severity": "high"}}
  ],
  "stop_reason": "tool_use", "stop_sequence": null,
  "usage": {"input_tokens": 2095, "output_tokens": 503}
})";

constexpr const char* kTextMessage = R"({
  "id": "msg_02", "type": "message", "role": "assistant", "model": "claude-3-5-haiku-20241022",
  "content": [{"type": "text", "text": "Likely credential theft"}, {"type": "text", "text": " on <HOST_1>."}],
  "stop_reason": "end_turn", "stop_sequence": null, "usage": {"input_tokens": 100, "output_tokens": 9}
})";

LlmProviderConfig anthropic_config() {
  LlmProviderConfig c;
  c.name = "claude";
  c.kind = LlmProviderKind::anthropic;
  c.model = "claude-3-5-sonnet-latest";
  c.api_key = Secret(kApiKey);
  return c;
}

TEST(LlmAnthropic, PostsMessagesWithAForcedToolForTheSchema) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, kToolUseMessage); });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  LlmRequest req = triage_request();
  auto r = run_completion(p, req);
  ASSERT_TRUE(r) << r.error().message;

  const HttpRequest sent = h.http.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.anthropic.test/v1/messages");
  EXPECT_EQ(header_of(sent, "x-api-key"), kApiKey);
  EXPECT_EQ(header_of(sent, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(header_of(sent, "content-type"), "application/json");
  EXPECT_EQ(header_of(sent, "authorization"), "<absent>");

  nlohmann::json body = sent_body(sent);
  EXPECT_EQ(body["model"], "claude-3-5-sonnet-latest");
  EXPECT_EQ(body["max_tokens"], 512);
  EXPECT_EQ(body["system"], req.system);
  ASSERT_EQ(body["messages"].size(), 1u);  // the system prompt is not a message
  EXPECT_EQ(body["messages"][0], (nlohmann::json{{"role", "user"}, {"content", req.messages[0].content}}));
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  ASSERT_EQ(body["tools"].size(), 1u);
  EXPECT_EQ(body["tools"][0]["name"], "triage_v1");
  EXPECT_EQ(body["tools"][0]["input_schema"], triage_schema());
  EXPECT_TRUE(body["tools"][0]["description"].is_string());
  EXPECT_EQ(body["tool_choice"], (nlohmann::json{{"type", "tool"}, {"name", "triage_v1"}}));
  EXPECT_FALSE(body.contains("response_format"));
}

TEST(LlmAnthropic, ReturnsTheToolInputAsJsonText) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, kToolUseMessage); });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(nlohmann::json::parse(r->text), (nlohmann::json{{"summary", "Mimikatz on <HOST_1>"}, {"severity", "high"}}));
  EXPECT_EQ(r->finish_reason, "tool_use");
  EXPECT_FALSE(r->truncated);
  EXPECT_EQ(r->usage.input_tokens, 2095);
  EXPECT_EQ(r->usage.output_tokens, 503);
  EXPECT_EQ(r->model, "claude-3-5-sonnet-20241022");
  EXPECT_EQ(r->provider, "claude");
}

TEST(LlmAnthropic, PlainTextConcatenatesTextBlocksWithoutTools) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, kTextMessage); });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  LlmRequest req = triage_request(false);
  req.system.clear();
  req.temperature.reset();
  auto r = run_completion(p, req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->text, "Likely credential theft on <HOST_1>.");
  EXPECT_EQ(r->finish_reason, "end_turn");

  nlohmann::json body = sent_body(h.http.requests().at(0));
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_FALSE(body.contains("tool_choice"));
  EXPECT_FALSE(body.contains("system"));
  EXPECT_FALSE(body.contains("temperature"));
}

TEST(LlmAnthropic, MissingToolCallIsAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, R"({"type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"{\"summ"}],
      "stop_reason":"max_tokens","usage":{"input_tokens":100,"output_tokens":512}})");
  });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_NE(r.error().message.find("max_tokens"), std::string::npos) << r.error().message;
}

TEST(LlmAnthropic, RefusalStopReasonIsAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, R"({"type":"message","role":"assistant","model":"claude","content":[],
      "stop_reason":"refusal","usage":{"input_tokens":100,"output_tokens":0}})");
  });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(LlmAnthropic, ErrorEnvelopeBecomesAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(400, R"({"type":"error","error":{"type":"invalid_request_error",
      "message":"max_tokens: 100000 > 8192, which is the maximum allowed number of output tokens"},"request_id":"req_011CSHoEeqs5"})");
  });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().upstream_status, 400);
  EXPECT_NE(r.error().message.find("invalid_request_error"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("max_tokens: 100000 > 8192"), std::string::npos) << r.error().message;
}

TEST(LlmAnthropic, ErrorEnvelopeWithA200IsStillAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_NE(r.error().message.find("overloaded_error"), std::string::npos) << r.error().message;
}

TEST(LlmAnthropic, AuthenticationErrorNeverQuotesTheKey) {
  std::string body = std::string(R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key )") +
                     kApiKey + R"("}})";
  LlmHarness h([&](const HttpRequest&) -> HttpResult { return json_response(401, body); });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_NE(r.error().message.find("authentication_error"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kApiKey), std::string::npos) << r.error().message;
}

TEST(LlmAnthropic, OverloadedIsRetried) {
  int calls = 0;
  LlmHarness h([&](const HttpRequest&) -> HttpResult {
    if (++calls < 3) return json_response(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
    return json_response(200, kToolUseMessage);
  });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(LlmAnthropic, OverloadedToTheEndIsUnavailable) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  });
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().upstream_status, 529);
  EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(LlmAnthropic, RateLimitHeaderResyncsTheTokenBucket) {
  UpstreamPolicyConfig cfg = fast_policy("claude");
  cfg.rate.tokens_per_minute = 80'000;
  cfg.max_inline_wait_ms = 0;
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, kToolUseMessage, {{"anthropic-ratelimit-tokens-remaining", "1000"}});
  }, cfg);
  AnthropicProvider p(anthropic_config(), h.upstream("https://api.anthropic.test"));
  ASSERT_TRUE(run_completion(p, triage_request()));
  EXPECT_EQ(h.policy.admit(1, 1'001).action, AdmitAction::requeue);
  EXPECT_EQ(h.policy.admit(1, 1'000).action, AdmitAction::go);
}

}  // namespace
}  // namespace triagent
