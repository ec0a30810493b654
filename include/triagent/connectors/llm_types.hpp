#pragma once
// What the pipeline asks an LLM and what it gets back, independent of the provider, and the
// interface every provider connector (OpenAI-compatible, Azure OpenAI, Anthropic, a failover chain)
// implements.
//
//   LlmRequest req;
//   req.system = prompts.triage_system;
//   req.messages.push_back({LlmRole::user, packed_evidence});
//   req.json_schema = triage_schema;            // structured output; the text is then that JSON
//   req.schema_name = "triage_v1";
//   Result<LlmResponse> r = co_await provider.complete(std::move(req));
//   if (!r) return fallback_to_builtin(r.error());
//   auto parsed = parse_untrusted_json(r->text);   // parsing and validation stay with the caller
//
// A provider never throws for what an upstream sends; every failure is an Error whose message names
// the provider and never contains an API key.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "triagent/core/ids.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/http_types.hpp"

namespace triagent {

enum class LlmRole { user, assistant };
const char* to_string(LlmRole role);

struct LlmMessage {
  LlmRole role = LlmRole::user;
  std::string content;
};

struct LlmRequest {
  std::string system;                 // empty: no system prompt
  // The conversation after the system prompt, oldest first; an assistant turn lets the caller ask
  // for a repair of an earlier answer. At least one message.
  std::vector<LlmMessage> messages;
  // Structured output: the answer's text is a JSON document meant to match this schema.
  std::optional<nlohmann::json> json_schema;
  std::string schema_name = "triage_v1";  // [A-Za-z0-9_-]{1,64}: OpenAI's schema name, Anthropic's tool name
  std::string schema_description;         // optional; sent with the schema
  // OpenAI-style `strict: true` makes the provider enforce the schema, but it accepts only schemas
  // in which every property is required and every object closed; ours has optional fields, so the
  // default is false and the answer is validated on our side either way.
  bool strict_schema = false;
  int max_output_tokens = 0;              // 0: the provider config's max_output_tokens
  std::optional<double> temperature;      // unset: the provider's default (some models reject any value)
  std::optional<TraceContext> trace;      // sent as traceparent, a new span per attempt
  std::optional<Deadline> deadline;       // the whole call; unset: now + the provider's request timeout
};

struct LlmUsage {
  std::int64_t input_tokens = 0;   // prompt tokens, as the provider counted them; 0 when not reported
  std::int64_t output_tokens = 0;
};

// A provider the chain tried before the one that answered, for the audit trail.
struct LlmProviderFailure {
  std::string provider;
  Error error;
};

struct LlmResponse {
  std::string text;            // the answer; with a schema, the JSON document as text
  std::string finish_reason;   // the provider's own word: stop, length, end_turn, tool_use, max_tokens...
  bool truncated = false;      // the output hit a token limit, so JSON may be cut short
  LlmUsage usage;
  std::string provider;        // the configured name of the provider that answered
  std::string model;           // as the response names it, else as configured
  std::int64_t latency_ms = 0; // the whole call, retries included
  std::vector<LlmProviderFailure> failed_providers;  // filled by LlmProviderChain
};

class LlmProvider {
 public:
  virtual ~LlmProvider() = default;
  // One completion. The provider must outlive the returned awaitable.
  virtual boost::asio::awaitable<Result<LlmResponse>> complete(LlmRequest request) = 0;
  // The configured name (audit records, metrics labels, error messages).
  virtual const std::string& name() const = 0;
};

}  // namespace triagent
