#pragma once
// Feedback on a job's AI result, through the operator API.
//
//   POST /v1/jobs/{id}/feedback  approver  body {"rating": "accepted|edited|rejected", "reason": "...",
//                                          "comment": "..."?}; 201 {id, job_id, rating, reason, actor,
//                                          created_at}; actor is the token's name; audited ("feedback")
//                                          and counted (triagent_feedback_total{rating})
//   GET  /v1/jobs/{id}/feedback  viewer    200 {"feedback": [...]} oldest first
//   400 malformed id or body, 404 no such job, 503 a store failed. Nothing is stored on an error.
//
//   auto ctx = std::make_shared<FeedbackRoutesContext>();
//   ctx->store = feedback.get(); ctx->queue = &jobs; ctx->access = access; ctx->audit = audit;
//   register_feedback_routes(router, ctx);

#include <functional>
#include <memory>

#include "triagent/audit/audit_log.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/net/router.hpp"
#include "triagent/observability/metrics.hpp"
#include "triagent/pipeline/feedback_store.hpp"
#include "triagent/queue/job_queue.hpp"

namespace triagent {

struct FeedbackRoutesContext {
  FeedbackStore* store = nullptr;
  JobQueue* queue = nullptr;
  std::shared_ptr<const AccessControl> access;
  audit::AuditLog* audit = nullptr;      // may be null
  metrics::Registry* metrics = nullptr;  // may be null
  // Runs the store's synchronous SQLite work off the reactor; empty: inline.
  std::function<void(std::function<void()>)> run_blocking;
};

void register_feedback_routes(Router& router, std::shared_ptr<FeedbackRoutesContext> ctx);

}  // namespace triagent
