#pragma once
// AnthropicProvider: an LlmProvider for Anthropic's Messages API: POST {base_url}/v1/messages with
// `x-api-key` and `anthropic-version: 2023-06-01` (configurable).
//
//   AnthropicProvider claude(config, Upstream{&http, &policy, effective_base_url(config)});
//   Result<LlmResponse> r = co_await claude.complete(std::move(request));
//
// The system prompt is the top-level `system` field. With a schema, the request defines one tool
// named request.schema_name whose `input_schema` is the schema and forces it with
// `tool_choice: {type: tool, name}`; the tool call's `input` comes back as the response text.
// Without a schema, the text blocks of `content` are concatenated. An error envelope
// `{"type":"error","error":{type, message}}` becomes an Error; 529 overloaded is retried by
// call_upstream like any 5xx. `anthropic-ratelimit-tokens-remaining` resyncs the token bucket.

#include <string>

#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent {

class AnthropicProvider final : public LlmProvider {
 public:
  // `config` is validated (make_llm_provider does it); `upstream.base_url` is effective_base_url(config).
  AnthropicProvider(LlmProviderConfig config, Upstream upstream);

  boost::asio::awaitable<Result<LlmResponse>> complete(LlmRequest request) override;
  const std::string& name() const override { return config_.name; }

 private:
  LlmProviderConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
