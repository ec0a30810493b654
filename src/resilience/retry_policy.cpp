#include "triagent/resilience/retry_policy.hpp"

#include <algorithm>
#include <cmath>

#include "triagent/resilience/retry_after.hpp"

namespace triagent {

bool is_retryable_status(int status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501);
}

const char* to_string(RetryReason r) {
  switch (r) {
    case RetryReason::success: return "success";
    case RetryReason::not_retryable: return "not_retryable";
    case RetryReason::attempts_exhausted: return "attempts_exhausted";
    case RetryReason::cancelled: return "cancelled";
    case RetryReason::server_delay: return "server_delay";
    case RetryReason::server_delay_clamped: return "server_delay_clamped";
    case RetryReason::server_delay_too_long: return "server_delay_too_long";
    case RetryReason::backoff: return "backoff";
    case RetryReason::retry_budget_exhausted: return "retry_budget_exhausted";
  }
  return "unknown";
}

RetryPolicy::RetryPolicy(RetryConfig config, const Clock& clock, RandomSource& rng)
    : config_(config), clock_(clock), rng_(rng) {}

namespace {

// "true" / "false" in any case; anything else is ignored.
std::optional<bool> parse_bool(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  std::string s;
  for (char c : *v) {
    if (c != ' ' && c != '\t') s.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

}  // namespace

std::int64_t RetryPolicy::backoff_ms(int attempt) {
  // base * 2^(attempt-1), computed in double and capped before the conversion so no shift overflows.
  double ceiling = static_cast<double>(config_.base_delay_ms) * std::pow(2.0, std::max(0, attempt - 1));
  ceiling = std::min(ceiling, static_cast<double>(config_.max_delay_ms));
  return static_cast<std::int64_t>(rng_.next_unit() * ceiling);
}

RetryDecision RetryPolicy::decide(const AttemptOutcome& outcome, int attempt) {
  using Kind = AttemptOutcome::Kind;
  bool retryable = false;
  switch (outcome.kind) {
    case Kind::cancelled: return {RetryVerdict::give_up, RetryReason::cancelled, 0};
    case Kind::permanent_error: return {RetryVerdict::give_up, RetryReason::not_retryable, 0};
    case Kind::transient_error: retryable = true; break;
    case Kind::response: {
      if (outcome.status >= 200 && outcome.status <= 299) return {RetryVerdict::success, RetryReason::success, 0};
      retryable = is_retryable_status(outcome.status);
      if (config_.honour_should_retry) {
        if (auto forced = parse_bool(outcome.should_retry)) retryable = *forced;
      }
      break;
    }
  }
  if (!retryable) return {RetryVerdict::give_up, RetryReason::not_retryable, 0};
  if (attempt >= config_.max_attempts) return {RetryVerdict::give_up, RetryReason::attempts_exhausted, 0};

  std::optional<std::string_view> ms_header, header;
  if (outcome.retry_after_ms) ms_header = *outcome.retry_after_ms;
  if (outcome.retry_after) header = *outcome.retry_after;
  if (auto asked = server_retry_delay_ms(ms_header, header, clock_.now_ms())) {
    if (*asked <= config_.max_server_delay_ms) return {RetryVerdict::retry, RetryReason::server_delay, *asked};
    if (config_.clamp_server_delay) {
      return {RetryVerdict::retry, RetryReason::server_delay_clamped, config_.max_server_delay_ms};
    }
    return {RetryVerdict::give_up, RetryReason::server_delay_too_long, 0};
  }
  return {RetryVerdict::retry, RetryReason::backoff, backoff_ms(attempt)};
}

}  // namespace triagent
