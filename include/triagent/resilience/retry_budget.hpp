#pragma once
// RetryBudget: caps retries on one upstream to a share of its recent traffic, so a failing upstream
// sees at most (1 + ratio) times the normal load instead of a retry storm (Finagle's and Envoy's
// retry budgets). Retries allowed in the sliding window = min_retries + ratio * first attempts.
//
//   RetryBudget budget(cfg, clock);
//   budget.on_request();                  // every first attempt
//   if (!budget.try_spend()) requeue();   // a retry the budget does not cover
//
// Not thread-safe; UpstreamPolicy serialises it.

#include <array>
#include <cstdint>

#include "triagent/core/clock.hpp"

namespace triagent {

struct RetryBudgetConfig {
  bool enabled = true;
  double ratio = 0.2;               // retries per first attempt
  int min_retries = 10;             // allowed in every window even when traffic is low
  std::int64_t window_ms = 10'000;  // sliding window, kept in 10 slots
};

class RetryBudget {
 public:
  RetryBudget(RetryBudgetConfig config, const Clock& clock);

  void on_request();
  // Records and allows a retry when the budget covers it; otherwise records nothing.
  bool try_spend();

  int requests_in_window();
  int retries_in_window();

 private:
  static constexpr std::size_t kSlots = 10;
  struct Slot {
    std::int64_t index = -1;
    int requests = 0;
    int retries = 0;
  };
  Slot& current();
  template <class F>
  int sum(F field);

  RetryBudgetConfig config_;
  const Clock& clock_;
  std::int64_t slot_ms_;
  std::array<Slot, kSlots> slots_{};
};

}  // namespace triagent
