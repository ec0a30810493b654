#pragma once
// Private to the LLM connectors: what every provider does the same way around its one HTTP call
// (request checks, headers, the token-bucket bookkeeping, mapping HTTP failures to Errors without
// leaking the API key), so each connector only builds its body and reads its answer.
//
//   LlmHttpCall call{.request = post(url, headers, body), .estimated_tokens = est,
//                    .used_tokens = read_usage, .remaining_tokens_header = "x-ratelimit-remaining-tokens"};
//   Result<LlmHttpAnswer> a = co_await send_llm_call(upstream, config, std::move(call), request);
//   if (!a) co_return a.error();          // already "llm <name>: HTTP 401 ..." with the key scrubbed
//   read(a->body);

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent::llm_detail {

// "llm <name>: <what>", with the configured API key replaced wherever it appears.
Error provider_error(const LlmProviderConfig& config, ErrorCode code, std::string_view what);

// The same text with every occurrence of the key replaced by <redacted>.
std::string scrub_secret(std::string text, const Secret& key);

// Refuses a request no provider could serve: no messages, an empty message, a bad schema name.
Result<void> check_request(const LlmRequest& request, const LlmProviderConfig& config);

// The output cap for this call: the request's, else the config's.
int output_budget(const LlmRequest& request, const LlmProviderConfig& config);

// content-type: application/json plus the configured extra headers.
HttpHeaders json_headers(const LlmProviderConfig& config);

// Serialises a body; invalid UTF-8 in prompts (log lines) is replaced, never thrown on.
std::string dump_json(const nlohmann::json& value);

// Upstream text as it may appear in an Error: printable ASCII, at most 300 characters.
std::string upstream_text(std::string_view text);

// A JSON field as a string/int when it is one, else the fallback (upstream JSON is untrusted).
std::string string_field(const nlohmann::json& object, const char* key, std::string fallback = {});
std::int64_t int_field(const nlohmann::json& object, const char* key);

struct LlmHttpCall {
  HttpRequest request;
  double estimated_tokens = 0;
  // Tokens a successful answer says it used (input + output), read from its parsed body.
  std::function<std::optional<double>(const nlohmann::json& body)> used_tokens;
  // Response header with the provider's remaining tokens per minute; empty: none.
  std::string remaining_tokens_header;
};

struct LlmHttpAnswer {
  nlohmann::json body;        // a JSON object, from a 2xx answer
  std::int64_t latency_ms = 0;
};

// Sends through call_upstream (deadline: the request's, else now + request_timeout_ms) and returns
// the parsed body of a 2xx answer, or an Error: call_upstream's own (requeue, timeout, cancelled...)
// or one made from the HTTP status and the provider's error body.
boost::asio::awaitable<Result<LlmHttpAnswer>> send_llm_call(const Upstream& upstream, const LlmProviderConfig& config,
                                                            LlmHttpCall call, const LlmRequest& request);

}  // namespace triagent::llm_detail
