#include "triagent/resilience/retry_budget.hpp"

#include <algorithm>

namespace triagent {

RetryBudget::RetryBudget(RetryBudgetConfig config, const Clock& clock)
    : config_(config), clock_(clock),
      slot_ms_(std::max<std::int64_t>(1, config.window_ms / static_cast<std::int64_t>(kSlots))) {}

RetryBudget::Slot& RetryBudget::current() {
  std::int64_t index = clock_.now_ms() / slot_ms_;
  Slot& slot = slots_[static_cast<std::size_t>(index % static_cast<std::int64_t>(kSlots))];
  if (slot.index != index) slot = Slot{index, 0, 0};
  return slot;
}

template <class F>
int RetryBudget::sum(F field) {
  std::int64_t now_index = current().index;
  int total = 0;
  for (const Slot& s : slots_) {
    if (s.index > now_index - static_cast<std::int64_t>(kSlots) && s.index <= now_index) total += field(s);
  }
  return total;
}

int RetryBudget::requests_in_window() {
  return sum([](const Slot& s) { return s.requests; });
}

int RetryBudget::retries_in_window() {
  return sum([](const Slot& s) { return s.retries; });
}

void RetryBudget::on_request() { ++current().requests; }

bool RetryBudget::try_spend() {
  if (!config_.enabled) return true;
  double allowed = config_.min_retries + config_.ratio * requests_in_window();
  if (static_cast<double>(retries_in_window()) + 1.0 > allowed + 1e-9) return false;
  ++current().retries;
  return true;
}

}  // namespace triagent
