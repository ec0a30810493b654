#pragma once
// The parameters each recommended action may carry, checked against the incident's own target.
// The model's parameters are attacker-influenced (it read the logs), so an action keeps only the
// keys it takes, each value must be what that key means, and every id it names must be the
// incident's own: "isolate every host" or another agent's id is a refusal, not a wider action.
// Private to governance.
//
//   Result<BoundAction> b = bind_action_params("isolate_endpoint", {{"agent_id", "42"}}, target);
//   if (!b) suppress(b.error().message);       // "agent_id \"43\" is not this incident's agent"
//   else run(b->params, b->agent_id);          // params canonical: {"agent_id":"42"}

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"
#include "triagent/pipeline/govern_policy.hpp"

namespace triagent::govern_detail {

struct BoundAction {
  nlohmann::json params = nlohmann::json::object();  // canonical: sorted keys, normalised values
  std::string threat_id;
  std::string agent_id;
};

// invalid_argument naming the parameter when the action cannot be bound to `target`.
Result<BoundAction> bind_action_params(std::string_view action, const nlohmann::json& params,
                                       const TargetState& target);

}  // namespace triagent::govern_detail
