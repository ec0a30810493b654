#include "triagent/resilience/upstream_policy_config.hpp"

namespace triagent {

namespace {

Error bad(const UpstreamPolicyConfig& c, const char* key, const char* rule) {
  std::string name = c.name.empty() ? "<unnamed>" : c.name;
  return make_error(ErrorCode::invalid_argument, "upstreams." + name + "." + key + ": " + rule);
}

}  // namespace

Result<void> validate(const UpstreamPolicyConfig& c) {
  if (c.max_concurrency < 0) return bad(c, "max_concurrency", "must be >= 0 (0: unlimited)");
  if (c.max_inline_wait_ms < 0) return bad(c, "max_inline_wait_ms", "must be >= 0");
  if (c.concurrency_retry_ms < 1) return bad(c, "concurrency_retry_ms", "must be >= 1");
  if (!(c.rate.requests_per_second >= 0)) return bad(c, "rate.requests_per_second", "must be >= 0 (0: unlimited)");
  if (!(c.rate.request_burst >= 0)) return bad(c, "rate.request_burst", "must be >= 0");
  if (!(c.rate.tokens_per_minute >= 0)) return bad(c, "rate.tokens_per_minute", "must be >= 0 (0: unlimited)");
  if (!(c.rate.token_burst >= 0)) return bad(c, "rate.token_burst", "must be >= 0");
  if (c.retry.max_attempts < 1) return bad(c, "retry.max_attempts", "must be >= 1");
  if (c.retry.base_delay_ms < 0) return bad(c, "retry.base_delay_ms", "must be >= 0");
  if (c.retry.max_delay_ms < c.retry.base_delay_ms) return bad(c, "retry.max_delay_ms", "must be >= base_delay_ms");
  if (c.retry.max_server_delay_ms < 0) return bad(c, "retry.max_server_delay_ms", "must be >= 0");
  if (c.breaker.consecutive_failures < 0) return bad(c, "breaker.consecutive_failures", "must be >= 0 (0: off)");
  if (!(c.breaker.failure_rate >= 0 && c.breaker.failure_rate <= 1)) {
    return bad(c, "breaker.failure_rate", "must be within [0, 1] (0: off)");
  }
  if (c.breaker.window < 1) return bad(c, "breaker.window", "must be >= 1");
  if (c.breaker.min_calls < 1 || c.breaker.min_calls > c.breaker.window) {
    return bad(c, "breaker.min_calls", "must be within [1, window]");
  }
  if (c.breaker.open_ms < 1) return bad(c, "breaker.open_ms", "must be >= 1");
  if (c.breaker.probe_busy_retry_ms < 1) return bad(c, "breaker.probe_busy_retry_ms", "must be >= 1");
  if (!(c.retry_budget.ratio >= 0)) return bad(c, "retry_budget.ratio", "must be >= 0");
  if (c.retry_budget.min_retries < 0) return bad(c, "retry_budget.min_retries", "must be >= 0");
  if (c.retry_budget.window_ms < 10) return bad(c, "retry_budget.window_ms", "must be >= 10");
  return {};
}

}  // namespace triagent
