#include "triagent/config/config.hpp"

#include <algorithm>

namespace triagent {

int io_threads_for(int configured, unsigned cores) {
  if (configured != kAutoThreads) return configured;
  return std::max(1, static_cast<int>(cores / 2));
}

}  // namespace triagent
