#include "queue/backoff.hpp"

#include <algorithm>

namespace triagent::queue_detail {

namespace {

std::uint64_t seed_or_random(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

FullJitterBackoff::FullJitterBackoff(std::int64_t base_ms, std::int64_t cap_ms, std::uint64_t seed)
    : base_ms_(std::max<std::int64_t>(base_ms, 0)),
      cap_ms_(std::max<std::int64_t>(cap_ms, 0)),
      rng_(seed_or_random(seed)) {}

std::int64_t FullJitterBackoff::ceiling_ms(int attempts) const {
  // Doubling stops as soon as the cap is reached, so large attempt counts cannot overflow.
  std::int64_t ceiling = std::min(base_ms_, cap_ms_);
  for (int i = 1; i < attempts && ceiling > 0 && ceiling < cap_ms_; ++i) ceiling = std::min(ceiling * 2, cap_ms_);
  return ceiling;
}

std::int64_t FullJitterBackoff::delay_ms(int attempts) {
  std::uniform_int_distribution<std::int64_t> uniform(0, ceiling_ms(attempts));
  return uniform(rng_);
}

}  // namespace triagent::queue_detail
