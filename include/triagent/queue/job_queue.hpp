#pragma once
// JobQueue: the durable queue between webhook intake and the workers.
//
// Delivery is at least once. A job moves queued -> leased -> done, or back to queued with a later
// visibility time after a failure, or to dead after max_attempts. A lease that is not acked before
// it expires makes the job visible again (a crashed worker's job runs again).
//
// Every operation is asynchronous and completes through a callback, invoked exactly once, on a
// thread of the queue's own (never the caller's). The SQLite backend runs every operation on one
// writer thread and commits many of them per transaction (group commit), so `enqueue` completes
// only after the job is durable, without one fsync per webhook.
//
//   queue.enqueue(NewJob{.dedupe_key = inc.dedupe_key(), .payload = json.dump()},
//                 [](Result<EnqueueOutcome> r) { /* answer 202 with r->job_id */ });

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent {

enum class JobState { queued, leased, done, dead };
const char* to_string(JobState s);
std::optional<JobState> parse_job_state(std::string_view text);

struct NewJob {
  std::string kind = "enrich";   // what the job does; selects the pipeline
  std::string dedupe_key;        // unique across all jobs ever queued (until purged); required
  std::string payload;           // JSON text
  std::string traceparent;       // W3C trace context of the webhook that created it
  int max_attempts = 0;          // 0: the queue's default
};

struct EnqueueOutcome {
  std::int64_t job_id = 0;
  bool duplicate = false;  // true: a job with this dedupe key already existed; job_id is that job's
};

// A leased job. (id, lease_owner, attempts) is the fencing token: an ack or fail that does not
// match all three (because the lease expired and someone else leased the job) changes nothing.
struct LeasedJob {
  std::int64_t id = 0;
  std::string kind;
  std::string payload;
  std::string traceparent;
  std::string lease_owner;
  int attempts = 0;      // including this one
  int max_attempts = 0;
  std::int64_t lease_expires_ms = 0;
};

struct JobRecord {
  std::int64_t id = 0;
  std::string kind;
  std::string dedupe_key;
  JobState state = JobState::queued;
  std::string payload;
  std::string result;        // JSON text set by ack; empty until done
  std::string last_error;
  std::string traceparent;
  int attempts = 0;
  int max_attempts = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::int64_t visible_ms = 0;  // when a queued job may next be leased
};

struct QueueStats {
  std::int64_t ready = 0;    // queued (visible now or later)
  std::int64_t leased = 0;
  std::int64_t done = 0;
  std::int64_t dead = 0;
  std::int64_t oldest_ready_created_ms = 0;  // 0 when nothing is ready
};

class JobQueue {
 public:
  template <class T>
  using Callback = std::function<void(Result<T>)>;

  virtual ~JobQueue() = default;

  // Durable before the callback runs. A duplicate dedupe key is not an error.
  // Fails with ErrorCode::overloaded when the number of queued jobs is at the configured maximum.
  virtual void enqueue(NewJob job, Callback<EnqueueOutcome> done) = 0;

  // Leases up to `max_jobs` visible jobs for `owner`, oldest first.
  virtual void lease(std::string owner, int max_jobs, Callback<std::vector<LeasedJob>> done) = 0;

  // Marks the job done and stores `result_json`. Result is false when the fencing token no longer
  // matches (the lease was lost): nothing changed.
  virtual void ack(const LeasedJob& job, std::string result_json, Callback<bool> done) = 0;

  // Records a failure. If attempts remain and `retryable`, the job is queued again after a
  // full-jitter exponential backoff (or exactly `retry_after_ms` when given, e.g. an upstream's
  // Retry-After); otherwise it goes to dead with `error` as its reason. Fenced like ack.
  virtual void fail(const LeasedJob& job, std::string error, bool retryable,
                    std::optional<std::int64_t> retry_after_ms, Callback<bool> done) = 0;

  // Gives a lease back without counting an attempt (shutdown, upstream circuit open): the job is
  // visible again at once. Fenced like ack.
  virtual void release(const LeasedJob& job, Callback<bool> done) = 0;

  // Extends a lease by the queue's lease duration (a heartbeat for long jobs). Fenced like ack.
  virtual void extend(const LeasedJob& job, Callback<bool> done) = 0;

  virtual void get(std::int64_t id, Callback<std::optional<JobRecord>> done) = 0;
  // Jobs in `state`, newest first, at most `limit`.
  virtual void list(JobState state, int limit, Callback<std::vector<JobRecord>> done) = 0;
  // Puts a dead or done job back to queued with its attempts reset. ErrorCode::not_found for an
  // unknown id, ErrorCode::conflict for a job that is queued or leased.
  virtual void replay(std::int64_t id, Callback<JobRecord> done) = 0;
  virtual void stats(Callback<QueueStats> done) = 0;

  // Jobs queued and not yet done or dead, as last known without touching the database: cheap
  // enough for every webhook's back-pressure check.
  virtual std::int64_t approximate_depth() const = 0;

  // Completes every operation already submitted, then stops the writer thread. Operations
  // submitted afterwards fail with ErrorCode::unavailable.
  virtual void close() = 0;
};

}  // namespace triagent
