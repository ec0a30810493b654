#include <gtest/gtest.h>

#include "connectors_llm_test_support.hpp"
#include "triagent/connectors/llm_openai.hpp"

namespace triagent {
namespace {

using namespace llm_test;

// Shapes follow apis.md C.1 (chat.completion object, usage, refusal, error envelope).
constexpr const char* kCompletion = R"({
  "id": "chatcmpl-9xYz",
  "object": "chat.completion",
  "created": 1718000000,
  "model": "gpt-4o-mini-2024-07-18",
  "choices": [{
    "index": 0,
    "message": {"role": "assistant", "content": "{\"summary\":\"Mimikatz on <HOST_1>\",\"severity\":\"high\"}", "refusal": null},
    "finish_reason": "stop"
  }],
  "usage": {"prompt_tokens": 812, "completion_tokens": 64, "total_tokens": 876,
            "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}
})";

constexpr const char* kRefusal = R"({
  "id": "chatcmpl-r1", "object": "chat.completion", "created": 1718000001, "model": "gpt-4o-mini",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": null,
               "refusal": "I'm sorry, I can't help with that request."}, "finish_reason": "stop"}],
  "usage": {"prompt_tokens": 800, "completion_tokens": 12, "total_tokens": 812}
})";

constexpr const char* kContentFilter = R"({
  "id": "chatcmpl-f1", "object": "chat.completion", "created": 1718000002, "model": "gpt-4o-mini",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": ""}, "finish_reason": "content_filter"}],
  "usage": {"prompt_tokens": 800, "completion_tokens": 0, "total_tokens": 800}
})";

LlmProviderConfig openai_config() {
  LlmProviderConfig c;
  c.name = "openai";
  c.kind = LlmProviderKind::openai;
  c.model = "gpt-4o-mini";
  c.api_key = Secret(kApiKey);
  c.extra_headers = {{"OpenAI-Organization", "org-triagent"}};
  return c;
}

HttpResult answer(const char* body) { return json_response(200, body); }

TEST(LlmOpenAi, PostsAChatCompletionWithAStrictJsonSchema) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kCompletion); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  LlmRequest req = triage_request();
  req.schema_description = "Triage of one incident";
  req.strict_schema = true;
  ASSERT_TRUE(run_completion(p, req));

  ASSERT_EQ(h.http.requests().size(), 1u);
  const HttpRequest sent = h.http.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.openai.test/v1/chat/completions");
  EXPECT_EQ(header_of(sent, "authorization"), std::string("Bearer ") + kApiKey);
  EXPECT_EQ(header_of(sent, "content-type"), "application/json");
  EXPECT_EQ(header_of(sent, "OpenAI-Organization"), "org-triagent");

  nlohmann::json body = sent_body(sent);
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0], (nlohmann::json{{"role", "system"}, {"content", req.system}}));
  EXPECT_EQ(body["messages"][1], (nlohmann::json{{"role", "user"}, {"content", req.messages[0].content}}));
  EXPECT_EQ(body["max_completion_tokens"], 512);
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  nlohmann::json expected_format = {
      {"type", "json_schema"},
      {"json_schema",
       {{"name", "triage_v1"}, {"description", "Triage of one incident"}, {"schema", triage_schema()}, {"strict", true}}}};
  EXPECT_EQ(body["response_format"], expected_format);
}

TEST(LlmOpenAi, PlainTextRequestHasNoResponseFormatAndNoUnsetFields) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kCompletion); });
  LlmProviderConfig cfg = openai_config();
  cfg.max_output_tokens = 300;
  cfg.max_tokens_field = "max_tokens";  // older compatible servers
  OpenAiChatProvider p(cfg, h.upstream("http://localhost:11434"));
  LlmRequest req = triage_request(false);
  req.system.clear();
  req.temperature.reset();
  req.max_output_tokens = 0;
  req.messages.push_back({LlmRole::assistant, "not JSON"});
  req.messages.push_back({LlmRole::user, "Answer again, as JSON only."});
  ASSERT_TRUE(run_completion(p, req));

  nlohmann::json body = sent_body(h.http.requests().at(0));
  EXPECT_FALSE(body.contains("response_format"));
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("max_completion_tokens"));
  EXPECT_EQ(body["max_tokens"], 300);
  ASSERT_EQ(body["messages"].size(), 3u);
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_EQ(body["messages"][1]["role"], "assistant");
  EXPECT_EQ(body["messages"][2]["role"], "user");
}

TEST(LlmOpenAi, LocalServerWithoutKeyGetsNoAuthorizationHeader) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kCompletion); });
  LlmProviderConfig cfg = openai_config();
  cfg.api_key = Secret();
  OpenAiChatProvider p(cfg, h.upstream("http://vllm.local:8000"));
  ASSERT_TRUE(run_completion(p, triage_request()));
  EXPECT_EQ(h.http.requests().at(0).url, "http://vllm.local:8000/v1/chat/completions");
  EXPECT_EQ(header_of(h.http.requests().at(0), "authorization"), "<absent>");
}

TEST(LlmOpenAi, ReadsContentFinishReasonUsageAndModel) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kCompletion); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->text, R"({"summary":"Mimikatz on <HOST_1>","severity":"high"})");
  EXPECT_EQ(r->finish_reason, "stop");
  EXPECT_FALSE(r->truncated);
  EXPECT_EQ(r->usage.input_tokens, 812);
  EXPECT_EQ(r->usage.output_tokens, 64);
  EXPECT_EQ(r->provider, "openai");
  EXPECT_EQ(r->model, "gpt-4o-mini-2024-07-18");
  EXPECT_GE(r->latency_ms, 0);
  EXPECT_TRUE(r->failed_providers.empty());
}

TEST(LlmOpenAi, LengthFinishMarksTheAnswerTruncated) {
  std::string body = kCompletion;
  body.replace(body.find("\"stop\""), 6, "\"length\"");
  LlmHarness h([&](const HttpRequest&) -> HttpResult { return answer(body.c_str()); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->finish_reason, "length");
  EXPECT_TRUE(r->truncated);
}

TEST(LlmOpenAi, RefusalIsAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kRefusal); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("refused"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("llm openai"), std::string::npos);
}

TEST(LlmOpenAi, ContentFilterIsAnError) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kContentFilter); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("content filter"), std::string::npos) << r.error().message;
}

TEST(LlmOpenAi, AuthenticationFailureNeverQuotesTheKey) {
  // OpenAI's 401 message quotes the key it was given.
  std::string body = std::string(R"({"error":{"message":"Incorrect API key provided: )") + kApiKey +
                     R"(. You can find your API key at https://platform.openai.com/account/api-keys.",)"
                     R"("type":"invalid_request_error","param":null,"code":"invalid_api_key"}})";
  LlmHarness h([&](const HttpRequest&) -> HttpResult { return json_response(401, body); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().upstream_status, 401);
  EXPECT_EQ(r.error().message.find(kApiKey), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("sk-test"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("invalid_api_key"), std::string::npos) << r.error().message;
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(LlmOpenAi, BadRequestKeepsTheProviderMessageButScrubsTheKey) {
  std::string body = std::string(R"({"error":{"message":"Invalid schema for response_format 'triage_v1' (key )") +
                     kApiKey + R"x()","type":"invalid_request_error","param":"response_format","code":null}})x";
  LlmHarness h([&](const HttpRequest&) -> HttpResult { return json_response(400, body); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().upstream_status, 400);
  EXPECT_NE(r.error().message.find("Invalid schema for response_format"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("<redacted>"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kApiKey), std::string::npos) << r.error().message;
}

TEST(LlmOpenAi, MalformedAnswersAreErrorsNotExceptions) {
  for (const char* body : {"not json", "[]", R"({"choices":[]})", R"({"choices":[{"message":"x"}]})",
                           R"({"choices":[{"message":{"content":null},"finish_reason":"tool_calls"}]})",
                           R"({"choices":[{"message":{"content":7}}],"usage":"many"})"}) {
    LlmHarness h([&](const HttpRequest&) -> HttpResult { return answer(body); });
    OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
    auto r = run_completion(p, triage_request());
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().code, ErrorCode::unavailable) << body;
  }
}

TEST(LlmOpenAi, RetriesServerErrorsThroughCallUpstream) {
  int calls = 0;
  LlmHarness h([&](const HttpRequest&) -> HttpResult {
    return ++calls < 3 ? json_response(503, R"({"error":{"message":"overloaded"}})") : answer(kCompletion);
  });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  auto r = run_completion(p, triage_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(LlmOpenAi, InvalidRequestsAreRefusedBeforeSending) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kCompletion); });
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  LlmRequest no_messages = triage_request();
  no_messages.messages.clear();
  LlmRequest bad_name = triage_request();
  bad_name.schema_name = "triage v1";
  for (LlmRequest req : {no_messages, bad_name}) {
    auto r = run_completion(p, req);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_TRUE(h.http.requests().empty());
}

UpstreamPolicyConfig token_limited(double tokens_per_minute) {
  UpstreamPolicyConfig cfg = fast_policy("openai");
  cfg.rate.tokens_per_minute = tokens_per_minute;
  cfg.max_inline_wait_ms = 0;
  return cfg;
}

TEST(LlmOpenAi, RemainingTokensHeaderResyncsTheTokenBucket) {
  LlmHarness h([](const HttpRequest&) -> HttpResult {
    return json_response(200, kCompletion, {{"x-ratelimit-remaining-tokens", "40"}});
  }, token_limited(100'000));
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  ASSERT_TRUE(run_completion(p, triage_request()));
  // The provider says 40 tokens are left, whatever our estimate said.
  EXPECT_EQ(h.policy.admit(1, 50).action, AdmitAction::requeue);
  EXPECT_EQ(h.policy.admit(1, 30).action, AdmitAction::go);
}

TEST(LlmOpenAi, UsageCorrectsTheTokenEstimate) {
  // Estimate: ceil(bytes / 4) + 512 output; the answer says 812 + 64 were used.
  LlmHarness h([](const HttpRequest&) -> HttpResult { return answer(kCompletion); }, token_limited(2'000));
  OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
  ASSERT_TRUE(run_completion(p, triage_request()));
  EXPECT_EQ(h.policy.admit(1, 2'000 - 876 + 1).action, AdmitAction::requeue);
  EXPECT_EQ(h.policy.admit(1, 2'000 - 876).action, AdmitAction::go);
}

}  // namespace
}  // namespace triagent
