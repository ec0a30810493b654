#include "triagent/resilience/random_source.hpp"

namespace triagent {

std::uint64_t SeededRandom::nondeterministic_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

double SeededRandom::next_unit() {
  // 53 random bits scaled into [0, 1): exactly representable, never 1.0.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

}  // namespace triagent
