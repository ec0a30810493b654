#pragma once
// RandomSource: the randomness that backoff jitter draws from, injected so tests are repeatable.
// Production builds one SeededRandom per upstream from std::random_device; tests pass a fixed seed.
//
//   SeededRandom rng(42);
//   double u = rng.next_unit();   // in [0, 1)

#include <cstdint>
#include <random>

namespace triagent {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // A uniformly distributed number in [0, 1).
  virtual double next_unit() = 0;
};

// Mersenne twister behind the RandomSource interface. Not thread-safe: the owner serialises calls.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  // Seeded from std::random_device: for production.
  static std::uint64_t nondeterministic_seed();
  double next_unit() override;

 private:
  std::mt19937_64 engine_;
};

}  // namespace triagent
