#pragma once
// OpenAiChatProvider: an LlmProvider for OpenAI's Chat Completions API and the servers that speak it
// (vLLM, Ollama, llama.cpp server, LiteLLM): POST {base_url}/v1/chat/completions with
// `Authorization: Bearer <key>` (omitted when no key is configured).
//
//   OpenAiChatProvider openai(config, Upstream{&http, &policy, effective_base_url(config)});
//   Result<LlmResponse> r = co_await openai.complete(std::move(request));
//
// With a schema the body asks for `response_format: {type: json_schema, json_schema: {name,
// schema, strict: request.strict_schema}}`. A refusal (`message.refusal`) or `finish_reason: content_filter` is an
// invalid_argument Error: the same evidence would be refused again. The response's
// `x-ratelimit-remaining-tokens` resynchronises the upstream's token bucket.

#include <string>

#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent {

class OpenAiChatProvider final : public LlmProvider {
 public:
  // `config` is validated (make_llm_provider does it); `upstream.base_url` is effective_base_url(config).
  OpenAiChatProvider(LlmProviderConfig config, Upstream upstream);

  boost::asio::awaitable<Result<LlmResponse>> complete(LlmRequest request) override;
  const std::string& name() const override { return config_.name; }

 private:
  LlmProviderConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
