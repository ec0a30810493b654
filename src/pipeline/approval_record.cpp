#include "triagent/pipeline/approval_record.hpp"

#include <array>
#include <utility>

#include "triagent/audit/audit_record.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {

namespace {

constexpr std::array<std::pair<ApprovalStatus, std::string_view>, 7> kStatusNames = {{
    {ApprovalStatus::pending, "pending"},
    {ApprovalStatus::approved, "approved"},
    {ApprovalStatus::rejected, "rejected"},
    {ApprovalStatus::expired, "expired"},
    {ApprovalStatus::executing, "executing"},
    {ApprovalStatus::executed, "executed"},
    {ApprovalStatus::failed, "failed"},
}};

}  // namespace

const char* to_string(ApprovalStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name.data();
  }
  return "failed";
}

std::optional<ApprovalStatus> parse_approval_status(std::string_view text) {
  for (const auto& [s, name] : kStatusNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

std::string approval_action_hash(std::string_view action, const nlohmann::json& params, std::string_view threat_id,
                                 std::string_view agent_id) {
  // canonical_json sorts keys, so the same action always hashes the same whatever the key order.
  nlohmann::json bound = {{"action", action}, {"params", params}, {"threat_id", threat_id}, {"agent_id", agent_id}};
  return audit::sha256_hex(audit::canonical_json(bound));
}

ApprovalRequest make_approval_request(const GovernedAction& action, const TargetState& target,
                                      const ApprovalContext& context) {
  ApprovalRequest r;
  r.job_id = context.job_id;
  r.trace_id = context.trace_id;
  r.action = action.action;
  r.params = action.params;
  r.threat_id = action.threat_id;
  r.agent_id = action.agent_id;
  r.reason = action.reason;
  r.confidence = context.confidence;
  r.evidence_ids = context.evidence_ids;
  r.target_state = target;
  r.ttl_ms = context.ttl_ms;
  return r;
}

bool ApprovalRecord::hash_matches() const {
  return action_hash == approval_action_hash(action, params, threat_id, agent_id);
}

nlohmann::json to_json(const ApprovalRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"job_id", r.job_id},
                      {"trace_id", r.trace_id},
                      {"action", r.action},
                      {"params", r.params},
                      {"threat_id", r.threat_id},
                      {"agent_id", r.agent_id},
                      {"action_hash", r.action_hash},
                      {"reason", r.reason},
                      {"confidence", r.confidence},
                      {"evidence_ids", r.evidence_ids},
                      {"target_state", to_json(r.target_state)},
                      {"status", to_string(r.status)},
                      {"created_at", format_rfc3339_ms(r.created_at_ms)},
                      {"expires_at", format_rfc3339_ms(r.expires_at_ms)}};
  if (r.decided_at_ms > 0) {
    j["decided_by"] = r.decided_by;
    j["decision_reason"] = r.decision_reason;
    j["decided_at"] = format_rfc3339_ms(r.decided_at_ms);
  }
  if (r.executed_at_ms > 0) {
    j["executed_at"] = format_rfc3339_ms(r.executed_at_ms);
    j["result"] = r.result;
  }
  return j;
}

}  // namespace triagent
