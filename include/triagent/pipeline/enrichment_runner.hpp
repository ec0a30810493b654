#pragma once
// EnrichmentRunner: the JobRunner that turns a queued incident into a governed, audited case note.
// It strings the stages together, each its own unit:
//   1 resolve (context_resolve)     2 plan (context_plan)       3 fetch (context_fetch)
//   4 pack evidence (evidence_packer)  5 redact + leak check (redact_stage, analyze_stage)
//   6 analyze (analyze_stage)       7 restore (the job's vault)  8 govern (govern_policy, approvals)
//   9 deliver (delivery_runner)    10 audit (every step above writes its records)
// A failing source degrades the result and says so; a failing upstream that asked for time hands
// the job back to the queue; nothing here ever runs an action the governance did not allow.
// Before its first delivery step a job saves a checkpoint (job_checkpoint_store.hpp): note, tags,
// events, targets and the result. An attempt that finds one (a retry after a transient delivery
// failure, a restart after a crash, an admin replay) skips stages 1-8 and delivers it, so the LLM is
// paid once, approvals are requested once and every attempt delivers the same analysis.
//
//   PipelineServices services{...};          // connectors (null = not configured), stores, audit
//   EnrichmentRunner runner(services, pipeline_config);
//   WorkerPool pool(io, queue, runner, ...);
//
// The job's result (stored with it, shown by the admin API and the review UI) is JSON:
// {incident, produced_by, fallback, analysis, degraded, governance, approvals, delivery, stats},
// plus resumed_from_checkpoint: true when this attempt delivered an earlier attempt's checkpoint.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/audit/audit_log.hpp"
#include "triagent/observability/triagent_metrics.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/singularity_agents.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"
#include "triagent/connectors/singularity_star_alerts.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/pipeline/analyze_stage.hpp"
#include "triagent/pipeline/approval_store.hpp"
#include "triagent/pipeline/context_plan.hpp"
#include "triagent/pipeline/delivery_ledger.hpp"
#include "triagent/pipeline/evidence_packer.hpp"
#include "triagent/pipeline/govern_policy.hpp"
#include "triagent/pipeline/job_checkpoint_store.hpp"
#include "triagent/pipeline/job_runner.hpp"
#include "triagent/pipeline/note_render.hpp"
#include "triagent/privacy/redactor.hpp"

namespace triagent {

// What the runner works with; the daemon owns all of it. Connector pointers may be null (off).
struct PipelineServices {
  SingularityThreats* threats = nullptr;
  SingularityAlertsGraphql* uam_alerts = nullptr;
  SingularityStarAlerts* star_alerts = nullptr;
  SingularityAgents* agents = nullptr;
  DeepVisibility* deep_visibility = nullptr;
  DataSetClient* dataset = nullptr;
  DataSetEventWriter* ai_events = nullptr;
  const analysis::Analyzer* analyzer = nullptr;   // required
  const privacy::Redactor* redactor = nullptr;    // required
  const AnalyzeStage* analyze = nullptr;          // required
  ApprovalStore* approvals = nullptr;             // required
  DeliveryLedger* ledger = nullptr;               // required
  JobCheckpointStore* checkpoints = nullptr;      // null: every attempt analyses again
  audit::AuditLog* audit = nullptr;               // may be null (tests)
  PipelineMetrics* metrics = nullptr;             // stage durations, LLM usage; may be null
  // Runs a blocking call (SQLite) off the reactor and resumes on the caller's executor.
  std::function<boost::asio::awaitable<void>(std::function<void()>)> run_blocking;
  // Runs CPU work (packing, redaction, the note) off the reactor, below its priority; unset: inline.
  std::function<boost::asio::awaitable<void>(std::function<void()>)> run_compute;
};

struct PipelineConfig {
  ContextPlanConfig context;
  EvidencePackerConfig evidence;
  GovernanceConfig governance;
  NoteLimits note;
  bool send_ai_events = true;             // assist/auto: write ai_* events to DataSet
  std::int64_t resolve_timeout_ms = 30'000;
};

class EnrichmentRunner final : public JobRunner {
 public:
  EnrichmentRunner(PipelineServices services, PipelineConfig config);
  boost::asio::awaitable<JobOutcome> run(LeasedJob job) override;

 private:
  PipelineServices services_;
  PipelineConfig config_;
};

}  // namespace triagent
