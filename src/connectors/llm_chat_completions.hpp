#pragma once
// Private to the LLM connectors: the Chat Completions body and answer that OpenAI, Azure OpenAI and
// the OpenAI-compatible servers share. The connectors differ only in URL and credentials header.
//
//   ChatCompletionsEndpoint ep{upstream.url("/v1/chat/completions"), {{"Authorization", "Bearer " + key}}, true};
//   co_return co_await complete_chat(upstream, config, std::move(ep), std::move(request));

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent::llm_detail {

struct ChatCompletionsEndpoint {
  std::string url;
  HttpHeaders credentials;     // Authorization or api-key; empty when no key is configured
  bool model_in_body = true;   // false for Azure deployment URLs, where the deployment names the model
};

// {model?, messages[system?, ...], <max_tokens_field>, temperature?, response_format?}
nlohmann::json chat_completions_body(const LlmRequest& request, const LlmProviderConfig& config, bool model_in_body);

// choices[0].message.content, finish_reason, usage and model of a 2xx answer; refusals and content
// filtering are errors. provider and latency are left for the caller.
Result<LlmResponse> read_chat_completion(const nlohmann::json& body, const LlmProviderConfig& config);

boost::asio::awaitable<Result<LlmResponse>> complete_chat(const Upstream& upstream, const LlmProviderConfig& config,
                                                          ChatCompletionsEndpoint endpoint, LlmRequest request);

}  // namespace triagent::llm_detail
