#pragma once
// ApprovalRecord: one action governance held for a human (approval_store.hpp keeps them). An
// approval is bound to the exact action: its hash covers the action, its canonical parameters and
// its target, so what a human approved is what runs, and a row edited in the database no longer
// matches its hash.
//
//   ApprovalRequest req = make_approval_request(action, target, {.job_id = "42", .trace_id = t,
//                                               .confidence = out.confidence, .evidence_ids = out.evidence_ids,
//                                               .ttl_ms = cfg.approval_ttl_minutes * 60'000});
//   std::string h = approval_action_hash(req.action, req.params, req.threat_id, req.agent_id);
//   nlohmann::json shown = to_json(record);       // the admin API's shape
//
// Life of an approval:
//   pending --approve--> approved --executor claims--> executing --> executed | failed
//   pending --reject--> rejected          pending --ttl passes--> expired (closed, never runs)

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/pipeline/govern_policy.hpp"

namespace triagent {

enum class ApprovalStatus { pending, approved, rejected, expired, executing, executed, failed };
const char* to_string(ApprovalStatus status);
std::optional<ApprovalStatus> parse_approval_status(std::string_view text);

// Lower-case hex SHA-256 of the canonical JSON {"action","agent_id","params","threat_id"}.
std::string approval_action_hash(std::string_view action, const nlohmann::json& params, std::string_view threat_id,
                                 std::string_view agent_id);

struct ApprovalRequest {
  std::string job_id;
  std::string trace_id;
  std::string action;
  nlohmann::json params = nlohmann::json::object();  // GovernedAction::params (canonical)
  std::string threat_id;
  std::string agent_id;
  std::string reason;  // the model's
  double confidence = 0;
  std::vector<std::string> evidence_ids;
  TargetState target_state;  // as read at proposal time: the executor compares against it
  std::int64_t ttl_ms = 60 * 60'000;
};

// Members default-initialised so designated initialisers may leave any out.
struct ApprovalContext {
  std::string job_id = {};
  std::string trace_id = {};
  double confidence = 0;
  std::vector<std::string> evidence_ids = {};
  std::int64_t ttl_ms = 60 * 60'000;
};

ApprovalRequest make_approval_request(const GovernedAction& action, const TargetState& target,
                                      const ApprovalContext& context);

struct ApprovalRecord {
  std::string id;  // 32 lower-case hex (128 random bits)
  std::string job_id;
  std::string trace_id;
  std::string action;
  nlohmann::json params = nlohmann::json::object();
  std::string threat_id;
  std::string agent_id;
  std::string action_hash;
  std::string reason;
  double confidence = 0;
  std::vector<std::string> evidence_ids;
  TargetState target_state;
  ApprovalStatus status = ApprovalStatus::pending;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::string decided_by;
  std::string decision_reason;
  std::int64_t decided_at_ms = 0;   // 0 while undecided
  std::int64_t executed_at_ms = 0;  // 0 until executed or failed
  std::string result;               // what the execution did, or why it failed

  // The stored hash still equals the hash of the stored action (the tamper check).
  bool hash_matches() const;
};

// Times as RFC 3339; decided_* and executed_* only once set.
nlohmann::json to_json(const ApprovalRecord& record);

}  // namespace triagent
