#include "triagent/pipeline/approval_store.hpp"

#include "pipeline/approval_sqlite.hpp"
#include "triagent/analysis/analysis_output_actions.hpp"
#include "triagent/audit/audit_record.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent {

namespace {

using sqlite::SqliteDb;
using sqlite::StatementUse;
using sqlite::StepResult;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  action TEXT NOT NULL,
  params_json TEXT NOT NULL,
  threat_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_hash TEXT NOT NULL,
  reason TEXT NOT NULL,
  confidence REAL NOT NULL,
  evidence_ids_json TEXT NOT NULL,
  target_state_json TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  decision_reason TEXT NOT NULL DEFAULT '',
  decided_at INTEGER NOT NULL DEFAULT 0,
  executed_at INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  UNIQUE (job_id, action_hash)
);
CREATE INDEX IF NOT EXISTS approvals_by_status ON approvals (status, expires_at);
)sql";

#define APPROVAL_COLUMNS                                                                                    \
  "id, job_id, trace_id, action, params_json, threat_id, agent_id, action_hash, reason, confidence, "    \
  "evidence_ids_json, target_state_json, status, created_at, expires_at, decided_by, decision_reason, " \
  "decided_at, executed_at, result"

constexpr std::size_t kMaxJobIdBytes = 256;
constexpr std::size_t kMaxModelReasonBytes = 4000;

Error conflict(std::string message) { return make_error(ErrorCode::conflict, std::move(message)); }
Error invalid(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

nlohmann::json stored_json(const std::string& text) {
  auto parsed = parse_untrusted_json(text);
  return parsed ? std::move(*parsed) : nlohmann::json();
}

// A pending approval past its expiry is shown as expired before any sweep writes it down.
ApprovalRecord read_row(const StatementUse& q, std::int64_t now) {
  ApprovalRecord r;
  r.id = q->column_text(0);
  r.job_id = q->column_text(1);
  r.trace_id = q->column_text(2);
  r.action = q->column_text(3);
  r.params = stored_json(q->column_text(4));
  r.threat_id = q->column_text(5);
  r.agent_id = q->column_text(6);
  r.action_hash = q->column_text(7);
  r.reason = q->column_text(8);
  r.confidence = q->column_real(9);
  auto ids = stored_json(q->column_text(10));
  if (ids.is_array()) {
    for (const auto& id : ids) {
      if (id.is_string()) r.evidence_ids.push_back(id.get<std::string>());
    }
  }
  r.target_state = target_state_from_json(stored_json(q->column_text(11)));
  r.status = parse_approval_status(q->column_text(12)).value_or(ApprovalStatus::failed);
  r.created_at_ms = q->column_int(13);
  r.expires_at_ms = q->column_int(14);
  r.decided_by = q->column_text(15);
  r.decision_reason = q->column_text(16);
  r.decided_at_ms = q->column_int(17);
  r.executed_at_ms = q->column_int(18);
  r.result = q->column_text(19);
  if (r.status == ApprovalStatus::pending && now >= r.expires_at_ms) r.status = ApprovalStatus::expired;
  return r;
}

bool has_control(std::string_view s, bool allow_breaks) {
  for (unsigned char c : s) {
    if (allow_breaks && (c == '\n' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

Result<void> check_decision(const ApprovalDecisionInput& d) {
  std::string_view reason = trim(d.reason);
  if (reason.empty()) return invalid("reason is required");
  if (reason.size() > kMaxDecisionReasonBytes) {
    return invalid("reason is longer than " + std::to_string(kMaxDecisionReasonBytes) + " bytes");
  }
  if (has_control(reason, true)) return invalid("reason holds control characters");
  std::string_view actor = trim(d.actor);
  if (actor.empty()) return invalid("actor is required");
  if (actor.size() > kMaxActorBytes) return invalid("actor is longer than " + std::to_string(kMaxActorBytes) + " bytes");
  if (has_control(actor, false)) return invalid("actor holds control characters");
  return {};
}

Result<void> check_request(const ApprovalRequest& r) {
  if (r.job_id.empty() || r.job_id.size() > kMaxJobIdBytes) return invalid("approval: job_id must be 1..256 bytes");
  if (!analysis::is_known_action(r.action)) return invalid("approval: unknown action \"" + r.action.substr(0, 64) + "\"");
  if (!r.params.is_object()) return invalid("approval: params must be an object");
  if (r.ttl_ms <= 0) return invalid("approval: ttl_ms must be positive");
  return {};
}

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed: a read-check-write is atomic even
// against another process on the same file.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction() {
    if (open_) (void)db_.exec("ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> begin() {
    auto ok = db_.exec("BEGIN IMMEDIATE");
    open_ = ok.has_value();
    return ok;
  }
  Result<void> commit() {
    auto ok = db_.exec("COMMIT");
    if (ok) open_ = false;
    return ok;
  }

 private:
  SqliteDb& db_;
  bool open_ = false;
};

}  // namespace

ApprovalStore::ApprovalStore(std::unique_ptr<SqliteDb> db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
ApprovalStore::~ApprovalStore() = default;

Result<std::unique_ptr<ApprovalStore>> ApprovalStore::open(const ApprovalStoreOptions& options, const Clock& clock) {
  auto db = approval_detail::open_approval_db(options.path, "approval store", options.busy_timeout_ms);
  if (!db) return db.error();
  if (auto ok = (*db)->exec(kSchema); !ok) return ok.error();
  return std::unique_ptr<ApprovalStore>(new ApprovalStore(std::move(*db), clock));
}

Result<ApprovalRecord> ApprovalStore::load(std::string_view id, std::int64_t now) {
  auto st = db_->statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE id = ?1");
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, id);
  switch (q->step()) {
    case StepResult::row: return read_row(q, now);
    case StepResult::done: return make_error(ErrorCode::not_found, "no approval " + std::string(id.substr(0, 64)));
    case StepResult::error: break;
  }
  return db_->last_error("read approval");
}

Result<void> ApprovalStore::set_status(std::string_view id, ApprovalStatus from, ApprovalStatus to) {
  auto st = db_->statement("UPDATE approvals SET status = ?3 WHERE id = ?1 AND status = ?2");
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, id);
  q->bind(2, std::string_view(to_string(from)));
  q->bind(3, std::string_view(to_string(to)));
  if (q->step() != StepResult::done) return db_->last_error("update approval");
  if (db_->changes() != 1) return conflict("approval " + std::string(id) + " is no longer " + to_string(from));
  return {};
}

Result<ApprovalRecord> ApprovalStore::fail_integrity(const ApprovalRecord& record, std::int64_t now) {
  auto st = db_->statement("UPDATE approvals SET status = 'failed', executed_at = ?2, result = ?3 WHERE id = ?1");
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, record.id);
  q->bind(2, now);
  q->bind(3, std::string_view("integrity check failed: the stored action does not match its hash"));
  if (q->step() != StepResult::done) return db_->last_error("update approval");
  return conflict("approval " + record.id + " failed its integrity check and will not run");
}

Result<ApprovalCreated> ApprovalStore::create(const ApprovalRequest& request) {
  auto created = create_all({request});
  if (!created) return created.error();
  return std::move(created->front());
}

Result<std::vector<ApprovalCreated>> ApprovalStore::create_all(const std::vector<ApprovalRequest>& requests) {
  for (const auto& r : requests) {
    if (auto ok = check_request(r); !ok) return ok.error();
  }
  std::vector<ApprovalCreated> out;
  if (requests.empty()) return out;
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now_ms();
  // One transaction for the job's approvals: one fsync, and all or none of them are recorded.
  Transaction tx(*db_);
  if (auto ok = tx.begin(); !ok) return ok.error();
  for (const auto& r : requests) {
    auto created = insert_unless_present(r, now);
    if (!created) return created.error();
    out.push_back(std::move(*created));
  }
  if (auto ok = tx.commit(); !ok) return ok.error();
  return out;
}

Result<ApprovalCreated> ApprovalStore::insert_unless_present(const ApprovalRequest& request, std::int64_t now) {
  const std::string hash = approval_action_hash(request.action, request.params, request.threat_id, request.agent_id);
  {
    auto st = db_->statement("INSERT INTO approvals (id, job_id, trace_id, action, params_json, threat_id, agent_id, "
                           "action_hash, reason, confidence, evidence_ids_json, target_state_json, status, "
                           "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                           "'pending', ?13, ?14) ON CONFLICT (job_id, action_hash) DO NOTHING");
    if (!st) return st.error();
    StatementUse q(**st);
    q->bind(1, random_hex(16));
    q->bind(2, request.job_id);
    q->bind(3, request.trace_id);
    q->bind(4, request.action);
    q->bind(5, audit::canonical_json(request.params));
    q->bind(6, request.threat_id);
    q->bind(7, request.agent_id);
    q->bind(8, hash);
    q->bind(9, std::string_view(request.reason).substr(0, kMaxModelReasonBytes));
    q->bind(10, request.confidence);
    q->bind(11, audit::canonical_json(nlohmann::json(request.evidence_ids)));
    q->bind(12, audit::canonical_json(to_json(request.target_state)));
    q->bind(13, now);
    q->bind(14, now + request.ttl_ms);
    if (q->step() != StepResult::done) return db_->last_error("insert approval");
  }
  const bool created = db_->changes() == 1;
  auto st = db_->statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE job_id = ?1 AND action_hash = ?2");
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, request.job_id);
  q->bind(2, hash);
  if (q->step() != StepResult::row) return db_->last_error("read approval");
  return ApprovalCreated{read_row(q, now), created};
}

Result<std::vector<ApprovalRecord>> ApprovalStore::list(std::optional<ApprovalStatus> status, int limit) {
  if (limit < 1 || limit > kMaxApprovalListLimit) {
    return invalid("limit must be within [1, " + std::to_string(kMaxApprovalListLimit) + "]");
  }
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now_ms();
  // Filters on the status as shown (a pending row past its expiry counts as expired).
  const char* sql =
      "SELECT " APPROVAL_COLUMNS " FROM approvals WHERE ?1 = '' OR "
      "(?1 = 'pending' AND status = 'pending' AND expires_at > ?2) OR "
      "(?1 = 'expired' AND (status = 'expired' OR (status = 'pending' AND expires_at <= ?2))) OR "
      "(?1 NOT IN ('pending', 'expired') AND status = ?1) "
      "ORDER BY created_at DESC, id LIMIT ?3";
  auto st = db_->statement(sql);
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, std::string_view(status ? to_string(*status) : ""));
  q->bind(2, now);
  q->bind(3, static_cast<std::int64_t>(limit));
  std::vector<ApprovalRecord> out;
  for (;;) {
    switch (q->step()) {
      case StepResult::row: out.push_back(read_row(q, now)); continue;
      case StepResult::done: return out;
      case StepResult::error: return db_->last_error("list approvals");
    }
  }
}

Result<ApprovalRecord> ApprovalStore::get(std::string_view id) {
  std::lock_guard lock(mutex_);
  return load(id, clock_.now_ms());
}

Result<ApprovalRecord> ApprovalStore::decide(std::string_view id, const ApprovalDecisionInput& decision) {
  if (auto ok = check_decision(decision); !ok) return ok.error();
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now_ms();
  Transaction tx(*db_);
  if (auto ok = tx.begin(); !ok) return ok.error();
  auto record = load(id, now);
  if (!record) return record.error();
  if (record->status == ApprovalStatus::expired) {
    // Written down now, so the row says what every reader was already shown.
    auto st = db_->statement("UPDATE approvals SET status = 'expired' WHERE id = ?1 AND status = 'pending'");
    if (!st) return st.error();
    StatementUse q(**st);
    q->bind(1, id);
    if (q->step() != StepResult::done) return db_->last_error("expire approval");
    if (auto ok = tx.commit(); !ok) return ok.error();
    return conflict("approval " + record->id + " expired at " + format_rfc3339_ms(record->expires_at_ms));
  }
  if (record->status != ApprovalStatus::pending) {
    return conflict("approval " + record->id + " is already " + to_string(record->status));
  }
  if (decision.expected_hash && *decision.expected_hash != record->action_hash) {
    return conflict("hash mismatch: approval " + record->id + " is bound to another action than the one shown");
  }
  if (decision.choice == ApprovalChoice::approve && !record->hash_matches()) {
    auto failed = fail_integrity(*record, now);
    if (auto ok = tx.commit(); !ok) return ok.error();
    return failed;
  }
  const ApprovalStatus to =
      decision.choice == ApprovalChoice::approve ? ApprovalStatus::approved : ApprovalStatus::rejected;
  auto st = db_->statement(
      "UPDATE approvals SET status = ?2, decided_by = ?3, decision_reason = ?4, decided_at = ?5 "
      "WHERE id = ?1 AND status = 'pending'");
  if (!st) return st.error();
  {
    StatementUse q(**st);
    q->bind(1, id);
    q->bind(2, std::string_view(to_string(to)));
    q->bind(3, trim(decision.actor));
    q->bind(4, trim(decision.reason));
    q->bind(5, now);
    if (q->step() != StepResult::done) return db_->last_error("decide approval");
  }
  auto updated = load(id, now);
  if (!updated) return updated.error();
  if (auto ok = tx.commit(); !ok) return ok.error();
  return updated;
}

Result<std::vector<ApprovalRecord>> ApprovalStore::expire_due() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now_ms();
  auto st = db_->statement("UPDATE approvals SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?1 "
                         "RETURNING " APPROVAL_COLUMNS);
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, now);
  std::vector<ApprovalRecord> out;
  for (;;) {
    switch (q->step()) {
      case StepResult::row: out.push_back(read_row(q, now)); continue;
      case StepResult::done: return out;
      case StepResult::error: return db_->last_error("expire approvals");
    }
  }
}

Result<ApprovalRecord> ApprovalStore::begin_execution(std::string_view id) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now_ms();
  Transaction tx(*db_);
  if (auto ok = tx.begin(); !ok) return ok.error();
  auto record = load(id, now);
  if (!record) return record.error();
  if (record->status != ApprovalStatus::approved) {
    return conflict("approval " + record->id + " is " + to_string(record->status) + ", not approved");
  }
  if (!record->hash_matches()) {
    auto failed = fail_integrity(*record, now);
    if (auto ok = tx.commit(); !ok) return ok.error();
    return failed;
  }
  if (auto ok = set_status(id, ApprovalStatus::approved, ApprovalStatus::executing); !ok) return ok.error();
  if (auto ok = tx.commit(); !ok) return ok.error();
  record->status = ApprovalStatus::executing;
  return record;
}

Result<ApprovalRecord> ApprovalStore::mark_executed(std::string_view id, bool succeeded, std::string_view result) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.now_ms();
  auto st = db_->statement("UPDATE approvals SET status = ?2, executed_at = ?3, result = ?4 "
                         "WHERE id = ?1 AND status = 'executing'");
  if (!st) return st.error();
  {
    StatementUse q(**st);
    q->bind(1, id);
    q->bind(2, std::string_view(succeeded ? "executed" : "failed"));
    q->bind(3, now);
    q->bind(4, result.substr(0, kMaxModelReasonBytes));
    if (q->step() != StepResult::done) return db_->last_error("record execution");
  }
  if (db_->changes() != 1) {
    auto record = load(id, now);
    if (!record) return record.error();
    return conflict("approval " + record->id + " is " + to_string(record->status) + ", not executing");
  }
  return load(id, now);
}

#undef APPROVAL_COLUMNS

}  // namespace triagent
