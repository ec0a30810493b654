#pragma once
// The audit records an enrichment job writes for its own steps (queries, LLM calls, validation,
// fallback, leaks blocked, deliveries, the job's checkpoint). Governance and approvals write theirs
// in approval_flow.
// Appends are asynchronous (the audit log group-commits on its own thread); a record that cannot be
// written is logged, never silently lost.

#include <string_view>

#include "triagent/audit/audit_log.hpp"
#include "triagent/pipeline/analyze_stage.hpp"
#include "triagent/pipeline/context_fetch.hpp"
#include "triagent/pipeline/delivery_runner.hpp"

namespace triagent::enrichment_audit {

struct JobRef {
  audit::AuditLog* log = nullptr;
  std::string job_id;
  std::string trace_id;
};

void record(const JobRef& job, std::string_view kind, nlohmann::json data);
void queries(const JobRef& job, const ContextResult& context);
void analysis(const JobRef& job, const AnalyzeOutcome& outcome);
void delivery(const JobRef& job, const DeliveryReport& report);

// kind "checkpoint": {event, ...data}. event is "saved" (written before the first delivery step),
// "resumed" (a later attempt delivers it without analysing again), "adopted" (another attempt's
// checkpoint was already stored and is delivered instead of this one's) or "not_saved" (with the
// reason; delivery goes on without one).
inline constexpr std::string_view kCheckpointKind = "checkpoint";
void checkpoint(const JobRef& job, std::string_view event, nlohmann::json data = nlohmann::json::object());

}  // namespace triagent::enrichment_audit
