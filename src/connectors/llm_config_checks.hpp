#pragma once
// Private to the LLM connectors: the checks behind validate(LlmProviderConfig, index), with the key
// prefix given by the caller ("llm.providers[2]" from the config loader, "llm.providers[openai]"
// from make_llm_provider, which does not know the index).
//
//   if (auto ok = check_llm_provider_config(cfg, "llm.providers[openai]"); !ok) return ok.error();

#include <string>

#include "triagent/connectors/llm_config.hpp"

namespace triagent::llm_detail {

Result<void> check_llm_provider_config(const LlmProviderConfig& config, const std::string& key_prefix);

}  // namespace triagent::llm_detail
