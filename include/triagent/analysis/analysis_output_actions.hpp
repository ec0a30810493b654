#pragma once
// The actions an analysis may recommend: the names the output schema knows, and ActionPolicy, the
// allow-list from config that validation checks every recommendation against. Governance decides
// later whether an allowed action runs, waits for approval or is dropped; this is only the first
// gate (an analysis proposing a forbidden action is invalid and gets repaired).
//
//   ActionPolicy policy = ActionPolicy::from_names({"add_note", "add_tag", "open_ticket"}).value();
//   policy.allows("isolate_endpoint");   // false
//   ActionPolicy::low_risk();            // add_note, add_tag: what the built-in analyst may propose

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent::analysis {

inline constexpr std::array<std::string_view, 8> kKnownActions = {
    "add_note", "add_tag", "set_verdict", "set_incident_status", "isolate_endpoint", "escalate_severity",
    "open_ticket", "run_hunt"};

bool is_known_action(std::string_view name);

class ActionPolicy {
 public:
  // Every known action.
  static ActionPolicy all();
  // add_note and add_tag: writes that only annotate.
  static ActionPolicy low_risk();
  // The configured allow-list; an unknown name is an invalid_argument error naming it.
  static Result<ActionPolicy> from_names(const std::vector<std::string>& names);

  bool allows(std::string_view action) const { return allowed_.find(action) != allowed_.end(); }
  // Sorted names, for the prompt and for error messages.
  std::vector<std::string> names() const { return {allowed_.begin(), allowed_.end()}; }

 private:
  std::set<std::string, std::less<>> allowed_;
};

}  // namespace triagent::analysis
