#pragma once
// Full-jitter exponential backoff for failed jobs: the delay before attempt n+1 is uniform in
// [0, min(cap, base * 2^(n-1))] (AWS Architecture Blog, "Exponential Backoff And Jitter").
// Full jitter spreads retries of jobs that failed together, e.g. during an upstream outage.
//
//   FullJitterBackoff backoff(1000, 300'000, /*seed=*/42);
//   std::int64_t delay_ms = backoff.delay_ms(attempts);

#include <cstdint>
#include <random>

namespace triagent::queue_detail {

class FullJitterBackoff {
 public:
  // seed 0: seeded from std::random_device.
  FullJitterBackoff(std::int64_t base_ms, std::int64_t cap_ms, std::uint64_t seed);

  // The ceiling of the delay after the `attempts`-th failed attempt (attempts >= 1).
  std::int64_t ceiling_ms(int attempts) const;
  std::int64_t delay_ms(int attempts);

 private:
  std::int64_t base_ms_;
  std::int64_t cap_ms_;
  std::mt19937_64 rng_;
};

}  // namespace triagent::queue_detail
