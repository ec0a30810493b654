#pragma once
// UpstreamPolicy: everything that stands between a job and one upstream (a SentinelOne console, an
// LLM provider): circuit breaker, concurrency limit, request and token rate limits, retry rules and
// retry budget. It only decides; the caller sleeps, re-queues or calls. Thread-safe: one instance
// per upstream, shared by every worker.
//
//   UpstreamPolicy policy(cfg, clock, rng);
//   for (int attempt = 1;;) {
//     Admission a = policy.admit(attempt, /*estimated_tokens=*/1200);
//     if (a.action == AdmitAction::wait) { co_await sleep(a.delay_ms); continue; }
//     if (a.action == AdmitAction::requeue) co_return requeue_after(a.delay_ms);  // no attempt used
//     auto result = co_await send(...);
//     NextStep next = policy.complete(std::move(a.permit), outcome_of(result), attempt, used_tokens);
//     if (next.action == NextAction::wait) { co_await sleep(next.delay_ms); ++attempt; continue; }
//     if (next.action == NextAction::requeue) co_return requeue_after(next.delay_ms);
//     co_return next.action == NextAction::done ? ok(result) : fail(result, next.reason);
//   }
//
// The policy must outlive its permits.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "triagent/core/clock.hpp"
#include "triagent/resilience/circuit_breaker.hpp"
#include "triagent/resilience/concurrency_limiter.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/retry_budget.hpp"
#include "triagent/resilience/retry_policy.hpp"
#include "triagent/resilience/token_bucket.hpp"
#include "triagent/resilience/upstream_policy_config.hpp"

namespace triagent {

class UpstreamPolicy;

// The right to make one call: holds a concurrency slot (and the breaker's probe, if it is one).
// Hand it back through UpstreamPolicy::complete(); dropping it releases the slot as "abandoned".
class UpstreamPermit {
 public:
  UpstreamPermit() = default;
  UpstreamPermit(UpstreamPermit&& other) noexcept { *this = std::move(other); }
  UpstreamPermit& operator=(UpstreamPermit&& other) noexcept;
  UpstreamPermit(const UpstreamPermit&) = delete;
  UpstreamPermit& operator=(const UpstreamPermit&) = delete;
  ~UpstreamPermit();

  bool valid() const { return policy_ != nullptr; }
  bool is_probe() const { return probe_; }
  double estimated_tokens() const { return estimated_tokens_; }

 private:
  friend class UpstreamPolicy;
  UpstreamPermit(UpstreamPolicy* policy, bool probe, double estimated_tokens)
      : policy_(policy), probe_(probe), estimated_tokens_(estimated_tokens) {}

  UpstreamPolicy* policy_ = nullptr;
  bool probe_ = false;
  double estimated_tokens_ = 0;
};

enum class AdmitAction {
  go,       // call now with the permit
  wait,     // short: sleep delay_ms in-process, then ask again
  requeue,  // long: hand the job back with visibility now + delay_ms; no attempt was used
};
enum class AdmitReason { admitted, breaker_open, breaker_probe_busy, concurrency_limit, request_rate, token_rate };
const char* to_string(AdmitAction a);
const char* to_string(AdmitReason r);

struct Admission {
  AdmitAction action = AdmitAction::go;
  AdmitReason reason = AdmitReason::admitted;
  std::int64_t delay_ms = 0;
  UpstreamPermit permit;  // valid only for go
};

enum class NextAction {
  done,     // success
  give_up,  // a permanent failure, or retries exhausted: `reason` says which
  wait,     // retry in-process after delay_ms (then admit() again with attempt + 1)
  requeue,  // retry later through the queue, visible after delay_ms
};
const char* to_string(NextAction a);

struct NextStep {
  NextAction action = NextAction::give_up;
  RetryReason reason = RetryReason::not_retryable;
  std::int64_t delay_ms = 0;
};

struct UpstreamPolicyStats {
  BreakerState breaker_state = BreakerState::closed;
  std::int64_t breaker_opened_total = 0;
  int in_flight = 0;
  std::int64_t admitted_total = 0;
  std::int64_t waits_total = 0;
  std::int64_t requeues_total = 0;  // from admit() and complete()
  std::int64_t retries_total = 0;   // retries decided by complete()
  std::int64_t budget_exhausted_total = 0;
};

class UpstreamPolicy {
 public:
  // Throws std::invalid_argument when validate(config) fails (start-up only).
  UpstreamPolicy(UpstreamPolicyConfig config, const Clock& clock, RandomSource& rng);

  // `attempt` is 1-based (first attempts feed the retry budget); `estimated_tokens` is debited from
  // the token bucket on go and corrected in complete().
  Admission admit(int attempt = 1, double estimated_tokens = 0);

  // Reports the attempt's outcome and says what to do next. `used_tokens`, when known, replaces the
  // estimate in the token bucket.
  NextStep complete(UpstreamPermit permit, const AttemptOutcome& outcome, int attempt,
                    std::optional<double> used_tokens = std::nullopt);

  // Resynchronises the token bucket from the provider's x-ratelimit-remaining-tokens.
  void sync_remaining_tokens(double remaining);

  UpstreamPolicyStats stats();
  const UpstreamPolicyConfig& config() const { return config_; }

  // Told the HTTP status of every attempt (0: no answer), for metrics. Set it once, before the
  // policy is shared; call_upstream() reports each attempt through observe_attempt().
  void set_attempt_observer(std::function<void(int status)> observer) { attempt_observer_ = std::move(observer); }
  void observe_attempt(int status) const {
    if (attempt_observer_) attempt_observer_(status);
  }

 private:
  friend class UpstreamPermit;
  void abandon(UpstreamPermit& permit);
  void release_locked(UpstreamPermit& permit);
  Admission defer(AdmitReason reason, std::int64_t delay_ms);
  NextStep next_after_delay(RetryReason reason, std::int64_t delay_ms);

  const UpstreamPolicyConfig config_;
  std::mutex mutex_;
  CircuitBreaker breaker_;
  ConcurrencyLimiter limiter_;
  RetryPolicy retry_;
  RetryBudget budget_;
  std::optional<TokenBucket> request_bucket_;
  std::optional<TokenBucket> token_bucket_;
  UpstreamPolicyStats stats_;
  std::function<void(int)> attempt_observer_;
};

}  // namespace triagent
