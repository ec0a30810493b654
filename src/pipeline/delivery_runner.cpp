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
asio::awaitable<Result<std::vector<DeliveryBegin>>> ledger_begin(DeliveryLedger& ledger, const BlockingRunner& run,
                                                                 const std::string& job,
                                                                 const std::vector<DeliveryStepStart>& steps) {
  std::optional<Result<std::vector<DeliveryBegin>>> out;
  std::function<void()> work = [&] { out.emplace(ledger.begin(job, steps)); };
  co_await off_reactor(run, std::move(work));
  co_return std::move(*out);
}

asio::awaitable<Result<void>> ledger_finish(DeliveryLedger& ledger, const BlockingRunner& run, const std::string& job,
                                            const std::vector<DeliveryStepEnd>& ends) {
  std::optional<Result<void>> out;
  std::function<void()> work = [&] { out.emplace(ledger.finish(job, ends)); };
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

// A threat's notes, listed once per delivery: the note and tags steps both look for their markers
// in the same listing (one GET instead of two on every job's critical path). The case note posted
// in between cannot change the tags step's answer: its only "[triagent:" marker is its own
// (note_text::neutralize_markers).
class ThreatNotesOnce {
 public:
  asio::awaitable<Result<std::vector<ThreatNote>>> get(SingularityThreats& threats, const std::string& threat_id,
                                                       CallOptions options) {
    if (threat_id_ != threat_id || !listed_ || !*listed_) {  // a failed listing is asked again
      threat_id_ = threat_id;
      listed_.emplace(co_await threats.list_notes(threat_id, std::move(options)));
    }
    co_return *listed_;
  }

 private:
  std::string threat_id_;
  std::optional<Result<std::vector<ThreatNote>>> listed_;
};

bool any_note_holds(const std::vector<ThreatNote>& notes, const std::string& text) {
  for (const auto& note : notes) {
    if (note.text.find(text) != std::string::npos) return true;
  }
  return false;
}

// SingularityThreats::add_note_once, on the shared listing.
asio::awaitable<Result<StepWrite>> write_note(const DeliveryPlan& plan, SingularityThreats& threats,
                                              ThreatNotesOnce& listing) {
  auto marker = note_marker(plan.job_id);
  if (!marker) co_return marker.error();
  if (plan.note_text.find(*marker) == std::string::npos) {
    co_return Error{ErrorCode::invalid_argument, "delivery note: the note text lacks the job's marker " + *marker};
  }
  auto notes = co_await listing.get(threats, plan.note_threat_id, call_options(plan));
  if (!notes) co_return notes.error();
  if (any_note_holds(*notes, *marker)) co_return from_note_write(NoteWrite{}, "delivery note");
  auto affected = co_await threats.add_note(plan.note_threat_id, plan.note_text, call_options(plan));
  if (!affected) co_return affected.error();
  co_return from_note_write(NoteWrite{true, *affected}, "delivery note");
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
asio::awaitable<Result<StepWrite>> write_tags(const DeliveryPlan& plan, SingularityThreats& threats,
                                              ThreatNotesOnce& listing) {
  if (plan.tags.empty()) co_return StepWrite{"none", false, "no tags to write"};
  auto tags_text = tags_note_text(plan.tags);
  if (!tags_text) co_return tags_text.error();
  auto job_marker = tags_job_marker(plan.job_id);
  if (!job_marker) co_return job_marker.error();
  auto notes = co_await listing.get(threats, plan.tags_threat_id, call_options(plan));
  if (!notes) co_return notes.error();
  if (any_note_holds(*notes, *job_marker) || any_note_holds(*notes, *tags_text)) {
    co_return from_note_write(NoteWrite{}, "delivery tags");
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
                                              const DeliveryConnectors& c, ThreatNotesOnce& listing) {
  switch (step) {
    case DeliveryStep::note: co_return co_await write_note(plan, *c.threats, listing);
    case DeliveryStep::alert_note: co_return co_await write_alert_note(plan, *c.alerts);
    case DeliveryStep::tags: co_return co_await write_tags(plan, *c.threats, listing);
    case DeliveryStep::add_events: co_return co_await write_events(plan, *c.events);
  }
  co_return Error{ErrorCode::internal, "delivery: unknown step"};
}

// One requested step on its way through the ledger.
struct PlannedStep {
  DeliveryStepReport report;
  bool configured = false;
  DeliveryBegin begun;
};

PlannedStep planned(DeliveryStep step, std::string target, bool configured) {
  PlannedStep p;
  p.report.step = step;
  p.report.target = std::move(target);
  p.configured = configured;
  if (!configured) {
    p.report.outcome = DeliveryOutcome::not_configured;
    p.report.detail = "no connector for this sink";
    p.report.error = Error{ErrorCode::invalid_argument, std::string("delivery ") + to_string(step) + ": no connector configured"};
  }
  return p;
}

// The Singularity writes, in the order an analyst reads them on the console: the note, then tags.
std::vector<PlannedStep> singularity_steps(const DeliveryPlan& plan, const DeliveryConnectors& c) {
  std::vector<PlannedStep> out;
  if (!plan.note_threat_id.empty()) {
    out.push_back(planned(DeliveryStep::note, "threat:" + plan.note_threat_id, c.threats != nullptr));
  }
  if (!plan.alert_note_alert_id.empty()) {
    out.push_back(planned(DeliveryStep::alert_note, "alert:" + plan.alert_note_alert_id, c.alerts != nullptr));
  }
  if (!plan.tags_threat_id.empty()) {
    out.push_back(planned(DeliveryStep::tags, "threat:" + plan.tags_threat_id, c.threats != nullptr));
  }
  return out;
}

std::vector<PlannedStep> dataset_steps(const DeliveryPlan& plan, const DeliveryConnectors& c) {
  std::vector<PlannedStep> out;
  if (plan.send_events) out.push_back(planned(DeliveryStep::add_events, "dataset", c.events != nullptr));
  return out;
}

// Runs one sink's steps in order (a failing step does not stop the next), then records their
// outcomes in one ledger transaction. Recording at the chain's end rather than after each write
// widens no crash window that matters: a step left `started` is checked on the server by the next
// attempt (the notes' markers), and add_events, which cannot be checked, is a chain of its own.
asio::awaitable<void> run_chain(DeliveryLedger& ledger, const BlockingRunner& run, const DeliveryPlan& plan,
                                std::vector<PlannedStep>& chain, const DeliveryConnectors& c) {
  std::vector<DeliveryStepEnd> ends;
  std::vector<PlannedStep*> written;  // in `ends` as done: their outcome waits for the ledger
  ThreatNotesOnce listing;
  for (auto& p : chain) {
    if (!p.configured) continue;
    DeliveryStepReport& r = p.report;
    if (p.begun.already_done) {
      r.outcome = DeliveryOutcome::skipped;
      r.detail = "done by an earlier attempt";
      continue;
    }
    auto w = co_await write_step(plan, r.step, c, listing);
    if (!w) {
      r.outcome = DeliveryOutcome::failed;
      r.error = w.error();
      r.detail = "attempt " + std::to_string(p.begun.attempt) + " failed";
      ends.push_back({r.step, false, w.error().message});
      continue;
    }
    r.posted = w->posted;
    r.detail = w->detail;
    ends.push_back({r.step, true, w->ref});
    written.push_back(&p);
  }
  if (ends.empty()) co_return;
  auto recorded = co_await ledger_finish(ledger, run, plan.job_id, ends);
  // A failure that is not recorded leaves its row `started`, and the next attempt retries it.
  for (PlannedStep* p : written) {
    if (recorded) {
      p->report.outcome = DeliveryOutcome::done;
    } else {
      p->report.outcome = DeliveryOutcome::failed;
      p->report.error = recorded.error();
      p->report.detail += "; not recorded in the ledger";
    }
  }
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
  std::vector<PlannedStep> singularity = singularity_steps(plan, c);
  std::vector<PlannedStep> dataset = dataset_steps(plan, c);
  DeliveryReport report;
  auto report_all = [&] {
    for (auto* chain : {&singularity, &dataset}) {
      for (auto& p : *chain) report.steps.push_back(std::move(p.report));
    }
  };

  // Every step is marked started in one ledger transaction before anything is written.
  std::vector<DeliveryStepStart> starts;
  std::vector<PlannedStep*> started;
  for (auto* chain : {&singularity, &dataset}) {
    for (auto& p : *chain) {
      if (!p.configured) continue;
      starts.push_back({p.report.step, p.report.target});
      started.push_back(&p);
    }
  }
  if (!starts.empty()) {
    auto begun = co_await ledger_begin(ledger_, run_blocking_, plan.job_id, starts);
    if (!begun) {
      // Unrecorded writes are what the ledger exists to prevent: write nothing.
      for (PlannedStep* p : started) {
        p->report.outcome = DeliveryOutcome::failed;
        p->report.detail = "ledger unavailable: nothing written";
        p->report.error = begun.error();
      }
      report_all();
      co_return report;
    }
    for (std::size_t i = 0; i < started.size(); ++i) started[i]->begun = (*begun)[i];
  }

  // DataSet and Singularity are independent sinks: their writes run side by side, so a job's
  // delivery takes the longer of the two chains rather than their sum.
  using namespace asio::experimental::awaitable_operators;
  auto both = run_chain(ledger_, run_blocking_, plan, singularity, c) && run_chain(ledger_, run_blocking_, plan, dataset, c);
  co_await std::move(both);
  report_all();
  co_return report;
}

}  // namespace triagent
