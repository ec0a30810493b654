#include "triagent/pipeline/enrichment_runner.hpp"

#include "pipeline/enrichment_audit.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/json_safety.hpp"
#include "triagent/observability/log.hpp"
#include "triagent/pipeline/approval_executor.hpp"
#include "triagent/pipeline/approval_flow.hpp"
#include "triagent/pipeline/context_fetch.hpp"
#include "triagent/pipeline/context_resolve.hpp"
#include "triagent/pipeline/delivery_events.hpp"
#include "triagent/pipeline/delivery_runner.hpp"
#include "triagent/pipeline/evidence_normalize.hpp"
#include "triagent/pipeline/evidence_process_tree.hpp"
#include "triagent/pipeline/evidence_timeline.hpp"
#include "triagent/pipeline/redact_stage.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// The marker in notes and the ledger key: the queue's job id, which a replay does not reuse.
std::string job_key(std::int64_t id) { return "job-" + std::to_string(id); }

// Who set the threat's verdict is not in the API's answer; a verdict already there is treated as a
// human's, so the AI never overrides it (the safe side).
TargetState target_of(const Incident& incident, const std::optional<Threat>& threat) {
  if (threat) {
    bool decided = !threat->analyst_verdict.empty() && threat->analyst_verdict != "undefined";
    return target_state_of(*threat, decided ? VerdictSource::human : VerdictSource::none);
  }
  TargetState t;
  if (!incident.entities.threat_ids.empty()) t.threat_id = incident.entities.threat_ids.front();
  if (!incident.entities.agent_ids.empty()) t.agent_id = incident.entities.agent_ids.front();
  if (!incident.entities.hosts.empty()) t.agent_computer_name = incident.entities.hosts.front();
  t.severity = incident.severity;
  t.verdict_set_by = VerdictSource::human;  // unknown: never change it
  return t;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

json delivery_json(const DeliveryReport& report) {
  json steps = json::array();
  for (const auto& s : report.steps) {
    json step = {{"step", to_string(s.step)}, {"outcome", to_string(s.outcome)}, {"target", s.target},
                 {"detail", s.detail}};
    if (s.error) step["error"] = s.error->message;
    steps.push_back(std::move(step));
  }
  return steps;
}

// Times one stage into triagent_stage_duration_seconds{stage}; `lap` closes one stage and opens the next.
class StageTimer {
 public:
  explicit StageTimer(PipelineMetrics* metrics) : metrics_(metrics) {}
  void lap(std::string_view stage) {
    auto now = std::chrono::steady_clock::now();
    if (metrics_) metrics_->observe_stage(stage, std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }

 private:
  PipelineMetrics* metrics_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// A fixed label for why the built-in analyst stood in (fallback_reason is free text: as a label
// it would make one metric series per message).
std::string_view fallback_category(const AnalyzeOutcome& analyzed) {
  if (analyzed.attempts.empty()) return "no_llm_answer";
  for (const auto& a : analyzed.attempts) {
    if (a.outcome == AnalysisAttempt::Outcome::blocked) return "leak_check_blocked";
  }
  for (const auto& a : analyzed.attempts) {
    if (a.outcome == AnalysisAttempt::Outcome::rejected) return "invalid_answer";
  }
  return "no_llm_answer";
}

void count_llm_usage(PipelineMetrics* metrics, const AnalyzeOutcome& analyzed) {
  if (metrics == nullptr) return;
  for (const auto& a : analyzed.attempts) {
    metrics->add_llm_usage(a.provider, static_cast<double>(a.input_tokens), static_cast<double>(a.output_tokens),
                           a.cost_usd);
  }
  if (analyzed.fallback) metrics->count_fallback(fallback_category(analyzed));
}

// The evidence table of the review UI: what each id the analysis cites stands for.
json evidence_summary(const analysis::EvidencePack& pack) {
  json items = json::array();
  for (const auto& item : pack.items) {
    items.push_back({{"id", item.id}, {"source", analysis::to_string(item.source)},
                     {"time", item.time_ms > 0 ? json(format_rfc3339_ms(item.time_ms)) : json(nullptr)},
                     {"host", item.host}, {"user", item.user}, {"summary", item.summary}});
  }
  return items;
}

// A delivery that failed for a reason time may cure sends the job round again; the ledger makes
// the steps already done no-ops on the next attempt.
std::optional<JobOutcome> retry_for(const DeliveryReport& report) {
  std::optional<Error> error = report.first_error();
  if (!error) return std::nullopt;
  bool transient = error->retry_after_ms.has_value() || error->code == ErrorCode::unavailable ||
                   error->code == ErrorCode::timeout;
  if (!transient) return std::nullopt;
  return JobOutcome::retry("delivery: " + error->message, error->retry_after_ms);
}


// The checkpoint store's calls, off the reactor. Each work item is a named std::function (GCC 12:
// no capturing lambda may be a temporary inside a co_await expression).
asio::awaitable<void> off_reactor(const PipelineServices& s, std::function<void()> work) {
  if (s.run_blocking) {
    co_await s.run_blocking(std::move(work));
  } else {
    work();
  }
}

// The CPU-heavy stages (the analyzer over every event, the redactor, the note): on the reactor
// they held up every request meanwhile, GET /livez p99 59 ms while pipeline_bench's cases ran.
asio::awaitable<void> on_compute(const PipelineServices& s, std::function<void()> work) {
  if (s.run_compute) {
    co_await s.run_compute(std::move(work));
  } else {
    work();
  }
}

asio::awaitable<Result<std::optional<JobCheckpoint>>> load_checkpoint(const PipelineServices& s,
                                                                       const std::string& key) {
  std::optional<Result<std::optional<JobCheckpoint>>> out;
  std::function<void()> work = [&] { out.emplace(s.checkpoints->load(key)); };
  co_await off_reactor(s, std::move(work));
  co_return std::move(*out);
}

asio::awaitable<Result<CheckpointSave>> save_checkpoint(const PipelineServices& s, const JobCheckpoint& checkpoint) {
  std::optional<Result<CheckpointSave>> out;
  std::function<void()> work = [&] { out.emplace(s.checkpoints->save(checkpoint)); };
  co_await off_reactor(s, std::move(work));
  co_return std::move(*out);
}

// Stage 9 and the final result, from a checkpoint this attempt made or found. A transient delivery
// failure sends the job round again; the ledger makes the steps already done no-ops, and the
// checkpoint makes the next attempt start here.
asio::awaitable<JobOutcome> deliver_checkpoint(const PipelineServices* services, JobCheckpoint checkpoint,
                                               bool resumed, std::optional<TraceContext> trace, Incident incident,
                                               enrichment_audit::JobRef audit, StageTimer timer) {
  DeliveryReport delivered;
  if (checkpoint.delivers()) {
    Deliverer deliverer(*services->ledger, services->run_blocking);
    delivered = co_await deliverer.deliver(delivery_plan_of(checkpoint, std::move(trace), std::move(incident)),
                                           {services->threats, services->uam_alerts, services->ai_events});
    enrichment_audit::delivery(audit, delivered);
  }
  timer.lap("deliver");
  if (auto retry = retry_for(delivered)) co_return *retry;
  json result = std::move(checkpoint.result);
  result["delivery"] = delivery_json(delivered);
  if (resumed) result["resumed_from_checkpoint"] = true;
  co_return JobOutcome::done(result.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Saves the checkpoint before the first delivery step and says which one to deliver: this
// attempt's, or the one another attempt stored first. nullopt: the job must go round again.
asio::awaitable<std::optional<JobCheckpoint>> checkpoint_before_delivery(const PipelineServices* services,
                                                                         JobCheckpoint checkpoint,
                                                                         enrichment_audit::JobRef audit,
                                                                         log::LogContext lc, std::string* error) {
  if (services->checkpoints == nullptr || !checkpoint.delivers()) co_return checkpoint;
  auto saved = co_await save_checkpoint(*services, checkpoint);
  if (!saved && saved.error().code == ErrorCode::too_large) {
    // Refusing to deliver over a size limit would lose the note; without a checkpoint the job is
    // only as idempotent as the ledger makes it (as before checkpoints existed).
    log::warn("pipeline", "checkpoint not saved; delivering without one", lc, {{"error", saved.error().message}});
    enrichment_audit::checkpoint(audit, "not_saved", {{"reason", saved.error().message}});
    co_return checkpoint;
  }
  if (!saved) {
    *error = saved.error().message;
    co_return std::nullopt;
  }
  if (saved->written) {
    enrichment_audit::checkpoint(audit, "saved");
  } else {
    log::warn("pipeline", "another attempt of this job saved its checkpoint first; delivering that one", lc);
    enrichment_audit::checkpoint(audit, "adopted",
                                 {{"created_at", format_rfc3339_ms(saved->kept.created_at_ms)}});
  }
  co_return std::move(saved->kept);
}

}  // namespace

EnrichmentRunner::EnrichmentRunner(PipelineServices services, PipelineConfig config)
    : services_(std::move(services)), config_(std::move(config)) {
  if (!services_.analyzer || !services_.redactor || !services_.analyze || !services_.approvals || !services_.ledger) {
    throw std::invalid_argument("EnrichmentRunner: analyzer, redactor, analyze stage, approvals and ledger are required");
  }
}

asio::awaitable<JobOutcome> EnrichmentRunner::run(LeasedJob job) {
  const std::string key = job_key(job.id);
  std::optional<TraceContext> trace = TraceContext::parse(job.traceparent);
  if (!trace) trace = TraceContext::generate();
  const enrichment_audit::JobRef audit{services_.audit, key, trace->trace_id};
  const log::LogContext lc{.trace_id = trace->trace_id, .job_id = key};

  auto payload = parse_untrusted_json(job.payload);
  Incident incident;
  try {
    if (!payload) throw std::invalid_argument(payload.error().message);
    incident = payload->get<Incident>();
  } catch (const std::exception& e) {
    co_return JobOutcome::fail(std::string("payload is not an incident: ") + e.what());
  }
  const std::string payload_sha256 = sha256_hex(job.payload);

  // An attempt that reached delivery before left a checkpoint: deliver it, analyse nothing.
  if (services_.checkpoints != nullptr) {
    auto found = co_await load_checkpoint(services_, key);
    if (!found && found.error().code == ErrorCode::invalid_argument) co_return JobOutcome::fail(found.error().message);
    if (!found) co_return JobOutcome::retry(found.error().message);
    if (*found && (*found)->payload_sha256 != payload_sha256) {
      // A job id reused after the queue was wiped: that checkpoint is another incident's.
      log::warn("pipeline", "ignoring a checkpoint made from another payload", lc);
    } else if (*found) {
      JobCheckpoint checkpoint = std::move(**found);
      enrichment_audit::checkpoint(audit, "resumed", {{"created_at", format_rfc3339_ms(checkpoint.created_at_ms)}});
      if (config_.governance.mode == GovernanceMode::shadow && checkpoint.delivers()) {
        // Shadow mode is how an operator stops every write: it applies to decisions taken before.
        log::warn("pipeline", "shadow mode: the checkpoint's delivery is not run", lc);
        JobCheckpoint result_only;
        result_only.job_id = checkpoint.job_id;
        result_only.result = std::move(checkpoint.result);
        checkpoint = std::move(result_only);
      }
      co_return co_await deliver_checkpoint(&services_, std::move(checkpoint), true, trace, std::move(incident),
                                            audit, StageTimer(services_.metrics));
    }
  }

  StageTimer timer(services_.metrics);
  // 1. Resolve: an id-only webhook becomes a full incident. A refusal (401/403/404) degrades the
  //    job to what the webhook said; an upstream asking for time sends it round again.
  std::vector<ContextEvent> events;
  std::vector<analysis::DegradedSource> degraded;
  std::optional<Threat> threat;
  ResolveOptions resolve_options;
  resolve_options.call.deadline = deadline_after(std::chrono::milliseconds(config_.resolve_timeout_ms));
  resolve_options.call.trace = trace;
  auto resolved = co_await resolve_incident(
      incident, {services_.threats, services_.uam_alerts, services_.star_alerts}, resolve_options);
  if (!resolved) {
    if (resolved.error().retry_after_ms) co_return JobOutcome::retry(resolved.error().message, resolved.error().retry_after_ms);
    degraded.push_back({"resolve", resolved.error().message});
    log::warn("pipeline", "incident not resolved; continuing with the webhook's data", lc,
              {{"error", resolved.error().message}});
  } else if (resolved->threat) {
    threat = resolved->threat;
    events.push_back(context_event_from_threat(*threat));
  }
  // A payload with content of its own (DataSet alerts, generic senders) is evidence too; an
  // id-only notification that was resolved says nothing the threat does not.
  if (!threat) events.push_back(context_event_from_incident(incident));
  timer.lap("resolve");

  // 2-3. Plan and fetch the context, concurrently, within each upstream's limits.
  ContextPlan plan = plan_context(incident, config_.context);
  ContextFetcher fetcher({services_.dataset, services_.deep_visibility, services_.threats});
  ContextResult context =
      co_await fetcher.fetch(plan, deadline_after(std::chrono::milliseconds(config_.context.deadline_ms)), trace);
  enrichment_audit::queries(audit, context);
  if (context.retry_after_ms && context.event_count() == 0) {
    co_return JobOutcome::retry("context: every source asked to come back later", context.retry_after_ms);
  }
  std::vector<std::string> queries_run;
  for (const auto& q : context.queries) {
    if (q.status != ContextQueryStatus::skipped) queries_run.push_back(q.query);
    if (q.status == ContextQueryStatus::failed) degraded.push_back({q.template_name, q.error});
  }
  for (auto& e : context.take_events()) events.push_back(std::move(e));  // context is not read after this
  timer.lap("context");

  // 4. Pack: dedupe, rank, fit the token budget; every IOC and rule hit stays.
  PackedEvidence packed;
  std::function<void()> pack = [&] {
    packed = pack_evidence(incident, std::move(events), *services_.analyzer, config_.evidence, degraded, queries_run);
  };
  co_await on_compute(services_, std::move(pack));
  timer.lap("pack");

  // 5-6. Redact into the job's vault, then analyze (the stage checks the prompt for leaks first).
  privacy::Vault vault;
  analysis::EvidencePack safe_pack;
  std::function<void()> redact = [&] { safe_pack = redact_evidence(packed.pack, *services_.redactor, vault); };
  co_await on_compute(services_, std::move(redact));
  enrichment_audit::record(audit, audit::kind::redaction,
                           {{"placeholders", vault.raw_values().size()}, {"items", safe_pack.items.size()}});
  timer.lap("redact");
  AnalyzeOutcome analyzed = co_await services_.analyze->run(safe_pack, vault, trace);
  enrichment_audit::analysis(audit, analyzed);
  count_llm_usage(services_.metrics, analyzed);
  timer.lap("analyze");

  // 7. Restore the placeholders inside the trust boundary.
  json restored = analyzed.output;
  vault.restore(restored);
  analysis::AnalysisOutput output;
  try {
    output = restored.get<analysis::AnalysisOutput>();
  } catch (const std::exception& e) {
    // A restored value broke a bound the validator enforced on the placeholder form; keep the
    // placeholders rather than lose the analysis.
    log::warn("pipeline", "restored analysis rejected; keeping placeholders", lc, {{"error", e.what()}});
    output = analyzed.output;
  }

  // 8. Govern: what may be written, what needs a human.
  TargetState target = target_of(incident, threat);
  GovernanceDecision decision = decide(output, target, config_.governance);
  std::vector<ApprovalRecord> approvals;
  std::string approval_error;
  auto govern = [&] {
    audit_governance(services_.audit, key, trace->trace_id, decision);
    ApprovalContext ctx{key, trace->trace_id, output.confidence, output.evidence_ids,
                        static_cast<std::int64_t>(config_.governance.approval_ttl_minutes) * 60'000};
    auto held = request_approvals(decision, target, ctx, *services_.approvals, services_.audit);
    if (held) approvals = std::move(*held);
    else approval_error = held.error().message;
  };
  if (services_.run_blocking) co_await services_.run_blocking(govern);
  else govern();
  if (!approval_error.empty()) co_return JobOutcome::retry("approvals: " + approval_error);
  timer.lap("govern");

  // The note is rendered in every mode: shadow mode keeps it for the review UI only.
  NoteInput note;
  note.job_id = key;
  note.heading = decision.note_heading;
  note.incident = incident;
  note.output = output;
  note.pack = packed.pack;
  note.timeline_lines = lines_of(render_timeline_text(packed.timeline));
  note.process_tree = render_process_tree_text(packed.tree);
  note.queries_run = queries_run;
  note.degraded_sources = degraded;
  for (const auto& a : decision.actions) {
    if (a.disposition == ActionDisposition::needs_approval) note.actions_needing_approval.push_back(a.action);
  }
  if (!analyzed.attempts.empty()) {
    note.provider = analyzed.attempts.back().provider;
    note.model = analyzed.attempts.back().model;
  } else {
    note.provider = analyzed.produced_by;
  }
  note.prompt_template_id = analyzed.produced_by == "builtin" ? "builtin" : analyzed.attempts.back().prompt_id;
  std::optional<Result<std::string>> note_text;
  std::function<void()> render = [&] { note_text.emplace(render_case_note(note, config_.note)); };
  co_await on_compute(services_, std::move(render));
  if (!*note_text) co_return JobOutcome::fail("note: " + note_text->error().message);

  json governance = json::array();
  for (const auto& a : decision.actions) governance.push_back(to_json(a));
  json approval_ids = json::array();
  for (const auto& a : approvals) approval_ids.push_back(a.id);
  // The result without "delivery", which deliver_checkpoint adds from each attempt's report.
  json result = {
      {"job", key},
      {"incident", {{"source", incident.source}, {"kind", incident.kind}, {"external_id", incident.external_id},
                    {"title", incident.title}}},
      {"mode", to_string(decision.mode)},
      {"produced_by", analyzed.produced_by},
      {"fallback", analyzed.fallback},
      {"fallback_reason", analyzed.fallback_reason},
      {"analysis", output},
      {"degraded", !degraded.empty()},
      {"degraded_sources", json::array()},
      {"governance", governance},
      {"approvals", approval_ids},
      {"stats",
       {{"events_in", packed.stats.events_in}, {"evidence_items", packed.stats.kept},
        {"evidence_tokens", packed.stats.tokens}, {"iocs_total", packed.stats.iocs_total},
        {"iocs_kept", packed.stats.iocs_kept}}},
      {"note", **note_text},
      {"evidence", evidence_summary(packed.pack)}};
  for (const auto& d : degraded) result["degraded_sources"].push_back({{"name", d.name}, {"reason", d.reason}});
  result["llm_attempts"] = json::array();
  for (const auto& a : analyzed.attempts) {
    result["llm_attempts"].push_back({{"provider", a.provider}, {"model", a.model}, {"outcome", to_string(a.outcome)},
                                      {"repair", a.repair}, {"input_tokens", a.input_tokens}, {"cost_usd", a.cost_usd},
                                      {"output_tokens", a.output_tokens}, {"errors", a.errors}});
  }

  // 9. Deliver what the mode allows, once per job whatever happens to the process: the checkpoint
  //    is saved first, so a later attempt delivers this same analysis.
  JobCheckpoint checkpoint;
  checkpoint.job_id = key;
  checkpoint.payload_sha256 = payload_sha256;
  checkpoint.note_text = **note_text;
  checkpoint.result = std::move(result);
  if (decision.deliver_note || decision.deliver_tags) {
    checkpoint.tags = render_tags(output);
    if (decision.deliver_note) {
      if (!target.threat_id.empty()) checkpoint.note_threat_id = target.threat_id;
      else if (!incident.entities.alert_ids.empty()) checkpoint.alert_note_alert_id = incident.entities.alert_ids.front();
    }
    if (decision.deliver_tags && !target.threat_id.empty()) checkpoint.tags_threat_id = target.threat_id;
    if (config_.send_ai_events && services_.ai_events != nullptr) {
      checkpoint.events = build_ai_events({key, incident, output, packed.pack, checkpoint.tags});
      checkpoint.send_events = true;
    }
  }
  std::string checkpoint_error;
  std::optional<JobCheckpoint> to_deliver =
      co_await checkpoint_before_delivery(&services_, std::move(checkpoint), audit, lc, &checkpoint_error);
  if (!to_deliver) co_return JobOutcome::retry("checkpoint: " + checkpoint_error);
  co_return co_await deliver_checkpoint(&services_, std::move(*to_deliver), false, trace, std::move(incident), audit,
                                        timer);
}

}  // namespace triagent
