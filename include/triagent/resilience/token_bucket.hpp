#pragma once
// TokenBucket: a rate limit that allows bursts up to `capacity` and refills at a steady rate,
// read from an injected Clock so tests move time by hand. Used per upstream for requests per second
// and, for LLMs, tokens per minute (debit an estimate first, correct it when the usage is known).
//
//   TokenBucket rps(/*capacity=*/10, /*refill_per_second=*/5, clock);
//   if (std::int64_t wait = rps.try_acquire(); wait > 0) { /* come back in `wait` ms */ }
//
// Not thread-safe (one bucket per upstream, guarded by its owner, as Envoy's TokenBucketImpl).

#include <cstdint>

#include "triagent/core/clock.hpp"

namespace triagent {

class TokenBucket {
 public:
  // Starts full. `capacity` and `refill_per_second` must be > 0.
  TokenBucket(double capacity, double refill_per_second, const Clock& clock);

  // Takes `n` tokens and returns 0 when they are there; otherwise takes nothing and returns the
  // milliseconds until they will be. A request larger than the capacity waits for a full bucket and
  // then drives it negative, so it is slow but never stuck.
  std::int64_t try_acquire(double n = 1.0);
  // Milliseconds until `n` tokens are there (0: now), without taking any.
  std::int64_t wait_ms(double n = 1.0);

  // Takes `n` unconditionally, possibly below zero: the correction when real usage beat the estimate.
  void consume(double n);
  // Gives `n` back, up to the capacity: the correction when the estimate was too high.
  void refund(double n);
  // Sets the level from what the server says remains (x-ratelimit-remaining-*), at most capacity.
  void set_available(double n);

  double available();
  double capacity() const { return capacity_; }
  double refill_per_second() const { return refill_per_second_; }

 private:
  void refill();

  double capacity_;
  double refill_per_second_;
  const Clock& clock_;
  double tokens_;
  std::int64_t last_ms_;
};

}  // namespace triagent
