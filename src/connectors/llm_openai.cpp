#include "triagent/connectors/llm_openai.hpp"

#include <utility>

#include "llm_chat_completions.hpp"

namespace triagent {

OpenAiChatProvider::OpenAiChatProvider(LlmProviderConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

boost::asio::awaitable<Result<LlmResponse>> OpenAiChatProvider::complete(LlmRequest request) {
  llm_detail::ChatCompletionsEndpoint endpoint;
  endpoint.url = upstream_.url("/v1/chat/completions");
  // Local servers (Ollama, llama.cpp) run without a key; an empty Bearer would only confuse them.
  if (!config_.api_key.empty()) endpoint.credentials.emplace_back("Authorization", "Bearer " + config_.api_key.reveal());
  endpoint.model_in_body = true;
  co_return co_await llm_detail::complete_chat(upstream_, config_, std::move(endpoint), std::move(request));
}

}  // namespace triagent
