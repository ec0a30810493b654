#include "triagent/analysis/analysis_output_actions.hpp"

#include <algorithm>

namespace triagent::analysis {

bool is_known_action(std::string_view name) {
  return std::find(kKnownActions.begin(), kKnownActions.end(), name) != kKnownActions.end();
}

ActionPolicy ActionPolicy::all() {
  ActionPolicy p;
  for (auto a : kKnownActions) p.allowed_.emplace(a);
  return p;
}

ActionPolicy ActionPolicy::low_risk() {
  ActionPolicy p;
  p.allowed_.emplace("add_note");
  p.allowed_.emplace("add_tag");
  return p;
}

Result<ActionPolicy> ActionPolicy::from_names(const std::vector<std::string>& names) {
  ActionPolicy p;
  for (const auto& n : names) {
    if (!is_known_action(n)) return make_error(ErrorCode::invalid_argument, "unknown action '" + n + "'");
    p.allowed_.insert(n);
  }
  return p;
}

}  // namespace triagent::analysis
