#include "pipeline/enrichment_audit.hpp"

#include "triagent/observability/log.hpp"

namespace triagent::enrichment_audit {

using nlohmann::json;

void record(const JobRef& job, std::string_view kind, json data) {
  if (job.log == nullptr) return;
  std::string what(kind);
  job.log->append(job.job_id, job.trace_id, kind, std::move(data),
                  [job_id = job.job_id, trace = job.trace_id, what](Result<audit::AuditRecordRef> r) {
                    if (!r) {
                      log::warn("pipeline", "audit record not written", {.trace_id = trace, .job_id = job_id},
                                {{"kind", what}, {"error", r.error().message}});
                    }
                  });
}

void queries(const JobRef& job, const ContextResult& context) {
  for (const auto& q : context.queries) {
    json data = {{"template", q.template_name}, {"source", to_string(q.source)},  {"query", q.query},
                 {"from_ms", q.from_ms},        {"to_ms", q.to_ms},               {"status", to_string(q.status)},
                 {"duration_ms", q.duration_ms}, {"events", q.events.size()},     {"truncated", q.truncated}};
    if (!q.error.empty()) data["error"] = q.error;
    record(job, audit::kind::query, std::move(data));
  }
  for (const auto& s : context.not_planned) {
    record(job, audit::kind::query,
           {{"template", s.template_name}, {"source", to_string(s.source)}, {"status", "not_planned"}, {"reason", s.reason}});
  }
}

void analysis(const JobRef& job, const AnalyzeOutcome& outcome) {
  for (const auto& a : outcome.attempts) {
    json call = {{"provider", a.provider},
                 {"model", a.model},
                 {"repair", a.repair},
                 {"prompt_template", a.prompt_id},
                 {"prompt_template_sha256", a.prompt_template_sha256},
                 {"prompt_sha256", a.prompt_sha256},
                 {"input_tokens", a.input_tokens},
                 {"output_tokens", a.output_tokens},
                 {"estimated_input_tokens", a.estimated_input_tokens},
                 {"cost_usd", a.cost_usd},
                 {"latency_ms", a.latency_ms},
                 {"outcome", to_string(a.outcome)}};
    if (!a.failed_providers.empty()) call["failed_providers"] = a.failed_providers;
    if (a.outcome == AnalysisAttempt::Outcome::blocked) {
      record(job, audit::kind::leak_blocked, {{"prompt_sha256", a.prompt_sha256}, {"findings", a.errors}});
      continue;
    }
    if (a.outcome == AnalysisAttempt::Outcome::failed) call["error"] = a.errors.empty() ? "" : a.errors.front();
    record(job, audit::kind::llm_call, std::move(call));
    if (a.outcome == AnalysisAttempt::Outcome::accepted || a.outcome == AnalysisAttempt::Outcome::rejected) {
      json validation = {{"valid", a.outcome == AnalysisAttempt::Outcome::accepted}, {"errors", a.errors}};
      if (a.outcome == AnalysisAttempt::Outcome::accepted) validation["notes"] = outcome.notes;
      record(job, audit::kind::validation, std::move(validation));
    }
  }
  if (outcome.fallback) {
    record(job, audit::kind::fallback, {{"to", "builtin"}, {"reason", outcome.fallback_reason}});
  }
}

void delivery(const JobRef& job, const DeliveryReport& report) {
  for (const auto& step : report.steps) {
    json data = {{"step", to_string(step.step)}, {"outcome", to_string(step.outcome)}, {"target", step.target},
                 {"posted", step.posted},        {"detail", step.detail}};
    if (step.error) data["error"] = step.error->message;
    record(job, audit::kind::delivery, std::move(data));
  }
}

void checkpoint(const JobRef& job, std::string_view event, json data) {
  data["event"] = event;
  record(job, kCheckpointKind, std::move(data));
}

}  // namespace triagent::enrichment_audit
