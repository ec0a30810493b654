#pragma once
// DeliveryLedger: what the Deliver stage has already written for each job, one row per (job, step)
// in the SQLite table `deliveries`, so that a retried or restarted job skips the steps that are done.
//
//   auto ledger = DeliveryLedger::open("/var/lib/triagent/deliveries.db", SystemClock::instance());
//   auto begun = (*ledger)->begin("job-42", DeliveryStep::note, "threat:2287651234567890101");
//   if (begun && begun->already_done) skip();
//   else { post(); (*ledger)->complete("job-42", DeliveryStep::note, "affected=1"); }
//   // on an upstream error: (*ledger)->fail("job-42", DeliveryStep::note, error.message);
//
// A row is `started` from begin() until complete() or fail(). A row still `started` at the next
// begin() means the previous attempt died in between (a crash, a kill -9): the caller may have
// posted without recording it, which is why the note step also looks for its marker on the server.
//
// Durability: WAL journal; each call is one transaction and survives a process crash once it
// returns. complete(), fail() and finish() commit with synchronous=FULL, so they also survive a power loss;
// begin()'s `started` row is not fsynced on its own (a power loss may lose it, and the note steps'
// server-side marker check still stops a second post), which halves the fsyncs per job. busy_timeout 5 s lets other connections (a second
// process, the lead's tools) share the file. Calls are synchronous and thread-safe (one mutex); run
// them off the reactor (see Deliverer's BlockingRunner).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

enum class DeliveryStep { note, alert_note, tags, add_events };
enum class DeliveryStatus { started, done, failed };

const char* to_string(DeliveryStep step);      // "note", "alert_note", "tags", "add_events"
const char* to_string(DeliveryStatus status);  // "started", "done", "failed"
std::optional<DeliveryStep> parse_delivery_step(std::string_view text);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view text);

struct DeliveryRecord {
  std::string job_id;
  DeliveryStep step = DeliveryStep::note;
  DeliveryStatus status = DeliveryStatus::started;
  std::string target;        // "threat:<id>", "alert:<id>", "dataset:<session>"
  std::string external_ref;  // what the sink answered (an affected count, an event count)
  int attempt = 0;           // begin() calls that did not find the step done
  std::string last_error;    // the last fail() message, "" otherwise
  std::int64_t updated_at_ms = 0;
};

// One step to mark started, and one step's outcome, for the calls that take several at once.
struct DeliveryStepStart {
  DeliveryStep step = DeliveryStep::note;
  std::string target;
};
struct DeliveryStepEnd {
  DeliveryStep step = DeliveryStep::note;
  bool done = false;  // true: complete() with `text` as the external ref; false: fail() with `text`
  std::string text;
};

struct DeliveryBegin {
  bool already_done = false;  // nothing was written: the step is complete
  int attempt = 0;            // this attempt's number (1 for the first)
  bool interrupted = false;   // the previous attempt began and never completed nor failed
};

class DeliveryLedger {
 public:
  // Creates the file and the table when missing. unavailable when the file cannot be opened.
  static Result<std::unique_ptr<DeliveryLedger>> open(const std::string& path, const Clock& clock);
  ~DeliveryLedger();
  DeliveryLedger(const DeliveryLedger&) = delete;
  DeliveryLedger& operator=(const DeliveryLedger&) = delete;

  // Marks the step started (attempt + 1) unless it is done, in which case nothing changes.
  Result<DeliveryBegin> begin(std::string_view job_id, DeliveryStep step, std::string_view target);
  // begin() for each step, in one transaction: all are marked or none; the answers are in order.
  Result<std::vector<DeliveryBegin>> begin(std::string_view job_id, const std::vector<DeliveryStepStart>& steps);
  // Marks the step done with the sink's reference (also when begin() was never called).
  Result<void> complete(std::string_view job_id, DeliveryStep step, std::string_view external_ref);
  // Marks the step failed; the message is kept (at most 1000 bytes). A done step stays done.
  Result<void> fail(std::string_view job_id, DeliveryStep step, std::string_view message);
  // complete() or fail() for each outcome, in one transaction and one fsync.
  Result<void> finish(std::string_view job_id, const std::vector<DeliveryStepEnd>& ends);
  // The job's rows, in step order.
  Result<std::vector<DeliveryRecord>> steps(std::string_view job_id);

 private:
  struct Impl;
  explicit DeliveryLedger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace triagent
