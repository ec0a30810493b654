#pragma once
// ApprovalStore: the approval queue, one SQLite table (`approvals`) in the file it is given. Every
// call is synchronous (run it on a blocking pool, not on the reactor) and thread-safe.
//
//   auto store = ApprovalStore::open({.path = data_dir + "/approvals.db"}, clock);
//   Result<ApprovalCreated> c = (*store)->create(make_approval_request(action, target, ctx));
//   if (c && c->created) audit_approval_requested(audit, c->record);   // a retried job gets the same row
//   auto pending = (*store)->list(ApprovalStatus::pending, 100);
//   auto d = (*store)->decide(id, {.choice = ApprovalChoice::approve, .actor = "alice", .reason = "confirmed"});
//   if (!d && d.error().code == ErrorCode::conflict) ...   // expired, already decided, hash mismatch
//   auto claimed = (*store)->begin_execution(id);          // approved -> executing, once
//   (*store)->mark_executed(id, true, "affected 1");        // executing -> executed | failed
//
// Rules:
//  - create is idempotent per (job_id, action hash): the existing row comes back, created = false.
//  - Expiry fails closed: a pending approval past expires_at can no longer be approved. get() and
//    list() already show it as expired; expire_due() writes that down (and returns the rows, for
//    their audit records); decide() on one writes it down and answers conflict "expired".
//  - decide needs a reason (trimmed, 1..1000 bytes, no control characters except tab and newline)
//    and an actor (1..128 bytes, no control characters). With expected_hash, the approver's view of
//    the action must still be the stored one.
//  - Approving and claiming re-check the stored hash against the stored action (tamper check); a
//    row that fails it is marked failed and never runs.
// Durability: WAL with synchronous=FULL, so an answered decision survives a power loss.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/approval_record.hpp"

namespace triagent {

namespace sqlite {
class SqliteDb;
}

struct ApprovalStoreOptions {
  std::string path;  // the SQLite file, created when missing
  int busy_timeout_ms = 5'000;
};

enum class ApprovalChoice { approve, reject };

struct ApprovalDecisionInput {
  ApprovalChoice choice = ApprovalChoice::reject;
  std::string actor = {};
  std::string reason = {};
  std::optional<std::string> expected_hash = {};  // the action_hash the approver was shown
};

struct ApprovalCreated {
  ApprovalRecord record;
  bool created = false;  // false: this job had already asked for this exact action
};

inline constexpr std::size_t kMaxDecisionReasonBytes = 1000;
inline constexpr std::size_t kMaxActorBytes = 128;
inline constexpr int kMaxApprovalListLimit = 1000;

class ApprovalStore {
 public:
  // Creates the table when missing. `clock` must outlive the store.
  static Result<std::unique_ptr<ApprovalStore>> open(const ApprovalStoreOptions& options, const Clock& clock);
  ~ApprovalStore();
  ApprovalStore(const ApprovalStore&) = delete;
  ApprovalStore& operator=(const ApprovalStore&) = delete;

  // invalid_argument for an empty job id, an unknown action, non-object params or ttl_ms <= 0.
  Result<ApprovalCreated> create(const ApprovalRequest& request);
  // Several at once, in one transaction (one fsync; all or none are recorded), in request order.
  Result<std::vector<ApprovalCreated>> create_all(const std::vector<ApprovalRequest>& requests);
  // Newest first; nullopt lists every status. limit within [1, kMaxApprovalListLimit].
  Result<std::vector<ApprovalRecord>> list(std::optional<ApprovalStatus> status, int limit);
  // not_found for an unknown id.
  Result<ApprovalRecord> get(std::string_view id);
  // pending -> approved | rejected. not_found; invalid_argument (reason, actor); conflict
  // ("expired", "already <status>", "hash mismatch", "integrity check failed").
  Result<ApprovalRecord> decide(std::string_view id, const ApprovalDecisionInput& decision);
  // Pending approvals past their expiry become expired; returns them.
  Result<std::vector<ApprovalRecord>> expire_due();
  // approved -> executing, exactly once per approval (conflict otherwise): the executor's claim.
  Result<ApprovalRecord> begin_execution(std::string_view id);
  // executing -> executed (succeeded) or failed, with what happened.
  Result<ApprovalRecord> mark_executed(std::string_view id, bool succeeded, std::string_view result);

 private:
  ApprovalStore(std::unique_ptr<sqlite::SqliteDb> db, const Clock& clock);
  Result<ApprovalRecord> load(std::string_view id, std::int64_t now);
  Result<ApprovalRecord> fail_integrity(const ApprovalRecord& record, std::int64_t now);
  Result<void> set_status(std::string_view id, ApprovalStatus from, ApprovalStatus to);
  // Inside a transaction, with the mutex held: the row for (job, action hash), inserted if new.
  Result<ApprovalCreated> insert_unless_present(const ApprovalRequest& request, std::int64_t now);

  std::unique_ptr<sqlite::SqliteDb> db_;
  const Clock& clock_;
  std::mutex mutex_;
};

}  // namespace triagent
