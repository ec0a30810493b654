#include "triagent/pipeline/delivery_runner.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "triagent/pipeline/note_render.hpp"

namespace triagent {

namespace asio = boost::asio;

namespace {

using BlockingRunner = Deliverer::BlockingRunner;

// What one sink write did.
struct StepWrite {
  std::string ref;     // kept in the ledger as external_ref
  bool posted = false;
  std::string detail;
};

asio::awaitable<void> off_reactor(const BlockingRunner& run, std::function<void()> work) {
  if (run) {
    co_await run(std::move(work));
  } else {
    work();
  }
}

// The ledger calls, each hoisted into a named std::function (GCC 12: no capturing lambda may be a
// temporary inside a co_await expression).
asio::awaitable<Result<DeliveryBegin>> ledger_begin(DeliveryLedger& ledger, const BlockingRunner& run,
                                                    const std::string& job, DeliveryStep step, const std::string& target) {
  std::optional<Result<DeliveryBegin>> out;
  std::function<void()> work = [&] { out.emplace(ledger.begin(job, step, target)); };
  co_await off_reactor(run, std::move(work));
  co_return std::move(*out);
}

asio::awaitable<Result<void>> ledger_complete(DeliveryLedger& ledger, const BlockingRunner& run, const std::string& job,
                                              DeliveryStep step, const std::string& ref) {
  std::optional<Result<void>> out;
  std::function<void()> work = [&] { out.emplace(ledger.complete(job, step, ref)); };
  co_await off_reactor(run, std::move(work));
  co_return std::move(*out);
}

asio::awaitable<Result<void>> ledger_fail(DeliveryLedger& ledger, const BlockingRunner& run, const std::string& job,
                                          DeliveryStep step, const std::string& message) {
  std::optional<Result<void>> out;
  std::function<void()> work = [&] { out.emplace(ledger.fail(job, step, message)); };
  co_await off_reactor(run, std::move(work));
  co_return std::move(*out);
}

CallOptions call_options(const DeliveryPlan& plan) {
  CallOptions options;
  options.trace = plan.trace;
  return options;
}

Result<StepWrite> from_note_write(const Result<NoteWrite>& w, const char* what) {
  if (!w) return w.error();
  if (!w->posted) return StepWrite{"marker-present", false, "marker already present: not posted again"};
  // 200 with affected 0: the filter matched no threat (a wrong id, out of the token's scope).
  if (w->affected == 0) {
    return Error{ErrorCode::not_found, std::string(what) + ": the API answered affected 0 (no such threat in scope)"};
  }
  return StepWrite{"affected=" + std::to_string(w->affected), true, "posted"};
}

asio::awaitable<Result<StepWrite>> write_note(const DeliveryPlan& plan, SingularityThreats& threats) {
  auto marker = note_marker(plan.job_id);
  if (!marker) co_return marker.error();
  if (plan.note_text.find(*marker) == std::string::npos) {
    co_return Error{ErrorCode::invalid_argument, "delivery note: the note text lacks the job's marker " + *marker};
  }
  auto w = co_await threats.add_note_once(plan.note_threat_id, *marker, plan.note_text, call_options(plan));
  co_return from_note_write(w, "delivery note");
}

asio::awaitable<Result<StepWrite>> write_alert_note(const DeliveryPlan& plan, SingularityAlertsGraphql& alerts) {
  auto marker = note_marker(plan.job_id);
  if (!marker) co_return marker.error();
  if (plan.note_text.find(*marker) == std::string::npos) {
    co_return Error{ErrorCode::invalid_argument, "delivery alert note: the note text lacks the job's marker " + *marker};
  }
  auto w = co_await alerts.add_alert_note_once(plan.alert_note_alert_id, *marker, plan.note_text, call_options(plan));
  if (!w) co_return w.error();
  if (!w->posted) co_return StepWrite{"marker-present", false, "marker already present: not posted again"};
  co_return StepWrite{"alert:" + plan.alert_note_alert_id, true, "posted"};
}

// "[triagent:job-42 tags]": names the job's tags note. A job id holds no space, so this is never
// another job's marker and never contains this job's case-note marker "[triagent:job-42]".
Result<std::string> tags_job_marker(const std::string& job_id) {
  auto marker = note_marker(job_id);
  if (!marker) return marker.error();
  marker->insert(marker->size() - 1, " tags");
  return marker;
}

// The tag set is derived from the analysis, which a retry without a checkpoint to resume from (one
// over the size limit, a crash before it was saved) recomputes, and a model seldom answers twice
// alike, so the tag-set text alone cannot find what an interrupted attempt posted:
// the note also carries the job's own marker, and either one found means "already written". The
// tag-set text still spares a second note when another job already wrote the same tags.
asio::awaitable<Result<StepWrite>> write_tags(const DeliveryPlan& plan, SingularityThreats& threats) {
  if (plan.tags.empty()) co_return StepWrite{"none", false, "no tags to write"};
  auto tags_text = tags_note_text(plan.tags);
  if (!tags_text) co_return tags_text.error();
  auto job_marker = tags_job_marker(plan.job_id);
  if (!job_marker) co_return job_marker.error();
  auto notes = co_await threats.list_notes(plan.tags_threat_id, call_options(plan));
  if (!notes) co_return notes.error();
  for (const auto& note : *notes) {
    if (note.text.find(*job_marker) != std::string::npos || note.text.find(*tags_text) != std::string::npos) {
      co_return from_note_write(NoteWrite{}, "delivery tags");
    }
  }
  auto affected = co_await threats.add_note(plan.tags_threat_id, *tags_text + " " + *job_marker, call_options(plan));
  if (!affected) co_return affected.error();
  co_return from_note_write(NoteWrite{true, *affected}, "delivery tags");
}

asio::awaitable<Result<StepWrite>> write_events(const DeliveryPlan& plan, DataSetEventWriter& writer) {
  if (plan.events.empty()) co_return StepWrite{"none", false, "no events to write"};
  auto receipt = co_await writer.add(plan.events);
  if (!receipt) co_return receipt.error();
  co_return StepWrite{"events=" + std::to_string(receipt->events) + " session=" + writer.session_id(), true,
                      std::to_string(receipt->events) + " events"};
}

asio::awaitable<Result<StepWrite>> write_step(const DeliveryPlan& plan, DeliveryStep step,
                                              const DeliveryConnectors& c) {
  switch (step) {
    case DeliveryStep::note: co_return co_await write_note(plan, *c.threats);
    case DeliveryStep::alert_note: co_return co_await write_alert_note(plan, *c.alerts);
    case DeliveryStep::tags: co_return co_await write_tags(plan, *c.threats);
    case DeliveryStep::add_events: co_return co_await write_events(plan, *c.events);
  }
  co_return Error{ErrorCode::internal, "delivery: unknown step"};
}

asio::awaitable<DeliveryStepReport> run_step(DeliveryLedger& ledger, const BlockingRunner& run, const DeliveryPlan& plan,
                                             DeliveryStep step, std::string target, bool configured,
                                             const DeliveryConnectors& c) {
  DeliveryStepReport r;
  r.step = step;
  r.target = std::move(target);
  if (!configured) {
    r.outcome = DeliveryOutcome::not_configured;
    r.detail = "no connector for this sink";
    r.error = Error{ErrorCode::invalid_argument, std::string("delivery ") + to_string(step) + ": no connector configured"};
    co_return r;
  }
  auto begun = co_await ledger_begin(ledger, run, plan.job_id, step, r.target);
  if (!begun) {
    // Unrecorded writes are what the ledger exists to prevent: write nothing.
    r.outcome = DeliveryOutcome::failed;
    r.detail = "ledger unavailable: nothing written";
    r.error = begun.error();
    co_return r;
  }
  if (begun->already_done) {
    r.outcome = DeliveryOutcome::skipped;
    r.detail = "done by an earlier attempt";
    co_return r;
  }
  auto written = co_await write_step(plan, step, c);
  if (!written) {
    r.outcome = DeliveryOutcome::failed;
    r.error = written.error();
    r.detail = "attempt " + std::to_string(begun->attempt) + " failed";
    // Best effort: if this write fails too, the row stays `started` and the next attempt retries.
    (void)co_await ledger_fail(ledger, run, plan.job_id, step, written.error().message);
    co_return r;
  }
  r.posted = written->posted;
  r.detail = written->detail;
  auto recorded = co_await ledger_complete(ledger, run, plan.job_id, step, written->ref);
  if (!recorded) {
    r.outcome = DeliveryOutcome::failed;
    r.error = recorded.error();
    r.detail += "; not recorded in the ledger";
    co_return r;
  }
  r.outcome = DeliveryOutcome::done;
  co_return r;
}

// The Singularity writes, in the order an analyst reads them on the console: the note, then tags.
asio::awaitable<std::vector<DeliveryStepReport>> singularity_steps(DeliveryLedger& ledger, const BlockingRunner& run,
                                                                   const DeliveryPlan& plan, const DeliveryConnectors& c) {
  std::vector<DeliveryStepReport> out;
  if (!plan.note_threat_id.empty()) {
    out.push_back(co_await run_step(ledger, run, plan, DeliveryStep::note, "threat:" + plan.note_threat_id,
                                    c.threats != nullptr, c));
  }
  if (!plan.alert_note_alert_id.empty()) {
    out.push_back(co_await run_step(ledger, run, plan, DeliveryStep::alert_note, "alert:" + plan.alert_note_alert_id,
                                    c.alerts != nullptr, c));
  }
  if (!plan.tags_threat_id.empty()) {
    out.push_back(co_await run_step(ledger, run, plan, DeliveryStep::tags, "threat:" + plan.tags_threat_id,
                                    c.threats != nullptr, c));
  }
  co_return out;
}

asio::awaitable<std::vector<DeliveryStepReport>> dataset_steps(DeliveryLedger& ledger, const BlockingRunner& run,
                                                               const DeliveryPlan& plan, const DeliveryConnectors& c) {
  std::vector<DeliveryStepReport> out;
  if (plan.send_events) {
    out.push_back(co_await run_step(ledger, run, plan, DeliveryStep::add_events, "dataset", c.events != nullptr, c));
  }
  co_return out;
}

}  // namespace

const char* to_string(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::done: return "done";
    case DeliveryOutcome::skipped: return "skipped";
    case DeliveryOutcome::failed: return "failed";
    case DeliveryOutcome::not_configured: return "not_configured";
  }
  return "failed";
}

bool DeliveryReport::all_delivered() const {
  for (const auto& s : steps) {
    if (s.outcome != DeliveryOutcome::done && s.outcome != DeliveryOutcome::skipped) return false;
  }
  return true;
}

const DeliveryStepReport* DeliveryReport::find(DeliveryStep step) const {
  for (const auto& s : steps) {
    if (s.step == step) return &s;
  }
  return nullptr;
}

std::optional<Error> DeliveryReport::first_error() const {
  std::optional<Error> first;
  for (const auto& s : steps) {
    if (!s.error) continue;
    if (s.error->retry_after_ms) return s.error;
    if (!first) first = s.error;
  }
  return first;
}

Deliverer::Deliverer(DeliveryLedger& ledger, BlockingRunner run_blocking)
    : ledger_(ledger), run_blocking_(std::move(run_blocking)) {}

asio::awaitable<DeliveryReport> Deliverer::deliver(DeliveryPlan plan, DeliveryConnectors c) {
  // DataSet and Singularity are independent sinks: their writes run side by side, so a job's
  // delivery takes the longer of the two chains rather than their sum.
  using namespace asio::experimental::awaitable_operators;
  auto singularity = singularity_steps(ledger_, run_blocking_, plan, c);
  auto dataset = dataset_steps(ledger_, run_blocking_, plan, c);
  auto both = std::move(singularity) && std::move(dataset);
  auto [first, second] = co_await std::move(both);
  DeliveryReport report;
  report.steps = std::move(first);
  for (auto& s : second) report.steps.push_back(std::move(s));
  co_return report;
}

}  // namespace triagent
