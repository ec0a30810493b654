#pragma once
// Bridges an HttpResult to the resilience module's AttemptOutcome, carrying the headers that steer
// retries (retry-after-ms, Retry-After, x-should-retry).
//
//   NextStep next = policy.complete(std::move(permit), to_attempt_outcome(result), attempt);

#include "triagent/net/http_types.hpp"
#include "triagent/resilience/retry_policy.hpp"

namespace triagent {

AttemptOutcome to_attempt_outcome(const HttpResult& result);

}  // namespace triagent
