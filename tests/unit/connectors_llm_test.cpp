#include <gtest/gtest.h>

#include "connectors_llm_test_support.hpp"
#include "triagent/connectors/llm_chain.hpp"
#include "triagent/connectors/llm_factory.hpp"
#include "triagent/connectors/llm_token_estimate.hpp"

namespace triagent {
namespace {

using namespace llm_test;

LlmProviderConfig valid(LlmProviderKind kind) {
  LlmProviderConfig c;
  c.name = "p";
  c.kind = kind;
  c.api_key = Secret(kApiKey);
  if (kind == LlmProviderKind::azure_openai) {
    c.base_url = "https://contoso.openai.azure.com";
    c.deployment = "gpt-4o";
  } else {
    c.model = "m";
  }
  return c;
}

std::string validation_message(const LlmProviderConfig& c, std::size_t index = 2) {
  auto ok = validate(c, index);
  return ok ? std::string("<valid>") : ok.error().message;
}

TEST(LlmConfig, AcceptsEachKindsMinimalConfig) {
  for (LlmProviderKind k : {LlmProviderKind::openai, LlmProviderKind::azure_openai, LlmProviderKind::anthropic}) {
    EXPECT_EQ(validation_message(valid(k)), "<valid>") << to_string(k);
  }
  LlmProviderConfig builtin;
  builtin.name = "builtin";
  builtin.kind = LlmProviderKind::builtin;
  EXPECT_EQ(validation_message(builtin), "<valid>");
  LlmProviderConfig local = valid(LlmProviderKind::openai);
  local.api_key = Secret();
  local.base_url = "http://localhost:11434/";
  EXPECT_EQ(validation_message(local), "<valid>");
}

TEST(LlmConfig, MessagesNameTheKey) {
  auto with = [](LlmProviderKind kind, auto change) {
    LlmProviderConfig c = valid(kind);
    change(c);
    return validation_message(c);
  };
  using K = LlmProviderKind;
  EXPECT_EQ(with(K::openai, [](auto& c) { c.model.clear(); }), "llm.providers[2].model: required for kind openai");
  EXPECT_EQ(with(K::anthropic, [](auto& c) { c.api_key = Secret(); }),
            "llm.providers[2].api_key: required for kind anthropic");
  EXPECT_EQ(with(K::openai, [](auto& c) { c.name = "my provider"; }).rfind("llm.providers[2].name:", 0), 0u);
  EXPECT_EQ(with(K::openai, [](auto& c) { c.base_url = "ftp://x"; }).rfind("llm.providers[2].base_url:", 0), 0u);
  EXPECT_EQ(with(K::openai, [](auto& c) { c.base_url = "https://x/v1?x=1"; }).rfind("llm.providers[2].base_url:", 0), 0u);
  EXPECT_EQ(with(K::azure_openai, [](auto& c) { c.base_url.clear(); }).rfind("llm.providers[2].base_url:", 0), 0u);
  EXPECT_EQ(with(K::azure_openai, [](auto& c) { c.deployment.clear(); }).rfind("llm.providers[2].deployment:", 0), 0u);
  EXPECT_EQ(with(K::azure_openai, [](auto& c) { c.deployment = "a/b"; }).rfind("llm.providers[2].deployment:", 0), 0u);
  EXPECT_EQ(with(K::azure_openai, [](auto& c) { c.api_version = "2024 10"; }).rfind("llm.providers[2].api_version:", 0), 0u);
  EXPECT_EQ(with(K::openai, [](auto& c) { c.max_output_tokens = 0; }).rfind("llm.providers[2].max_output_tokens:", 0), 0u);
  EXPECT_EQ(with(K::openai, [](auto& c) { c.request_timeout_ms = 0; }).rfind("llm.providers[2].request_timeout_ms:", 0), 0u);
  EXPECT_EQ(with(K::openai, [](auto& c) { c.max_tokens_field = "n"; }).rfind("llm.providers[2].max_tokens_field:", 0), 0u);
  EXPECT_EQ(with(K::openai, [](auto& c) { c.extra_headers = {{"Authorization", "Bearer x"}}; }),
            "llm.providers[2].extra_headers.Authorization: is set by the connector; put credentials in api_key");
  EXPECT_EQ(with(K::openai, [](auto& c) { c.extra_headers = {{"OpenAI-Project", "a\r\nb"}}; })
                .rfind("llm.providers[2].extra_headers.OpenAI-Project:", 0), 0u);
}

TEST(LlmConfig, NeverPrintsTheKey) {
  LlmProviderConfig c = valid(LlmProviderKind::anthropic);
  c.api_key = Secret(std::string(kApiKey) + "\n");
  std::string m = validation_message(c);
  EXPECT_EQ(m.rfind("llm.providers[2].api_key:", 0), 0u) << m;
  EXPECT_EQ(m.find(kApiKey), std::string::npos);
}

TEST(LlmConfig, KindsParseAndBaseUrlsDefault) {
  EXPECT_EQ(parse_llm_provider_kind("azure_openai"), LlmProviderKind::azure_openai);
  EXPECT_EQ(parse_llm_provider_kind("builtin"), LlmProviderKind::builtin);
  EXPECT_FALSE(parse_llm_provider_kind("gemini").has_value());
  EXPECT_EQ(effective_base_url(valid(LlmProviderKind::openai)), "https://api.openai.com");
  EXPECT_EQ(effective_base_url(valid(LlmProviderKind::anthropic)), "https://api.anthropic.com");
  LlmProviderConfig c = valid(LlmProviderKind::openai);
  c.base_url = "http://litellm:4000//";
  EXPECT_EQ(effective_base_url(c), "http://litellm:4000");
}

TEST(LlmTokenEstimate, QuarterOfThePromptBytesPlusTheOutputAllowance) {
  LlmRequest r;
  r.system = std::string(40, 's');
  r.messages.push_back({LlmRole::user, std::string(37, 'u')});
  EXPECT_DOUBLE_EQ(estimate_llm_tokens(r, 100), 20 + 100);  // ceil(77 / 4) = 20
  r.json_schema = nlohmann::json{{"type", "object"}};        // {"type":"object"}: 17 bytes
  EXPECT_DOUBLE_EQ(estimate_llm_tokens(r, 0), 24);           // ceil(94 / 4)
}

TEST(LlmFactory, BuiltinIsRefusedWithAClearMessage) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(500, "{}"); });
  LlmProviderConfig c;
  c.name = "fallback";
  c.kind = LlmProviderKind::builtin;
  auto p = make_llm_provider(c, h.upstream(""));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(p.error().message.find("built-in analyzer"), std::string::npos) << p.error().message;
}

TEST(LlmFactory, RefusesAnInvalidConfigOrAMissingClient) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(500, "{}"); });
  LlmProviderConfig c = valid(LlmProviderKind::openai);
  c.model.clear();
  auto bad = make_llm_provider(c, h.upstream(""));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "llm.providers[p].model: required for kind openai");
  EXPECT_FALSE(make_llm_provider(valid(LlmProviderKind::openai), Upstream{}));
}

TEST(LlmFactory, BuildsEachKindOnItsBaseUrl) {
  LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(401, "{}"); });
  std::vector<std::pair<LlmProviderKind, std::string>> cases = {
      {LlmProviderKind::openai, "https://api.openai.com/v1/chat/completions"},
      {LlmProviderKind::azure_openai,
       "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"},
      {LlmProviderKind::anthropic, "https://api.anthropic.com/v1/messages"}};
  for (const auto& [kind, url] : cases) {
    auto p = make_llm_provider(valid(kind), h.upstream("https://ignored.test"));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ((*p)->name(), "p");
    auto r = run_completion(**p, triage_request());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(h.http.requests().back().url, url);
  }
}

// Two real connectors behind one chain: OpenAI is down (500s through every retry), Claude answers.
TEST(LlmFactory, ChainFailsOverFromOpenAiToAnthropic) {
  LlmHarness openai_up([](const HttpRequest&) -> HttpResult {
    return json_response(500, R"({"error":{"message":"The server had an error","type":"server_error"}})");
  }, fast_policy("openai"));
  LlmHarness claude_up([](const HttpRequest&) -> HttpResult {
    return json_response(200, R"({"type":"message","role":"assistant","model":"claude-3-5-haiku-20241022",
      "content":[{"type":"tool_use","id":"toolu_1","name":"triage_v1","input":{"summary":"s","severity":"low"}}],
      "stop_reason":"tool_use","usage":{"input_tokens":90,"output_tokens":20}})");
  }, fast_policy("claude"));
  LlmProviderConfig openai = valid(LlmProviderKind::openai);
  openai.name = "openai";
  LlmProviderConfig claude = valid(LlmProviderKind::anthropic);
  claude.name = "claude";

  std::vector<std::unique_ptr<LlmProvider>> providers;
  providers.push_back(std::move(make_llm_provider(openai, openai_up.upstream("")).value()));
  providers.push_back(std::move(make_llm_provider(claude, claude_up.upstream("")).value()));
  LlmProviderChain chain("llm", std::move(providers));

  auto r = run_completion(chain, triage_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->provider, "claude");
  EXPECT_EQ(r->text, R"({"severity":"low","summary":"s"})");
  ASSERT_EQ(r->failed_providers.size(), 1u);
  EXPECT_EQ(r->failed_providers[0].provider, "openai");
  EXPECT_EQ(r->failed_providers[0].error.code, ErrorCode::unavailable);
  EXPECT_EQ(r->failed_providers[0].error.upstream_status, 500);
  EXPECT_EQ(r->failed_providers[0].error.message.find(kApiKey), std::string::npos);
  EXPECT_EQ(openai_up.http.requests().size(), 3u);
  EXPECT_EQ(claude_up.http.requests().size(), 1u);
}

}  // namespace
}  // namespace triagent
