#include "triagent/resilience/concurrency_limiter.hpp"

#include <cstdio>
#include <cstdlib>

namespace triagent {

void ConcurrencyLimiter::release() {
  if (in_flight_ <= 0) {
    std::fprintf(stderr, "ConcurrencyLimiter::release without a matching acquire\n");
    std::abort();
  }
  --in_flight_;
}

}  // namespace triagent
