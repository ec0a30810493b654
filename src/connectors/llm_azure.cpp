#include "triagent/connectors/llm_azure.hpp"

#include <utility>

#include "llm_chat_completions.hpp"

namespace triagent {

AzureOpenAiProvider::AzureOpenAiProvider(LlmProviderConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

boost::asio::awaitable<Result<LlmResponse>> AzureOpenAiProvider::complete(LlmRequest request) {
  llm_detail::ChatCompletionsEndpoint endpoint;
  // validate() restricts deployment and api_version to URL-safe characters, so no escaping is needed.
  if (!config_.deployment.empty()) {
    endpoint.url = upstream_.url("/openai/deployments/" + config_.deployment +
                                 "/chat/completions?api-version=" + config_.api_version);
    endpoint.model_in_body = false;
  } else {
    endpoint.url = upstream_.url("/openai/v1/chat/completions");
    endpoint.model_in_body = true;
  }
  endpoint.credentials.emplace_back("api-key", config_.api_key.reveal());
  co_return co_await llm_detail::complete_chat(upstream_, config_, std::move(endpoint), std::move(request));
}

}  // namespace triagent
