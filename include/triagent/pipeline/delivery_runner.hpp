#pragma once
// Deliverer: stage 9 of the enrichment pipeline. Writes one job's results to the configured sinks
// (the case note on a Singularity threat, or on a UAM alert through GraphQL; the threat's tags; the
// ai_* events in DataSet), each step at most once per job, and reports what each step did.
//
//   Deliverer deliverer(*ledger, run_blocking);     // ledger: DeliveryLedger, shared by all workers
//   DeliveryPlan plan;
//   plan.job_id = "job-42"; plan.trace = trace;
//   plan.note_text = *render_case_note(note_input);              // starts with "[triagent:job-42]"
//   plan.tags = render_tags(analysis);
//   plan.events = build_ai_events(events_input);
//   plan.note_threat_id = plan.tags_threat_id = "2287651234567890101";
//   plan.send_events = true;
//   DeliveryReport r = co_await deliverer.deliver(plan, {&threats, &uam, &writer});
//   if (!r.all_delivered()) requeue_after(r.first_error());  // the job runner decides
//
// Idempotency, step by step: a step the ledger records as done is skipped. Otherwise the ledger
// marks it started, the write is made, and the ledger marks it done (or failed, with the message).
// The ledger is asked twice per sink, not twice per step: one transaction marks every step started,
// and each sink's outcomes are recorded together when its last step ends.
//  - note: the threat's notes are listed and the note is posted only when none holds the job's
//    marker, which also covers a crash between the post and the ledger write: the retry finds the
//    note. The tags step looks in the same listing (the case note holds no tags marker).
//  - tags: the note "[triagent:tags: a, b] [triagent:job-42 tags]" is posted unless a note already
//    holds the job's tags marker or the same tag-set text. The job marker is what finds an
//    interrupted attempt's note when the retry's tags differ (a retry that had no checkpoint to
//    resume from re-ran the analysis, see enrichment_runner.hpp).
//  - alert_note: add_alert_note_once lists the UAM alert's notes (GraphQL alertNotes) and posts
//    only when none holds the job's marker, as for the threat note. UAM writes are eventually
//    consistent (apis.md B.7): a retry seconds after the crash could still miss the note.
//  - add_events: DataSet cannot be asked first (see delivery_events.hpp): the same crash window
//    sends identical events again, which share a deterministic triagent_event_id.
// The runner saves the plan's content in a JobCheckpoint before calling deliver(), so every attempt
// of a job hands the same note, tags and events here.
// The Singularity steps run in order (note, alert note, tags); the DataSet step runs beside them,
// and the report lists the steps in step order. A failing step does not stop the others. Ledger
// calls are synchronous SQLite writes (three per job, whatever the number of steps); pass a BlockingRunner to run them on a blocking pool, e.g.
//   boost::asio::awaitable<void> run_now(std::function<void()> work) { work(); co_return; }
//   Deliverer::BlockingRunner r = [&pool](std::function<void()> w) {
//     return boost::asio::co_spawn(pool, run_now(std::move(w)), boost::asio::use_awaitable); };
// Without one they run inline on the calling executor. The connectors and the ledger must outlive
// the call; the object holds no threads.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/delivery_ledger.hpp"

namespace triagent {

struct DeliveryPlan {
  std::string job_id;
  std::optional<TraceContext> trace;
  Incident incident;
  std::string note_text;               // must contain note_marker(job_id)
  std::vector<std::string> tags;       // normalized (render_tags)
  std::vector<DataSetEvent> events;    // build_ai_events
  std::string note_threat_id;          // non-empty: post note_text on this threat
  std::string alert_note_alert_id;     // non-empty: post note_text on this UAM alert
  std::string tags_threat_id;          // non-empty: label this threat with `tags`
  bool send_events = false;            // write `events` to DataSet
};

// Any may be null: a requested step whose connector is missing is reported not_configured.
struct DeliveryConnectors {
  SingularityThreats* threats = nullptr;
  SingularityAlertsGraphql* alerts = nullptr;
  DataSetEventWriter* events = nullptr;
};

enum class DeliveryOutcome {
  done,            // written now, or found already written on the server (see `posted`)
  skipped,         // the ledger says an earlier attempt finished it
  failed,          // `error` says why; retryable when error->retry_after_ms or unavailable/timeout
  not_configured,  // requested, but no connector was given
};
const char* to_string(DeliveryOutcome outcome);

struct DeliveryStepReport {
  DeliveryStep step = DeliveryStep::note;
  DeliveryOutcome outcome = DeliveryOutcome::failed;
  std::string target;            // "threat:<id>", "alert:<id>", "dataset"
  bool posted = false;           // a write request was accepted in this attempt
  std::string detail;            // "posted", "marker already present", "12 events", ...
  std::optional<Error> error;
};

struct DeliveryReport {
  std::vector<DeliveryStepReport> steps;  // only the requested steps, in step order

  // Every requested step is done or skipped.
  bool all_delivered() const;
  const DeliveryStepReport* find(DeliveryStep step) const;
  // The first failed step's error (a retry_after_ms among them wins), nullopt when none failed.
  std::optional<Error> first_error() const;
};

class Deliverer {
 public:
  using BlockingRunner = std::function<boost::asio::awaitable<void>(std::function<void()>)>;

  explicit Deliverer(DeliveryLedger& ledger, BlockingRunner run_blocking = {});

  boost::asio::awaitable<DeliveryReport> deliver(DeliveryPlan plan, DeliveryConnectors connectors);

 private:
  DeliveryLedger& ledger_;
  BlockingRunner run_blocking_;
};

}  // namespace triagent
