#include "triagent/pipeline/approval_flow.hpp"

#include "triagent/observability/log.hpp"

namespace triagent {

namespace {

using nlohmann::json;

// The audit writer completes on its own thread; this callback only reports a lost record.
void append(audit::AuditLog* audit_log, std::string_view job_id, std::string_view trace_id, std::string_view kind,
            json data) {
  if (audit_log == nullptr) return;
  std::string job(job_id);
  std::string trace(trace_id);
  std::string what(kind);
  audit_log->append(job_id, trace_id, kind, std::move(data), [job, trace, what](Result<audit::AuditRecordRef> r) {
    if (!r) {
      log::warn("approval", "audit record not written", {.trace_id = trace, .job_id = job},
                {{"kind", what}, {"error", r.error().message}});
    }
  });
}

json approval_data(const ApprovalRecord& r) {
  return {{"approval_id", r.id},         {"action", r.action},       {"params", r.params},
          {"threat_id", r.threat_id},    {"agent_id", r.agent_id},   {"action_hash", r.action_hash},
          {"status", to_string(r.status)}};
}

}  // namespace

Result<std::vector<ApprovalRecord>> request_approvals(const GovernanceDecision& decision, const TargetState& target,
                                                      const ApprovalContext& context, ApprovalStore& store,
                                                      audit::AuditLog* audit) {
  std::vector<ApprovalRequest> requests;
  for (const auto& action : decision.actions) {
    if (action.disposition == ActionDisposition::needs_approval) {
      requests.push_back(make_approval_request(action, target, context));
    }
  }
  std::vector<ApprovalRecord> held;
  auto created = store.create_all(requests);
  if (!created) return created.error();
  for (auto& c : *created) {
    if (c.created) audit_approval_requested(audit, c.record);
    held.push_back(std::move(c.record));
  }
  return held;
}

void audit_governance(audit::AuditLog* audit, std::string_view job_id, std::string_view trace_id,
                      const GovernanceDecision& decision) {
  for (const auto& action : decision.actions) {
    json data = to_json(action);
    data["mode"] = to_string(decision.mode);
    append(audit, job_id, trace_id, audit::kind::action_proposed, std::move(data));
  }
}

void audit_approval_requested(audit::AuditLog* audit, const ApprovalRecord& r) {
  json data = approval_data(r);
  data["reason"] = r.reason;
  data["confidence"] = r.confidence;
  data["evidence_ids"] = r.evidence_ids;
  data["expires_at"] = format_rfc3339_ms(r.expires_at_ms);
  append(audit, r.job_id, r.trace_id, audit::kind::approval_requested, std::move(data));
}

void audit_approval_decided(audit::AuditLog* audit, const ApprovalRecord& r) {
  json data = approval_data(r);
  const bool expired = r.status == ApprovalStatus::expired;
  data["decided_by"] = expired ? std::string("system") : r.decided_by;
  data["decision_reason"] = expired ? std::string("expired unanswered") : r.decision_reason;
  append(audit, r.job_id, r.trace_id, audit::kind::approval_decided, std::move(data));
}

void audit_action_executed(audit::AuditLog* audit, const ApprovalRecord& r) {
  json data = approval_data(r);
  data["decided_by"] = r.decided_by;
  data["result"] = r.result;
  append(audit, r.job_id, r.trace_id, audit::kind::action_executed, std::move(data));
}

}  // namespace triagent
