#pragma once
// FeedbackStore: analysts' verdicts on an AI result (accepted, edited, rejected, with a reason),
// one SQLite table (`feedback`) in the file it is given (the daemon's <data_dir>/state.db, beside
// the approvals). Synchronous and thread-safe: call it from a blocking pool, not the reactor.
//
//   auto store = FeedbackStore::open({.path = data_dir + "/state.db"}, clock);
//   auto rec = (*store)->add({.job_id = "42", .rating = "accepted", .reason = "right call", .actor = "alice"});
//   auto all = (*store)->list("42");
//   double rate = (*store)->summary()->acceptance_rate();   // accepted / (accepted + edited + rejected)
//
// Durability: WAL with synchronous=FULL, like the approval store.

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

namespace sqlite {
class SqliteDb;
}

inline constexpr std::size_t kMaxFeedbackReasonBytes = 1000;
inline constexpr std::size_t kMaxFeedbackCommentBytes = 4000;
inline constexpr int kMaxFeedbackListLimit = 1000;

struct FeedbackInput {
  std::string job_id = {};
  std::string rating = {};   // accepted | edited | rejected
  std::string reason = {};   // required, 1..1000 bytes after trimming
  std::string comment = {};  // optional, up to 4000 bytes
  std::string actor = {};    // the token's name
};

struct FeedbackRecord {
  std::int64_t id = 0;
  std::string job_id;
  std::string rating;
  std::string reason;
  std::string comment;
  std::string actor;
  std::int64_t created_ms = 0;
};

struct FeedbackSummary {
  std::int64_t accepted = 0;
  std::int64_t edited = 0;
  std::int64_t rejected = 0;
  // accepted / (accepted + edited + rejected); 0 with no feedback yet.
  double acceptance_rate() const;
};

struct FeedbackStoreOptions {
  std::string path;
  int busy_timeout_ms = 5'000;
};

bool is_feedback_rating(std::string_view rating);

class FeedbackStore {
 public:
  static Result<std::unique_ptr<FeedbackStore>> open(const FeedbackStoreOptions& options, const Clock& clock);
  ~FeedbackStore();
  FeedbackStore(const FeedbackStore&) = delete;
  FeedbackStore& operator=(const FeedbackStore&) = delete;

  // invalid_argument (nothing stored) for an unknown rating, a missing or oversized reason, an
  // oversized comment, an empty job id or actor.
  Result<FeedbackRecord> add(const FeedbackInput& input);
  // The job's feedback, oldest first.
  Result<std::vector<FeedbackRecord>> list(std::string_view job_id, int limit = 100);
  Result<FeedbackSummary> summary();

 private:
  FeedbackStore(std::unique_ptr<sqlite::SqliteDb> db, const Clock& clock);
  std::mutex mutex_;
  std::unique_ptr<sqlite::SqliteDb> db_;
  const Clock& clock_;
};

// {id, job_id, rating, reason, comment, actor, created_at}
nlohmann::json to_json(const FeedbackRecord& record);

}  // namespace triagent
