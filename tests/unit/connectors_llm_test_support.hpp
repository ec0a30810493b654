#pragma once
// Shared by the connectors_llm_*_test.cpp files: a scripted upstream for one LLM provider, a way to
// run one completion to the end, and a triage-shaped request.
//
//   LlmHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, kChatCompletion); });
//   OpenAiChatProvider p(openai_config(), h.upstream("https://api.openai.test"));
//   Result<LlmResponse> r = run_completion(p, triage_request());
//   nlohmann::json sent = sent_body(h.http.requests().at(0));

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/scripted_http_client.hpp"
#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::llm_test {

using testing::json_response;
using testing::ScriptedHttpClient;
using testing::transport_error;

inline constexpr const char* kApiKey = "sk-test-7f3a9c1e5b2d4f60";

inline UpstreamPolicyConfig fast_policy(std::string name = "llm") {
  UpstreamPolicyConfig cfg;
  cfg.name = std::move(name);
  cfg.retry.max_attempts = 3;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 2;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

// One upstream: scripted HTTP answers and a policy on a manual clock, so token buckets never refill
// behind a test's back.
struct LlmHarness {
  explicit LlmHarness(ScriptedHttpClient::Handler handler, UpstreamPolicyConfig cfg = fast_policy())
      : http(std::move(handler)), policy(std::move(cfg), clock, rng) {}

  Upstream upstream(std::string base_url) {
    Upstream up;
    up.client = &http;
    up.policy = &policy;
    up.base_url = std::move(base_url);
    return up;
  }

  ScriptedHttpClient http;
  ManualClock clock;
  SeededRandom rng{7};
  UpstreamPolicy policy;
};

inline boost::asio::awaitable<void> complete_into(LlmProvider& provider, LlmRequest request,
                                                  std::optional<Result<LlmResponse>>& out) {
  out.emplace(co_await provider.complete(std::move(request)));
}

inline Result<LlmResponse> run_completion(LlmProvider& provider, LlmRequest request) {
  boost::asio::io_context io;
  std::optional<Result<LlmResponse>> out;
  boost::asio::co_spawn(io, complete_into(provider, std::move(request), out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return std::move(*out);
}

inline nlohmann::json triage_schema() {
  return nlohmann::json::parse(R"({
    "type": "object",
    "properties": {"summary": {"type": "string"}, "severity": {"type": "string", "enum": ["low", "medium", "high"]}},
    "required": ["summary", "severity"],
    "additionalProperties": false
  })");
}

inline LlmRequest triage_request(bool with_schema = true) {
  LlmRequest r;
  r.system = "You are a SOC analyst. Answer with the triage JSON.";
  r.messages.push_back({LlmRole::user, "Threat 7: mimikatz.exe on <HOST_1> by <USER_1>"});
  if (with_schema) {
    r.json_schema = triage_schema();
    r.schema_name = "triage_v1";
  }
  r.max_output_tokens = 512;
  r.temperature = 0.2;
  return r;
}

inline std::string header_of(const HttpRequest& request, std::string_view name) {
  auto v = find_header(request.headers, name);
  return v ? std::string(*v) : std::string("<absent>");
}

inline nlohmann::json sent_body(const HttpRequest& request) { return nlohmann::json::parse(request.body); }

}  // namespace triagent::llm_test
