#pragma once
// LlmProviderConfig: the typed settings of one LLM provider (`llm.providers[i]` in the YAML), and
// validate(), whose messages name the key ("llm.providers[1].model: required for kind openai").
//
//   LlmProviderConfig c;
//   c.name = "openai";
//   c.kind = LlmProviderKind::openai;
//   c.base_url = "https://api.openai.com";       // everything before /v1 (vLLM, Ollama, LiteLLM too)
//   c.model = "gpt-4o-mini";
//   c.api_key = Secret(env("OPENAI_API_KEY"));
//   if (auto ok = validate(c, 0); !ok) fail(ok.error().message);
//
// Kinds and the URL each one calls:
//   openai        POST {base_url}/v1/chat/completions                    Authorization: Bearer <key>
//   azure_openai  POST {base_url}/openai/deployments/{deployment}/chat/completions?api-version=...
//                 or, with no deployment, POST {base_url}/openai/v1/chat/completions (model in body);
//                 api-key: <key>
//   anthropic     POST {base_url}/v1/messages                             x-api-key: <key>
//   builtin       no network: the pipeline's built-in analyzer (make_llm_provider refuses it)

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/core/secret.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/http_types.hpp"

namespace triagent {

enum class LlmProviderKind { openai, azure_openai, anthropic, builtin };
const char* to_string(LlmProviderKind kind);
std::optional<LlmProviderKind> parse_llm_provider_kind(std::string_view text);

struct LlmProviderConfig {
  std::string name;                     // [A-Za-z0-9_.-]+; audit records and error messages
  LlmProviderKind kind = LlmProviderKind::openai;
  // scheme://host[:port][/prefix]; empty: https://api.openai.com or https://api.anthropic.com
  // (required for azure_openai: https://{resource}.openai.azure.com).
  std::string base_url;
  std::string model;                    // openai, anthropic, azure_openai without a deployment
  std::string deployment;               // azure_openai: the deployment name from the portal
  std::string api_version = "2024-10-21";  // azure_openai deployment URLs
  Secret api_key;                       // required except for openai (local servers often need none)
  std::int64_t request_timeout_ms = 120'000;  // a whole call, retries included
  int max_output_tokens = 2048;         // when the request does not say
  // openai kinds: the body field for the output cap; "max_tokens" for servers that predate
  // "max_completion_tokens".
  std::string max_tokens_field = "max_completion_tokens";
  std::string anthropic_version = "2023-06-01";
  // Sent on every request, e.g. OpenAI-Organization, OpenAI-Project. Credentials belong in api_key:
  // authorization, api-key, x-api-key and content-type are refused here.
  HttpHeaders extra_headers;
  // USD per million tokens, for the cost estimate in audit records and metrics; 0: not priced
  // (local models, or prices kept elsewhere).
  double usd_per_million_input_tokens = 0;
  double usd_per_million_output_tokens = 0;
};

// Checks one entry of llm.providers; `index` is its position, for the key in the message.
Result<void> validate(const LlmProviderConfig& config, std::size_t index);

// The base URL the provider calls: base_url without a trailing '/', or the kind's default.
std::string effective_base_url(const LlmProviderConfig& config);

}  // namespace triagent
