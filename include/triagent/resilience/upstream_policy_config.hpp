#pragma once
// UpstreamPolicyConfig: the typed settings of one upstream's rate limits, concurrency limit, retry
// rules, retry budget and circuit breaker. The config module fills it from YAML
// (`upstreams.<name>.*`, same key names as the fields); validate() names the offending key.
//
//   UpstreamPolicyConfig cfg;
//   cfg.name = "openai";
//   cfg.rate.requests_per_second = 5;
//   cfg.rate.tokens_per_minute = 90'000;
//   if (auto ok = validate(cfg); !ok) fail(ok.error().message);

#include <cstdint>
#include <string>

#include "triagent/core/result.hpp"
#include "triagent/resilience/circuit_breaker.hpp"
#include "triagent/resilience/retry_budget.hpp"
#include "triagent/resilience/retry_policy.hpp"

namespace triagent {

struct RateLimitConfig {
  double requests_per_second = 0;  // 0: no request-rate limit
  double request_burst = 0;        // bucket size; 0: max(1, requests_per_second)
  double tokens_per_minute = 0;    // LLM token budget; 0: none
  double token_burst = 0;          // bucket size; 0: tokens_per_minute
};

struct UpstreamPolicyConfig {
  std::string name;                          // for messages and metrics labels
  int max_concurrency = 16;                  // calls in flight; 0: unlimited
  // A wait up to this long is slept in-process; a longer one hands the job back to the queue with
  // a later visibility time, so no worker sleeps on its lease.
  std::int64_t max_inline_wait_ms = 2'000;
  std::int64_t concurrency_retry_ms = 50;    // suggested wait when the concurrency limit is full
  RateLimitConfig rate;
  RetryConfig retry;
  CircuitBreakerConfig breaker;
  RetryBudgetConfig retry_budget;
};

// Checks ranges; the message names the key, e.g. "upstreams.openai.retry.max_attempts: must be >= 1".
Result<void> validate(const UpstreamPolicyConfig& config);

}  // namespace triagent
