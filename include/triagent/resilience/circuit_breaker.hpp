#pragma once
// CircuitBreaker: stops calling an upstream that keeps failing, then lets one probe through after a
// cooldown to see whether it is back.
//
//   closed --(N failures in a row, or failure rate over the last `window` calls)--> open
//   open --(open_ms elapsed)--> half_open: exactly one probe call is admitted
//   half_open --probe succeeds--> closed        half_open --probe fails--> open (cooldown again)
//
//   CircuitBreaker breaker(cfg, clock);
//   auto a = breaker.admit();
//   if (!a.allowed) requeue_after(a.retry_in_ms);
//   ... call ...; ok ? breaker.on_success(a.probe) : breaker.on_failure(a.probe);
//
// Results of calls admitted before the breaker opened are ignored once it is open or half-open:
// only the probe decides. Not thread-safe; UpstreamPolicy serialises it.

#include <cstdint>
#include <vector>

#include "triagent/core/clock.hpp"

namespace triagent {

struct CircuitBreakerConfig {
  int consecutive_failures = 5;   // open after this many failures in a row; 0 disables the rule
  double failure_rate = 0.5;      // open when this share of the window failed; 0 disables the rule
  int window = 20;                // calls remembered for the failure rate
  int min_calls = 10;             // the rate is judged only once the window holds this many calls
  std::int64_t open_ms = 30'000;  // cooldown before the probe
  std::int64_t probe_busy_retry_ms = 1'000;  // what callers are told while the probe is out
};

enum class BreakerState { closed, open, half_open };
const char* to_string(BreakerState s);

class CircuitBreaker {
 public:
  CircuitBreaker(CircuitBreakerConfig config, const Clock& clock);

  struct Admission {
    bool allowed = true;
    bool probe = false;            // this call is the half-open probe; report its result
    std::int64_t retry_in_ms = 0;  // when refused: how long until it is worth asking again
  };
  // What admit() would answer, without taking the probe.
  Admission check();
  Admission admit();

  void on_success(bool probe);
  void on_failure(bool probe);
  // The call ended without a verdict on the upstream (cancelled): a probe slot is given back.
  void on_abandoned(bool probe);

  BreakerState state();
  std::int64_t times_opened() const { return times_opened_; }

 private:
  Admission evaluate(bool take_probe);
  void record(bool failed);
  void open();
  void close();

  CircuitBreakerConfig config_;
  const Clock& clock_;
  BreakerState state_ = BreakerState::closed;
  std::int64_t opened_at_ms_ = 0;
  bool probe_out_ = false;
  int consecutive_ = 0;
  std::vector<bool> ring_;  // last calls, true = failed
  std::size_t ring_next_ = 0;
  std::size_t ring_count_ = 0;
  int ring_failures_ = 0;
  std::int64_t times_opened_ = 0;
};

}  // namespace triagent
