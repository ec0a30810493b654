#include "triagent/resilience/circuit_breaker.hpp"

#include <algorithm>

namespace triagent {

const char* to_string(BreakerState s) {
  switch (s) {
    case BreakerState::closed: return "closed";
    case BreakerState::open: return "open";
    case BreakerState::half_open: return "half_open";
  }
  return "unknown";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config, const Clock& clock)
    : config_(config), clock_(clock), ring_(static_cast<std::size_t>(std::max(1, config.window)), false) {}

CircuitBreaker::Admission CircuitBreaker::evaluate(bool take_probe) {
  if (state_ == BreakerState::open) {
    std::int64_t elapsed = clock_.now_ms() - opened_at_ms_;
    if (elapsed < config_.open_ms) return {false, false, config_.open_ms - elapsed};
    state_ = BreakerState::half_open;
    probe_out_ = false;
  }
  if (state_ == BreakerState::half_open) {
    if (probe_out_) return {false, false, config_.probe_busy_retry_ms};
    if (take_probe) probe_out_ = true;
    return {true, true, 0};
  }
  return {true, false, 0};
}

CircuitBreaker::Admission CircuitBreaker::check() { return evaluate(false); }
CircuitBreaker::Admission CircuitBreaker::admit() { return evaluate(true); }

BreakerState CircuitBreaker::state() {
  evaluate(false);
  return state_;
}

void CircuitBreaker::open() {
  state_ = BreakerState::open;
  opened_at_ms_ = clock_.now_ms();
  probe_out_ = false;
  ++times_opened_;
}

void CircuitBreaker::close() {
  state_ = BreakerState::closed;
  probe_out_ = false;
  consecutive_ = 0;
  std::fill(ring_.begin(), ring_.end(), false);
  ring_next_ = ring_count_ = 0;
  ring_failures_ = 0;
}

void CircuitBreaker::record(bool failed) {
  consecutive_ = failed ? consecutive_ + 1 : 0;
  if (ring_count_ == ring_.size()) {
    if (ring_[ring_next_]) --ring_failures_;
  } else {
    ++ring_count_;
  }
  ring_[ring_next_] = failed;
  if (failed) ++ring_failures_;
  ring_next_ = (ring_next_ + 1) % ring_.size();

  bool too_many_in_a_row = config_.consecutive_failures > 0 && consecutive_ >= config_.consecutive_failures;
  bool rate_too_high = config_.failure_rate > 0 && static_cast<int>(ring_count_) >= config_.min_calls &&
                       ring_count_ > 0 &&
                       static_cast<double>(ring_failures_) >= config_.failure_rate * static_cast<double>(ring_count_);
  if (failed && (too_many_in_a_row || rate_too_high)) open();
}

void CircuitBreaker::on_success(bool probe) {
  if (state_ == BreakerState::closed) {
    record(false);
  } else if (probe && state_ == BreakerState::half_open) {
    close();
  }
}

void CircuitBreaker::on_failure(bool probe) {
  if (state_ == BreakerState::closed) {
    record(true);
  } else if (probe && state_ == BreakerState::half_open) {
    open();
  }
}

void CircuitBreaker::on_abandoned(bool probe) {
  if (probe && state_ == BreakerState::half_open) probe_out_ = false;
}

}  // namespace triagent
