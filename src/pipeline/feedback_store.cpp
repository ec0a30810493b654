// The feedback table (see feedback_store.hpp). Reuses the approval store's small sqlite layer.
#include "triagent/pipeline/feedback_store.hpp"

#include "pipeline/approval_sqlite.hpp"

namespace triagent {

namespace {

using sqlite::SqliteDb;
using sqlite::StatementUse;
using sqlite::StepResult;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  rating TEXT NOT NULL,
  reason TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_job ON feedback(job_id, id);
)sql";

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool has_control_bytes(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7f) return true;
  }
  return false;
}

Error invalid(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

FeedbackRecord read_row(StatementUse& q) {
  FeedbackRecord r;
  r.id = q->column_int(0);
  r.job_id = q->column_text(1);
  r.rating = q->column_text(2);
  r.reason = q->column_text(3);
  r.comment = q->column_text(4);
  r.actor = q->column_text(5);
  r.created_ms = q->column_int(6);
  return r;
}

}  // namespace

bool is_feedback_rating(std::string_view rating) {
  return rating == "accepted" || rating == "edited" || rating == "rejected";
}

double FeedbackSummary::acceptance_rate() const {
  const std::int64_t total = accepted + edited + rejected;
  return total == 0 ? 0.0 : static_cast<double>(accepted) / static_cast<double>(total);
}

FeedbackStore::FeedbackStore(std::unique_ptr<SqliteDb> db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
FeedbackStore::~FeedbackStore() = default;

Result<std::unique_ptr<FeedbackStore>> FeedbackStore::open(const FeedbackStoreOptions& options, const Clock& clock) {
  auto db = approval_detail::open_approval_db(options.path, "feedback store", options.busy_timeout_ms);
  if (!db) return db.error();
  if (auto ok = (*db)->exec(kSchema); !ok) return ok.error();
  return std::unique_ptr<FeedbackStore>(new FeedbackStore(std::move(*db), clock));
}

Result<FeedbackRecord> FeedbackStore::add(const FeedbackInput& input) {
  if (input.job_id.empty()) return invalid("job id is required");
  if (!is_feedback_rating(input.rating)) return invalid("rating must be one of accepted, edited, rejected");
  const std::string_view reason = trimmed(input.reason);
  if (reason.empty()) return invalid("reason is required");
  if (reason.size() > kMaxFeedbackReasonBytes || has_control_bytes(reason)) {
    return invalid("reason must be at most 1000 bytes without control characters");
  }
  if (input.comment.size() > kMaxFeedbackCommentBytes || has_control_bytes(input.comment)) {
    return invalid("comment must be at most 4000 bytes without control characters");
  }
  if (input.actor.empty()) return invalid("actor is required");

  FeedbackRecord r;
  r.job_id = input.job_id;
  r.rating = input.rating;
  r.reason = std::string(reason);
  r.comment = input.comment;
  r.actor = input.actor;
  r.created_ms = clock_.now_ms();

  std::lock_guard lock(mutex_);
  auto st = db_->statement(
      "INSERT INTO feedback(job_id, rating, reason, comment, actor, created_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
      "RETURNING id");
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, r.job_id);
  q->bind(2, r.rating);
  q->bind(3, r.reason);
  q->bind(4, r.comment);
  q->bind(5, r.actor);
  q->bind(6, r.created_ms);
  if (q->step() != StepResult::row) return db_->last_error("store feedback");
  r.id = q->column_int(0);
  if (q->step() == StepResult::error) return db_->last_error("store feedback");
  return r;
}

Result<std::vector<FeedbackRecord>> FeedbackStore::list(std::string_view job_id, int limit) {
  if (limit < 1 || limit > kMaxFeedbackListLimit) return invalid("limit must be from 1 to 1000");
  std::lock_guard lock(mutex_);
  auto st = db_->statement(
      "SELECT id, job_id, rating, reason, comment, actor, created_ms FROM feedback WHERE job_id = ?1 "
      "ORDER BY id LIMIT ?2");
  if (!st) return st.error();
  StatementUse q(**st);
  q->bind(1, job_id);
  q->bind(2, static_cast<std::int64_t>(limit));
  std::vector<FeedbackRecord> out;
  for (;;) {
    StepResult s = q->step();
    if (s == StepResult::done) break;
    if (s == StepResult::error) return db_->last_error("list feedback");
    out.push_back(read_row(q));
  }
  return out;
}

Result<FeedbackSummary> FeedbackStore::summary() {
  std::lock_guard lock(mutex_);
  auto st = db_->statement("SELECT rating, COUNT(*) FROM feedback GROUP BY rating");
  if (!st) return st.error();
  StatementUse q(**st);
  FeedbackSummary s;
  for (;;) {
    StepResult step = q->step();
    if (step == StepResult::done) break;
    if (step == StepResult::error) return db_->last_error("summarise feedback");
    const std::string rating = q->column_text(0);
    const std::int64_t n = q->column_int(1);
    if (rating == "accepted") s.accepted = n;
    else if (rating == "edited") s.edited = n;
    else if (rating == "rejected") s.rejected = n;
  }
  return s;
}

nlohmann::json to_json(const FeedbackRecord& r) {
  return {{"id", std::to_string(r.id)}, {"job_id", r.job_id},   {"rating", r.rating},
          {"reason", r.reason},         {"comment", r.comment}, {"actor", r.actor},
          {"created_at", format_rfc3339_ms(r.created_ms)}};
}

}  // namespace triagent
