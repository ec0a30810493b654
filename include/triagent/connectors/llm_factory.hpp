#pragma once
// make_llm_provider: builds the connector for one configured LLM provider.
//
//   Upstream up{&http, &policies.at(cfg.name), "", std::chrono::seconds(60)};
//   Result<std::unique_ptr<LlmProvider>> p = make_llm_provider(cfg, up);
//   if (!p) fail(p.error().message);
//
// The config is validated first; `upstream.base_url` is replaced by effective_base_url(config).
// Kind `builtin` is refused with an invalid_argument Error: the pipeline serves it with the
// built-in analyzer, which needs no connector.

#include <memory>

#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent {

Result<std::unique_ptr<LlmProvider>> make_llm_provider(const LlmProviderConfig& config, Upstream upstream);

}  // namespace triagent
