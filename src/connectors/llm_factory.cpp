#include "triagent/connectors/llm_factory.hpp"

#include <utility>

#include "llm_config_checks.hpp"
#include "triagent/connectors/llm_anthropic.hpp"
#include "triagent/connectors/llm_azure.hpp"
#include "triagent/connectors/llm_openai.hpp"

namespace triagent {

Result<std::unique_ptr<LlmProvider>> make_llm_provider(const LlmProviderConfig& config, Upstream upstream) {
  std::string where = "llm.providers[" + config.name + "]";
  if (auto ok = llm_detail::check_llm_provider_config(config, where); !ok) return ok.error();
  if (config.kind == LlmProviderKind::builtin) {
    return Error{ErrorCode::invalid_argument,
                 where + ": kind builtin is the pipeline's built-in analyzer and has no connector; "
                         "the pipeline must handle it before calling make_llm_provider"};
  }
  if (!upstream.client || !upstream.policy) {
    return Error{ErrorCode::internal, where + ": the upstream has no HTTP client or policy"};
  }
  upstream.base_url = effective_base_url(config);
  switch (config.kind) {
    case LlmProviderKind::openai:
      return std::unique_ptr<LlmProvider>(std::make_unique<OpenAiChatProvider>(config, std::move(upstream)));
    case LlmProviderKind::azure_openai:
      return std::unique_ptr<LlmProvider>(std::make_unique<AzureOpenAiProvider>(config, std::move(upstream)));
    case LlmProviderKind::anthropic:
      return std::unique_ptr<LlmProvider>(std::make_unique<AnthropicProvider>(config, std::move(upstream)));
    case LlmProviderKind::builtin:
      break;
  }
  return Error{ErrorCode::internal, where + ": unknown provider kind"};
}

}  // namespace triagent
