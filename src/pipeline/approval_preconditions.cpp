#include "pipeline/approval_preconditions.hpp"

namespace triagent::approval_detail {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

// What the proposal saw; an unrecorded verdict counts as none ("undefined") and an unrecorded
// status as "unresolved", so a threat someone has touched since reads as changed (fail closed).
std::string verdict_then(const ApprovalRecord& a) {
  return a.target_state.analyst_verdict.empty() ? "undefined" : lower(a.target_state.analyst_verdict);
}
std::string status_then(const ApprovalRecord& a) {
  return a.target_state.incident_status.empty() ? "unresolved" : lower(a.target_state.incident_status);
}

std::string verdict_changed(const ApprovalRecord& a, const Threat& t) {
  std::string now = lower(t.analyst_verdict);
  if (now == verdict_then(a)) return "";
  return "the analyst verdict changed from " + verdict_then(a) + " to " + now + " since the proposal";
}

std::string check_threat_action(const ApprovalRecord& a, const Threat& t) {
  const std::string verdict = lower(t.analyst_verdict);
  const std::string status = lower(t.incident_status);
  if (a.action == "set_verdict") {
    std::string wanted = a.params.value("verdict", "");
    if (verdict == wanted) return "moot: the verdict is already " + verdict;
    return verdict_changed(a, t);
  }
  if (a.action == "set_incident_status") {
    std::string wanted = a.params.value("status", "");
    if (status == wanted) return "moot: the status is already " + status;
    if (auto why = verdict_changed(a, t); !why.empty()) return why;
    if (status != status_then(a)) {
      return "the incident status changed from " + status_then(a) + " to " + status + " since the proposal";
    }
    return "";
  }
  if (a.action == "isolate_endpoint" || a.action == "escalate_severity") {
    if (status == "resolved") return "the threat is resolved";
    if (verdict == "false_positive") return "the threat is marked false_positive";
    if (auto why = verdict_changed(a, t); !why.empty()) return why;
    if (a.action == "isolate_endpoint" && !t.agent_id.empty() && t.agent_id != a.agent_id) {
      return "the threat is now on agent " + t.agent_id + ", not " + a.agent_id;
    }
  }
  return "";
}

}  // namespace

std::string refusal_reason(const ApprovalRecord& approval, const Threat* threat_now, const Agent* agent_now) {
  if (threat_now != nullptr) {
    if (auto why = check_threat_action(approval, *threat_now); !why.empty()) return why;
  }
  if (approval.action == "isolate_endpoint") {
    if (agent_now == nullptr) return "the agent was not read";
    if (agent_now->id != approval.agent_id) return "the agent read is not the approved one";
    const std::string network = lower(agent_now->network_status);
    if (network == "disconnected" || network == "disconnecting") return "moot: the agent is already " + network;
  }
  return "";
}

}  // namespace triagent::approval_detail
