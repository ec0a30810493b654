#include "triagent/resilience/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace triagent {

TokenBucket::TokenBucket(double capacity, double refill_per_second, const Clock& clock)
    : capacity_(capacity), refill_per_second_(refill_per_second), clock_(clock), tokens_(capacity),
      last_ms_(clock.now_ms()) {
  if (!(capacity > 0) || !(refill_per_second > 0)) {
    throw std::invalid_argument("TokenBucket: capacity and refill rate must be positive");
  }
}

void TokenBucket::refill() {
  std::int64_t now = clock_.now_ms();
  // A wall clock stepping backwards adds nothing rather than removing tokens.
  if (now > last_ms_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now - last_ms_) * refill_per_second_ / 1000.0);
    last_ms_ = now;
  } else if (now < last_ms_) {
    last_ms_ = now;
  }
}

std::int64_t TokenBucket::wait_ms(double n) {
  refill();
  double needed = std::min(n, capacity_);
  // The epsilon absorbs float error in the refill so a caller that waited exactly `ms` gets in.
  if (tokens_ + 1e-9 >= needed) return 0;
  double ms = (needed - tokens_) * 1000.0 / refill_per_second_;
  // Round up so that coming back after the wait always finds the tokens there.
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(ms - 1e-9)));
}

std::int64_t TokenBucket::try_acquire(double n) {
  std::int64_t wait = wait_ms(n);
  if (wait == 0) tokens_ -= n;
  return wait;
}

void TokenBucket::consume(double n) {
  refill();
  tokens_ -= n;
}

void TokenBucket::refund(double n) {
  refill();
  tokens_ = std::min(capacity_, tokens_ + n);
}

void TokenBucket::set_available(double n) {
  refill();
  tokens_ = std::min(capacity_, n);
}

double TokenBucket::available() {
  refill();
  return tokens_;
}

}  // namespace triagent
