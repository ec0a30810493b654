#pragma once
// Runs an approved action against SentinelOne, once, after re-reading the target: between the
// proposal and the approval a person may have decided the threat, resolved it, or the agent may
// already be isolated. Then the action is moot or unsafe, and it is refused (recorded as failed,
// with the reason) instead of run.
//
//   ApprovalConnectors s1{&threats, &agents};
//   ApprovalExecution env{.store = store.get(), .connectors = s1, .audit = audit_log};
//   Result<ApprovalRecord> done = co_await execute_approved(approved_record, env);
//   // done->status: executed, or failed with done->result saying why; an Error only when the
//   // approval could not be claimed (not approved, already executing) or the store failed.
//
// What runs, per action (threat actions need the approval's threat id):
//   set_verdict          POST /threats/analyst-verdict     set_incident_status  POST /threats/incident
//   isolate_endpoint     POST /agents/actions/disconnect (the approval's one agent id)
//   add_note             a "[triagent:approval:<id>] [AI-Generated Draft] ..." note, posted once
//   add_tag              the threat's tags note (SingularityThreats::add_tags)
//   escalate_severity    a note recording the escalation: threats have no severity to write in REST
//   open_ticket, run_hunt  failed: no executor for them yet
// Refused (failed) when the re-read shows, since the proposal: another analyst verdict (a person
// decided); for a status change, another status or the wanted one already; for isolation, a
// resolved or false-positive threat, a threat now on another agent, or an agent already
// disconnected or disconnecting; for an escalation, a resolved or false-positive threat. A re-read
// that fails also fails the approval (closed): approve again once SentinelOne answers.
// An executor cancelled mid-way leaves the approval `executing`, visible, and never re-run.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "triagent/audit/audit_log.hpp"
#include "triagent/connectors/singularity_agents.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/approval_record.hpp"
#include "triagent/pipeline/approval_store.hpp"
#include "triagent/pipeline/govern_policy.hpp"

namespace triagent {

// Either may be null: an action that needs a missing one fails with that reason.
struct ApprovalConnectors {
  SingularityThreats* threats = nullptr;
  SingularityAgents* agents = nullptr;
};

struct ActionOutcome {
  bool executed = false;  // the action ran and the API reported it applied
  std::string detail;     // "affected 1", or why it was refused or failed
};

// The re-check and the action, without the store: what execute_approved runs in between.
boost::asio::awaitable<ActionOutcome> run_approved_action(ApprovalRecord approval, ApprovalConnectors connectors);

struct ApprovalExecution {
  using BlockingRunner = std::function<boost::asio::awaitable<void>(std::function<void()>)>;

  ApprovalStore* store = nullptr;
  ApprovalConnectors connectors = {};
  audit::AuditLog* audit = nullptr;  // may be null
  // Runs the store's synchronous SQLite calls (e.g. on a blocking pool); empty: inline.
  BlockingRunner run_blocking = {};
};

// Claims the approval (approved -> executing), runs it, records executed or failed, audits it.
boost::asio::awaitable<Result<ApprovalRecord>> execute_approved(ApprovalRecord approval, ApprovalExecution env);

// The TargetState governance and the executor compare, from a threat as read.
TargetState target_state_of(const Threat& threat, VerdictSource verdict_set_by);

}  // namespace triagent
