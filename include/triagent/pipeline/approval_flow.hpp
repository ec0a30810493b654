#pragma once
// The steps of the approval flow as the pipeline runs them, each leaving its audit record:
// governance proposes (action_proposed), the queue holds (approval_requested), a human decides or
// the TTL passes (approval_decided), the executor acts (action_executed). The audit log may be
// null (tests, or audit disabled); appends do not wait for the disk, and a failed append is logged
// as a warning, never thrown.
//
//   GovernanceDecision d = decide(analysis, target, cfg);
//   audit_governance(audit, job_id, trace_id, d);
//   auto held = request_approvals(d, target, {.job_id = job_id, .trace_id = trace_id,
//                                 .confidence = analysis.confidence, .evidence_ids = analysis.evidence_ids,
//                                 .ttl_ms = cfg.approval_ttl_minutes * 60'000LL}, store, audit);
//   for (const ApprovalRecord& r : (*store).expire_due().value()) audit_approval_decided(audit, r);

#include <string_view>
#include <vector>

#include "triagent/audit/audit_log.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/approval_record.hpp"
#include "triagent/pipeline/approval_store.hpp"
#include "triagent/pipeline/govern_policy.hpp"

namespace triagent {

// One approval per needs_approval action (create is idempotent, so a retried job finds its own);
// approval_requested is audited only for rows this call created. Synchronous SQLite: run it off
// the reactor. The first store error stops the loop and is returned.
Result<std::vector<ApprovalRecord>> request_approvals(const GovernanceDecision& decision, const TargetState& target,
                                                      const ApprovalContext& context, ApprovalStore& store,
                                                      audit::AuditLog* audit);

// action_proposed, one record per governed action (with its disposition and any suppression reason).
void audit_governance(audit::AuditLog* audit, std::string_view job_id, std::string_view trace_id,
                      const GovernanceDecision& decision);
void audit_approval_requested(audit::AuditLog* audit, const ApprovalRecord& record);
// Approved, rejected or expired (decided_by "system" for an expiry).
void audit_approval_decided(audit::AuditLog* audit, const ApprovalRecord& record);
void audit_action_executed(audit::AuditLog* audit, const ApprovalRecord& record);

}  // namespace triagent
