#pragma once
// AzureOpenAiProvider: an LlmProvider for Azure OpenAI chat completions, with the `api-key` header
// and the same body and response as OpenAI's (see llm_openai.hpp).
//
//   config.base_url = "https://contoso.openai.azure.com";
//   config.deployment = "gpt-4o-triage";  config.api_version = "2024-10-21";
//   AzureOpenAiProvider azure(config, Upstream{&http, &policy, effective_base_url(config)});
//   co_await azure.complete(std::move(request));
//   // POST https://contoso.openai.azure.com/openai/deployments/gpt-4o-triage/chat/completions?api-version=2024-10-21
//
// With a deployment the body carries no `model` (the deployment implies it). Without one, the newer
// OpenAI-compatible form is used: POST {base_url}/openai/v1/chat/completions with `model` in the body.

#include <string>

#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent {

class AzureOpenAiProvider final : public LlmProvider {
 public:
  // `config` is validated (make_llm_provider does it); `upstream.base_url` is effective_base_url(config).
  AzureOpenAiProvider(LlmProviderConfig config, Upstream upstream);

  boost::asio::awaitable<Result<LlmResponse>> complete(LlmRequest request) override;
  const std::string& name() const override { return config_.name; }

 private:
  LlmProviderConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
