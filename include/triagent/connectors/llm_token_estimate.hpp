#pragma once
// A cheap upper-bound guess of the tokens one LLM call will use, debited from the provider's
// tokens-per-minute bucket before the call; the response's usage corrects it afterwards.
//
//   double est = estimate_llm_tokens(request, /*max_output_tokens=*/2048);
//   co_await call_upstream(up, http_request, {.estimated_tokens = est, .used_tokens = ...});
//
// About four bytes of English or JSON per token, plus the whole output allowance (the provider
// reserves it too, so the bucket should not be overspent while the answer is generated).

#include "triagent/connectors/llm_types.hpp"

namespace triagent {

// (bytes of system prompt + messages + schema) / 4, rounded up, + max_output_tokens.
double estimate_llm_tokens(const LlmRequest& request, int max_output_tokens);

}  // namespace triagent
