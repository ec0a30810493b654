#pragma once
// The approval admin API. Every route needs "Authorization: Bearer <token>" (AccessControl): 401
// for a missing or unknown token, 403 for too low a role. Reading needs viewer, deciding approver;
// the decision's actor is the token's name.
//
//   GET  /v1/approvals[?status=pending|approved|rejected|expired|executing|executed|failed|all][&limit=N]
//        200 {"approvals": [...], "count": n}; status defaults to pending, limit to 100 (max 1000)
//   GET  /v1/approvals/{id}                      200 the approval, 404 unknown
//   POST /v1/approvals/{id}/approve              body {"reason": "...", "action_hash": "..."}
//        202 the approval (execution starts through on_approved); decided_by is the token's name;
//        action_hash, when sent, must be the one the approver was shown
//   POST /v1/approvals/{id}/reject               same body, 200 the approval
//   400 malformed body or missing reason, 404 unknown id, 409 already decided / expired / hash
//   mismatch, 503 the store failed.
//
//   auto ctx = std::make_shared<ApprovalRoutesContext>();
//   ctx->store = store.get(); ctx->access = access_control; ctx->audit = audit_log;
//   ctx->on_approved = [&](ApprovalRecord r) { co_spawn(io, execute(std::move(r)), detached); };
//   ctx->run_blocking = [&pool](std::function<void()> work) { post(pool, std::move(work)); };
//   register_approval_routes(router, ctx);

#include <functional>
#include <memory>

#include "triagent/audit/audit_log.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/core/secret.hpp"
#include "triagent/net/router.hpp"
#include "triagent/observability/metrics.hpp"
#include "triagent/pipeline/approval_record.hpp"
#include "triagent/pipeline/approval_store.hpp"

namespace triagent {

struct ApprovalRoutesContext {
  ApprovalStore* store = nullptr;
  std::shared_ptr<const AccessControl> access;  // who may call; null: admin_token alone
  Secret admin_token;                // used only without `access`; empty: every request is refused
  metrics::Registry* metrics = nullptr;  // triagent_approvals_decided_total; may be null
  audit::AuditLog* audit = nullptr;  // approval_decided records; may be null
  // Called once per approval that became approved; must not block (start the execution and return).
  std::function<void(ApprovalRecord)> on_approved;
  // Runs the store's synchronous SQLite work off the reactor; empty: inline in the handler.
  std::function<void(std::function<void()>)> run_blocking;
};

void register_approval_routes(Router& router, std::shared_ptr<ApprovalRoutesContext> ctx);

}  // namespace triagent
