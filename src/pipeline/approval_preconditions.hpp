#pragma once
// The executor's re-check: given the approval (with the target's state at proposal time) and the
// threat and agent as read just now, says why the action must not run, or "" when it may.
// Private to the approval executor; pure, so every rule is testable without HTTP.
//
//   std::string why = refusal_reason(approval, &threat_now, &agent_now);   // either may be null
//   if (!why.empty()) record_failed("refused: " + why);

#include <string>

#include "triagent/connectors/singularity_agents.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/pipeline/approval_record.hpp"

namespace triagent::approval_detail {

std::string refusal_reason(const ApprovalRecord& approval, const Threat* threat_now, const Agent* agent_now);

}  // namespace triagent::approval_detail
