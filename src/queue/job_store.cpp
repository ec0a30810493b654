// JobStore's operations: the SQL behind each JobQueue method.
#include "queue/job_store.hpp"

#include <algorithm>

namespace triagent::queue_detail {

namespace {

constexpr const char* kLastAttemptExpired = "lease expired on the last attempt (worker crashed or timed out)";

// Column order read by read_record().
const std::string kRecordColumns =
    "id, kind, dedupe_key, state, payload, result, last_error, traceparent, attempts, max_attempts, "
    "created_at, updated_at, visible_at";
const std::string kGetSql = "SELECT " + kRecordColumns + " FROM jobs WHERE id = ?1";
// jobs_state_updated holds every job but the queued ones (schema version 3), and SQLite uses it only
// when a query's WHERE repeats its condition: every query below that should use it says
// `state <> 'queued'` and names it (INDEXED BY makes a plan without it an error, not a table scan).
// Queued jobs are found through jobs_live, whose condition is repeated the same way.
const std::string kListSql = "SELECT " + kRecordColumns +
                             " FROM jobs INDEXED BY jobs_state_updated WHERE state = ?1 AND state <> 'queued'"
                             " ORDER BY updated_at DESC, id DESC LIMIT ?2";
const std::string kListQueuedSql = "SELECT " + kRecordColumns +
                                   " FROM jobs INDEXED BY jobs_live"
                                   " WHERE state = 'queued' AND state IN ('queued', 'leased')"
                                   " ORDER BY updated_at DESC, id DESC LIMIT ?1";
// last_error stays, so the reason of the previous run is visible until the next run ends.
const std::string kReplaySql =
    "UPDATE jobs SET state = 'queued', attempts = 0, visible_at = ?2, lease_owner = '', result = '', "
    "updated_at = ?2 WHERE id = ?1 RETURNING " + kRecordColumns;

JobRecord read_record(const Statement& st) {
  JobRecord r;
  r.id = st.column_int(0);
  r.kind = st.column_text(1);
  r.dedupe_key = st.column_text(2);
  r.state = parse_job_state(st.column_text(3)).value_or(JobState::dead);
  r.payload = st.column_text(4);
  r.result = st.column_text(5);
  r.last_error = st.column_text(6);
  r.traceparent = st.column_text(7);
  r.attempts = static_cast<int>(st.column_int(8));
  r.max_attempts = static_cast<int>(st.column_int(9));
  r.created_ms = st.column_int(10);
  r.updated_ms = st.column_int(11);
  r.visible_ms = st.column_int(12);
  return r;
}

Error invalid(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

// Cuts at a UTF-8 character boundary so that the stored text stays valid UTF-8.
std::string truncate_utf8(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

Result<void> check_token(const LeasedJob& job) {
  if (job.id <= 0 || job.lease_owner.empty() || job.attempts <= 0) return invalid("not a leased job");
  return {};
}

}  // namespace

bool JobStore::row_holds_key(std::int64_t id, std::string_view key, std::optional<Error>& error) {
  auto st = db_->statement("SELECT dedupe_key FROM jobs WHERE id = ?1");
  if (!st) {
    error = st.error();
    return false;
  }
  StatementUse use(**st);
  (*st)->bind(1, id);
  switch ((*st)->step()) {
    case StepResult::row: return (*st)->column_text(0) == key;
    case StepResult::done: return false;
    case StepResult::error: error = db_->last_error("dedupe key"); return false;
  }
  return false;
}

Result<EnqueueOutcome> JobStore::enqueue(const NewJob& job) {
  if (job.dedupe_key.empty()) return invalid("dedupe_key is required");
  if (job.dedupe_key.size() > kMaxDedupeKeyBytes) return invalid("dedupe_key is too long");
  if (job.kind.empty() || job.kind.size() > kMaxKindBytes) return invalid("kind is empty or too long");
  if (job.traceparent.size() > kMaxTraceparentBytes) return invalid("traceparent is too long");
  if (job.max_attempts < 0) return invalid("max_attempts is negative");

  // A duplicate is answered even when the queue is full: the sender's job is already safe.
  std::optional<Error> read_error;
  auto existing =
      dedupe_.find(job.dedupe_key, [&](std::int64_t id) { return row_holds_key(id, job.dedupe_key, read_error); });
  if (read_error) return *read_error;
  if (existing) return EnqueueOutcome{*existing, true};
  if (batch_depth_ >= options_.max_depth) {
    return make_error(ErrorCode::overloaded, "queue is full (" + std::to_string(batch_depth_) + " jobs)");
  }

  const std::int64_t now = clock_.now_ms();
  // No RETURNING: SQLite buffers a RETURNING row in an ephemeral table, about 7,000 instructions
  // and 8 KB of zeroed memory per insert (callgrind, 20,000 inserts in batches of 20).
  // The id is given here (see next_id_). The key is new (dedupe_ holds every key of the table).
  auto st = db_->statement(
      "INSERT INTO jobs (id, kind, dedupe_key, payload, state, visible_at, max_attempts, traceparent, created_at, "
      "updated_at) VALUES (?7, ?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?4, ?4)");
  if (!st) return st.error();
  {
    StatementUse use(**st);  // resets the statement before `job`, whose text is bound unowned, can go
    (*st)->bind_unowned(1, job.kind);
    (*st)->bind_unowned(2, job.dedupe_key);
    (*st)->bind_unowned(3, job.payload);
    (*st)->bind(4, now);
    (*st)->bind(5, std::int64_t{job.max_attempts > 0 ? job.max_attempts : options_.default_max_attempts});
    (*st)->bind_unowned(6, job.traceparent);
    (*st)->bind(7, next_id_);
    if ((*st)->step() != StepResult::done) return db_->last_error("enqueue");
  }
  const std::int64_t id = next_id_++;
  dedupe_.stage(job.dedupe_key, id);
  ++batch_depth_;
  return EnqueueOutcome{id, false};
}

Result<std::int64_t> JobStore::dead_letter_expired_last_attempts(std::int64_t now) {
  auto st = db_->statement(
      "UPDATE jobs INDEXED BY jobs_state_updated SET state = 'dead', lease_owner = '', last_error = ?2, "
      "updated_at = ?1 WHERE state = 'leased' AND state <> 'queued' AND visible_at <= ?1 AND "
      "attempts >= max_attempts");
  if (!st) return st.error();
  StatementUse use(**st);
  (*st)->bind(1, now);
  (*st)->bind(2, std::string_view(kLastAttemptExpired));
  if (auto r = (*st)->run(); !r) return r.error();
  return db_->changes();
}

Result<std::vector<LeasedJob>> JobStore::lease(const std::string& owner, int max_jobs) {
  if (owner.empty() || owner.size() > kMaxOwnerBytes) return invalid("lease owner is empty or too long");
  if (max_jobs <= 0) return invalid("max_jobs must be positive");
  max_jobs = std::min(max_jobs, kMaxLeaseBatch);
  const std::int64_t now = clock_.now_ms();

  // A job whose last attempt's lease ran out is not leased once more: it goes to dead.
  // (INDEXED BY below: on a young table the planner would otherwise sort every live job by id.)
  auto expired = dead_letter_expired_last_attempts(now);
  if (!expired) return expired.error();
  batch_depth_ -= *expired;

  // Read the jobs, then lease each by id: an UPDATE ... WHERE id IN (subquery) RETURNING builds
  // two ephemeral tables per call (the IN list and the RETURNING rows) and copies every payload into
  // one. This runs inside the writer's transaction, so nothing changes between the two.
  const std::int64_t visible_at = now + std::int64_t{options_.lease_seconds} * 1000;
  std::vector<LeasedJob> jobs;
  {
    auto pick = db_->statement(
        "SELECT id, kind, payload, traceparent, attempts, max_attempts FROM jobs INDEXED BY jobs_live "
        "WHERE state IN ('queued', 'leased') AND visible_at <= ?1 ORDER BY id LIMIT ?2");
    if (!pick) return pick.error();
    StatementUse use(**pick);
    (*pick)->bind(1, now);
    (*pick)->bind(2, std::int64_t{max_jobs});
    for (;;) {
      auto step = (*pick)->step();
      if (step == StepResult::done) break;
      if (step == StepResult::error) return db_->last_error("lease");
      LeasedJob j;
      j.id = (*pick)->column_int(0);
      j.kind = (*pick)->column_text(1);
      j.payload = (*pick)->column_text(2);
      j.traceparent = (*pick)->column_text(3);
      j.lease_owner = owner;
      j.attempts = static_cast<int>((*pick)->column_int(4)) + 1;
      j.max_attempts = static_cast<int>((*pick)->column_int(5));
      j.lease_expires_ms = visible_at;
      jobs.push_back(std::move(j));
    }
  }
  auto take = db_->statement(
      "UPDATE jobs SET state = 'leased', lease_owner = ?2, visible_at = ?3, attempts = attempts + 1, updated_at = ?4 "
      "WHERE id = ?1");
  if (!take) return take.error();
  for (const LeasedJob& j : jobs) {
    StatementUse use(**take);
    (*take)->bind(1, j.id);
    (*take)->bind(2, owner);
    (*take)->bind(3, visible_at);
    (*take)->bind(4, now);
    if (auto r = (*take)->run(); !r) return r.error();
  }
  return jobs;
}

Result<bool> JobStore::fenced_update(std::string_view sql, const LeasedJob& job,
                                     const std::function<void(Statement&)>& bind_rest) {
  if (auto r = check_token(job); !r) return r.error();
  auto st = db_->statement(sql);
  if (!st) return st.error();
  StatementUse use(**st);
  (*st)->bind(1, job.id);
  (*st)->bind(2, job.lease_owner);
  (*st)->bind(3, std::int64_t{job.attempts});
  bind_rest(**st);
  if (auto r = (*st)->run(); !r) return r.error();
  return db_->changes() == 1;
}

Result<bool> JobStore::ack(const LeasedJob& job, const std::string& result_json) {
  const std::int64_t now = clock_.now_ms();
  auto r = fenced_update(
      "UPDATE jobs SET state = 'done', result = ?5, lease_owner = '', last_error = '', updated_at = ?4 "
      "WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'leased'",
      job, [&](Statement& st) {
        st.bind(4, now);
        st.bind(5, result_json);
      });
  if (r && *r) --batch_depth_;
  return r;
}

Result<bool> JobStore::fail(const LeasedJob& job, const std::string& error, bool retryable,
                            std::optional<std::int64_t> retry_after_ms) {
  if (auto r = check_token(job); !r) return r.error();
  const std::int64_t now = clock_.now_ms();
  const std::int64_t delay = retry_after_ms ? std::clamp<std::int64_t>(*retry_after_ms, 0, kMaxRetryAfterMs)
                                            : backoff_.delay_ms(job.attempts);
  // The attempts still allowed are read from the row, not from the caller's copy.
  auto st = db_->statement(
      "UPDATE jobs SET "
      "state = CASE WHEN ?4 AND attempts < max_attempts THEN 'queued' ELSE 'dead' END, "
      "visible_at = CASE WHEN ?4 AND attempts < max_attempts THEN ?5 + ?6 ELSE ?5 END, "
      "lease_owner = '', last_error = ?7, updated_at = ?5 "
      "WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'leased' "
      "RETURNING state");
  if (!st) return st.error();
  StatementUse use(**st);
  (*st)->bind(1, job.id);
  (*st)->bind(2, job.lease_owner);
  (*st)->bind(3, std::int64_t{job.attempts});
  (*st)->bind(4, std::int64_t{retryable ? 1 : 0});
  (*st)->bind(5, now);
  (*st)->bind(6, delay);
  (*st)->bind(7, truncate_utf8(error, kMaxErrorBytes));
  bool matched = false;
  for (;;) {
    auto step = (*st)->step();
    if (step == StepResult::done) break;
    if (step == StepResult::error) return db_->last_error("fail");
    matched = true;
    if ((*st)->column_text(0) == "dead") --batch_depth_;
  }
  return matched;
}

Result<bool> JobStore::release(const LeasedJob& job) {
  const std::int64_t now = clock_.now_ms();
  return fenced_update(
      "UPDATE jobs SET state = 'queued', lease_owner = '', visible_at = ?4, attempts = attempts - 1, "
      "updated_at = ?4 "
      "WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'leased'",
      job, [&](Statement& st) { st.bind(4, now); });
}

Result<bool> JobStore::extend(const LeasedJob& job) {
  const std::int64_t now = clock_.now_ms();
  return fenced_update(
      "UPDATE jobs SET visible_at = ?4 + ?5, updated_at = ?4 "
      "WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND state = 'leased'",
      job, [&](Statement& st) {
        st.bind(4, now);
        st.bind(5, std::int64_t{options_.lease_seconds} * 1000);
      });
}

Result<std::optional<JobRecord>> JobStore::get(std::int64_t id) {
  auto st = db_->statement(kGetSql);
  if (!st) return st.error();
  StatementUse use(**st);
  (*st)->bind(1, id);
  switch ((*st)->step()) {
    case StepResult::row: return std::optional<JobRecord>(read_record(**st));
    case StepResult::done: return std::optional<JobRecord>();
    case StepResult::error: break;
  }
  return db_->last_error("get");
}

Result<std::vector<JobRecord>> JobStore::list(JobState state, int limit) {
  if (limit <= 0) return invalid("limit must be positive");
  const bool queued = state == JobState::queued;
  auto st = db_->statement(queued ? kListQueuedSql : kListSql);
  if (!st) return st.error();
  StatementUse use(**st);
  const std::int64_t max_rows = std::min(limit, kMaxListLimit);
  if (queued) {
    (*st)->bind(1, max_rows);
  } else {
    (*st)->bind(1, std::string_view(to_string(state)));
    (*st)->bind(2, max_rows);
  }
  std::vector<JobRecord> records;
  for (;;) {
    auto step = (*st)->step();
    if (step == StepResult::done) break;
    if (step == StepResult::error) return db_->last_error("list");
    records.push_back(read_record(**st));
  }
  return records;
}

Result<JobRecord> JobStore::replay(std::int64_t id) {
  auto current = get(id);
  if (!current) return current.error();
  if (!*current) return make_error(ErrorCode::not_found, "no job " + std::to_string(id));
  const JobState state = (*current)->state;
  if (state == JobState::queued || state == JobState::leased) {
    return make_error(ErrorCode::conflict, "job " + std::to_string(id) + " is " + to_string(state));
  }
  auto st = db_->statement(kReplaySql);
  if (!st) return st.error();
  StatementUse use(**st);
  (*st)->bind(1, id);
  (*st)->bind(2, clock_.now_ms());
  if ((*st)->step() != StepResult::row) return db_->last_error("replay");
  JobRecord record = read_record(**st);
  if ((*st)->step() == StepResult::error) return db_->last_error("replay");
  ++batch_depth_;
  return record;
}

Result<QueueStats> JobStore::stats() {
  QueueStats stats;
  auto counts = db_->statement("SELECT state, COUNT(*) FROM jobs INDEXED BY jobs_state_updated WHERE state <> 'queued'"
                               " GROUP BY state");
  if (!counts) return counts.error();
  {
    StatementUse use(**counts);
    for (;;) {
      auto step = (*counts)->step();
      if (step == StepResult::done) break;
      if (step == StepResult::error) return db_->last_error("stats");
      const std::int64_t n = (*counts)->column_int(1);
      switch (parse_job_state((*counts)->column_text(0)).value_or(JobState::dead)) {
        case JobState::queued: break;  // not in this index: counted below
        case JobState::leased: stats.leased = n; break;
        case JobState::done: stats.done = n; break;
        case JobState::dead: stats.dead = n; break;
      }
    }
  }
  auto queued = db_->statement("SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM jobs INDEXED BY jobs_live "
                               "WHERE state = 'queued' AND state IN ('queued', 'leased')");
  if (!queued) return queued.error();
  StatementUse use(**queued);
  if ((*queued)->step() != StepResult::row) return db_->last_error("stats");
  stats.ready = (*queued)->column_int(0);
  stats.oldest_ready_created_ms = (*queued)->column_int(1);
  return stats;
}

}  // namespace triagent::queue_detail
