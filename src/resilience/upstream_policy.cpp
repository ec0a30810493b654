#include "triagent/resilience/upstream_policy.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace triagent {

const char* to_string(AdmitAction a) {
  switch (a) {
    case AdmitAction::go: return "go";
    case AdmitAction::wait: return "wait";
    case AdmitAction::requeue: return "requeue";
  }
  return "unknown";
}

const char* to_string(AdmitReason r) {
  switch (r) {
    case AdmitReason::admitted: return "admitted";
    case AdmitReason::breaker_open: return "breaker_open";
    case AdmitReason::breaker_probe_busy: return "breaker_probe_busy";
    case AdmitReason::concurrency_limit: return "concurrency_limit";
    case AdmitReason::request_rate: return "request_rate";
    case AdmitReason::token_rate: return "token_rate";
  }
  return "unknown";
}

const char* to_string(NextAction a) {
  switch (a) {
    case NextAction::done: return "done";
    case NextAction::give_up: return "give_up";
    case NextAction::wait: return "wait";
    case NextAction::requeue: return "requeue";
  }
  return "unknown";
}

UpstreamPermit& UpstreamPermit::operator=(UpstreamPermit&& other) noexcept {
  if (this != &other) {
    if (policy_) policy_->abandon(*this);
    policy_ = std::exchange(other.policy_, nullptr);
    probe_ = other.probe_;
    estimated_tokens_ = other.estimated_tokens_;
  }
  return *this;
}

UpstreamPermit::~UpstreamPermit() {
  if (policy_) policy_->abandon(*this);
}

namespace {

const UpstreamPolicyConfig& checked(const UpstreamPolicyConfig& config) {
  if (auto ok = validate(config); !ok) throw std::invalid_argument(ok.error().message);
  return config;
}

}  // namespace

UpstreamPolicy::UpstreamPolicy(UpstreamPolicyConfig config, const Clock& clock, RandomSource& rng)
    : config_(checked(config)),
      breaker_(config_.breaker, clock),
      limiter_(config_.max_concurrency),
      retry_(config_.retry, clock, rng),
      budget_(config_.retry_budget, clock) {
  const RateLimitConfig& r = config_.rate;
  if (r.requests_per_second > 0) {
    double burst = r.request_burst > 0 ? r.request_burst : std::max(1.0, r.requests_per_second);
    request_bucket_.emplace(burst, r.requests_per_second, clock);
  }
  if (r.tokens_per_minute > 0) {
    double burst = r.token_burst > 0 ? r.token_burst : r.tokens_per_minute;
    token_bucket_.emplace(burst, r.tokens_per_minute / 60.0, clock);
  }
}

Admission UpstreamPolicy::defer(AdmitReason reason, std::int64_t delay_ms) {
  Admission a;
  a.reason = reason;
  a.delay_ms = std::max<std::int64_t>(delay_ms, 1);
  if (a.delay_ms <= config_.max_inline_wait_ms) {
    a.action = AdmitAction::wait;
    ++stats_.waits_total;
  } else {
    a.action = AdmitAction::requeue;
    ++stats_.requeues_total;
  }
  return a;
}

Admission UpstreamPolicy::admit(int attempt, double estimated_tokens) {
  std::lock_guard lock(mutex_);
  // Breaker first: while it is open, neither a slot nor rate tokens are worth holding.
  CircuitBreaker::Admission gate = breaker_.check();
  if (!gate.allowed) {
    AdmitReason reason =
        breaker_.state() == BreakerState::half_open ? AdmitReason::breaker_probe_busy : AdmitReason::breaker_open;
    return defer(reason, gate.retry_in_ms);
  }
  if (!limiter_.has_room()) return defer(AdmitReason::concurrency_limit, config_.concurrency_retry_ms);
  // Check both buckets before taking from either, so a refusal takes nothing.
  std::int64_t request_wait = request_bucket_ ? request_bucket_->wait_ms(1) : 0;
  std::int64_t token_wait = token_bucket_ && estimated_tokens > 0 ? token_bucket_->wait_ms(estimated_tokens) : 0;
  if (request_wait > 0 || token_wait > 0) {
    return defer(request_wait >= token_wait ? AdmitReason::request_rate : AdmitReason::token_rate,
                 std::max(request_wait, token_wait));
  }

  CircuitBreaker::Admission taken = breaker_.admit();
  limiter_.try_acquire();
  if (request_bucket_) request_bucket_->consume(1);
  if (token_bucket_ && estimated_tokens > 0) token_bucket_->consume(estimated_tokens);
  if (attempt <= 1) budget_.on_request();
  ++stats_.admitted_total;

  Admission a;
  a.permit = UpstreamPermit(this, taken.probe, estimated_tokens);
  return a;
}

void UpstreamPolicy::release_locked(UpstreamPermit& permit) {
  limiter_.release();
  permit.policy_ = nullptr;
}

void UpstreamPolicy::abandon(UpstreamPermit& permit) {
  std::lock_guard lock(mutex_);
  breaker_.on_abandoned(permit.probe_);
  release_locked(permit);
}

NextStep UpstreamPolicy::next_after_delay(RetryReason reason, std::int64_t delay_ms) {
  ++stats_.retries_total;
  if (delay_ms <= config_.max_inline_wait_ms) return {NextAction::wait, reason, delay_ms};
  ++stats_.requeues_total;
  return {NextAction::requeue, reason, delay_ms};
}

NextStep UpstreamPolicy::complete(UpstreamPermit permit, const AttemptOutcome& outcome, int attempt,
                                  std::optional<double> used_tokens) {
  if (permit.policy_ != this) {
    std::fprintf(stderr, "UpstreamPolicy::complete: the permit is not from this policy or was already used\n");
    std::abort();
  }
  std::lock_guard lock(mutex_);
  using Kind = AttemptOutcome::Kind;
  bool probe = permit.probe_;
  switch (outcome.kind) {
    case Kind::cancelled:
    case Kind::permanent_error:
      // Neither says the upstream is unhealthy: a bad request or TLS setup fails the same anywhere.
      breaker_.on_abandoned(probe);
      break;
    case Kind::transient_error: breaker_.on_failure(probe); break;
    case Kind::response: {
      // 429 and 501 are the upstream answering coherently; 408 and other 5xx count against it.
      bool unhealthy = outcome.status != 429 && is_retryable_status(outcome.status);
      if (unhealthy) {
        breaker_.on_failure(probe);
      } else {
        breaker_.on_success(probe);
      }
      break;
    }
  }
  if (token_bucket_ && used_tokens) {
    double diff = *used_tokens - permit.estimated_tokens_;
    if (diff > 0) {
      token_bucket_->consume(diff);
    } else {
      token_bucket_->refund(-diff);
    }
  }
  release_locked(permit);

  RetryDecision d = retry_.decide(outcome, attempt);
  switch (d.verdict) {
    case RetryVerdict::success: return {NextAction::done, d.reason, 0};
    case RetryVerdict::give_up: return {NextAction::give_up, d.reason, 0};
    case RetryVerdict::retry: break;
  }
  if (!budget_.try_spend()) {
    // Not dropped: the job is durable, so it goes back to the queue for at least one window, which
    // is what keeps the retry load on a failing upstream bounded.
    ++stats_.budget_exhausted_total;
    ++stats_.requeues_total;
    return {NextAction::requeue, RetryReason::retry_budget_exhausted,
            std::max(d.delay_ms, config_.retry_budget.window_ms)};
  }
  return next_after_delay(d.reason, d.delay_ms);
}

void UpstreamPolicy::sync_remaining_tokens(double remaining) {
  std::lock_guard lock(mutex_);
  if (token_bucket_) token_bucket_->set_available(remaining);
}

UpstreamPolicyStats UpstreamPolicy::stats() {
  std::lock_guard lock(mutex_);
  UpstreamPolicyStats s = stats_;
  s.breaker_state = breaker_.state();
  s.breaker_opened_total = breaker_.times_opened();
  s.in_flight = limiter_.in_flight();
  return s;
}

}  // namespace triagent
