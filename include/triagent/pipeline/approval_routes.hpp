#pragma once
// The approval admin API. Every route needs "Authorization: Bearer <admin token>" (401 otherwise),
// compared in constant time.
//
//   GET  /v1/approvals[?status=pending|approved|rejected|expired|executing|executed|failed|all][&limit=N]
//        200 {"approvals": [...], "count": n}; status defaults to pending, limit to 100 (max 1000)
//   GET  /v1/approvals/{id}                      200 the approval, 404 unknown
//   POST /v1/approvals/{id}/approve              body {"reason": "...", "actor": "alice", "action_hash": "..."}
//        202 the approval (execution starts through on_approved); actor defaults to "admin";
//        action_hash, when sent, must be the one the approver was shown
//   POST /v1/approvals/{id}/reject               same body, 200 the approval
//   400 malformed body or missing reason, 404 unknown id, 409 already decided / expired / hash
//   mismatch, 503 the store failed.
//
//   auto ctx = std::make_shared<ApprovalRoutesContext>();
//   ctx->store = store.get(); ctx->admin_token = cfg.admin_token; ctx->audit = audit_log;
//   ctx->on_approved = [&](ApprovalRecord r) { co_spawn(io, execute(std::move(r)), detached); };
//   ctx->run_blocking = [&pool](std::function<void()> work) { post(pool, std::move(work)); };
//   register_approval_routes(router, ctx);

#include <functional>
#include <memory>

#include "triagent/audit/audit_log.hpp"
#include "triagent/core/secret.hpp"
#include "triagent/net/router.hpp"
#include "triagent/pipeline/approval_record.hpp"
#include "triagent/pipeline/approval_store.hpp"

namespace triagent {

struct ApprovalRoutesContext {
  ApprovalStore* store = nullptr;
  Secret admin_token;                // empty: every request is refused
  audit::AuditLog* audit = nullptr;  // approval_decided records; may be null
  // Called once per approval that became approved; must not block (start the execution and return).
  std::function<void(ApprovalRecord)> on_approved;
  // Runs the store's synchronous SQLite work off the reactor; empty: inline in the handler.
  std::function<void(std::function<void()>)> run_blocking;
};

void register_approval_routes(Router& router, std::shared_ptr<ApprovalRoutesContext> ctx);

}  // namespace triagent
