#pragma once
// RetryPolicy: after one attempt at an upstream call, decide whether to retry and after how long.
//
// Rules (engineering-notes section 4, as Vector, Fluent Bit and openai-python do):
//  - retry transport errors, 408, 429 and 5xx except 501; an `x-should-retry: true|false` header
//    from the server overrides the status;
//  - wait what the server asks (`retry-after-ms`, then `Retry-After` seconds or HTTP-date) when it
//    asks for at most `max_server_delay_ms`; a longer request gives up (or clamps, if configured);
//  - otherwise full-jitter exponential backoff: uniform(0, min(cap, base * 2^(attempt-1))).
//
//   RetryPolicy policy(cfg, clock, rng);
//   RetryDecision d = policy.decide(AttemptOutcome::response(503, headers), /*attempt=*/1);
//   if (d.verdict == RetryVerdict::retry) schedule_after(d.delay_ms);
//
// Not thread-safe (the RNG); UpstreamPolicy serialises its use.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/core/clock.hpp"
#include "triagent/resilience/random_source.hpp"

namespace triagent {

// What one attempt came to, described without any HTTP library type.
struct AttemptOutcome {
  enum class Kind {
    response,         // the server answered with `status`
    transient_error,  // a transport failure worth retrying: timeout, connect, reset, DNS
    permanent_error,  // a failure retrying cannot fix: bad URL, TLS verification, body over the cap
    cancelled,        // the caller gave up; says nothing about the upstream's health
  };
  Kind kind = Kind::response;
  int status = 0;
  // Raw header values, absent when the response had none.
  std::optional<std::string> retry_after_ms;
  std::optional<std::string> retry_after;
  std::optional<std::string> should_retry;  // x-should-retry

  static AttemptOutcome response(int status) { return AttemptOutcome{Kind::response, status, {}, {}, {}}; }
  static AttemptOutcome transient_error() { return AttemptOutcome{Kind::transient_error, 0, {}, {}, {}}; }
  static AttemptOutcome permanent_error() { return AttemptOutcome{Kind::permanent_error, 0, {}, {}, {}}; }
  static AttemptOutcome cancelled() { return AttemptOutcome{Kind::cancelled, 0, {}, {}, {}}; }
};

// 408, 429 and 5xx except 501.
bool is_retryable_status(int status);

struct RetryConfig {
  int max_attempts = 5;                   // including the first; 1 disables retries
  std::int64_t base_delay_ms = 500;       // backoff of the first retry is uniform(0, base)
  std::int64_t max_delay_ms = 30'000;     // backoff cap
  std::int64_t max_server_delay_ms = 120'000;  // longest Retry-After honoured
  // Above max_server_delay_ms: give up (false, as openai-python) or wait the cap and retry (true).
  bool clamp_server_delay = false;
  bool honour_should_retry = true;        // obey x-should-retry
};

enum class RetryVerdict { success, retry, give_up };

enum class RetryReason {
  success,             // 2xx
  not_retryable,       // a status or error that retrying cannot fix
  attempts_exhausted,  // retryable, but this was the last allowed attempt
  cancelled,           // the caller cancelled
  server_delay,        // retry after the delay the server asked for
  server_delay_clamped,// the server asked for more than the cap; retry after the cap
  server_delay_too_long,  // the server asked for more than the cap; giving up
  backoff,             // retry after full-jitter backoff
  retry_budget_exhausted,  // set by UpstreamPolicy: too many retries on this upstream lately
};
const char* to_string(RetryReason r);

struct RetryDecision {
  RetryVerdict verdict = RetryVerdict::give_up;
  RetryReason reason = RetryReason::not_retryable;
  std::int64_t delay_ms = 0;  // only for retry
};

class RetryPolicy {
 public:
  RetryPolicy(RetryConfig config, const Clock& clock, RandomSource& rng);

  // `attempt` is the 1-based number of the attempt that produced `outcome`.
  RetryDecision decide(const AttemptOutcome& outcome, int attempt);
  // Full-jitter backoff before retry number `attempt` (1 = the first retry).
  std::int64_t backoff_ms(int attempt);

  const RetryConfig& config() const { return config_; }

 private:
  RetryConfig config_;
  const Clock& clock_;
  RandomSource& rng_;
};

}  // namespace triagent
