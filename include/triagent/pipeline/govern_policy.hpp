#pragma once
// Governance (pipeline stage 8): decides, for one analysed incident, what leaves the daemon. The
// note and tags are delivered or not by mode; each recommended action is executed, queued for a
// human approval, or suppressed with a reason. The model's output is untrusted (it read attacker-
// written logs), so nothing here trusts it: actions are checked against the allow-list, their
// parameters against the incident's own targets, and the mode's risk rules decide the rest.
//
//   GovernanceConfig cfg;                     // shadow by default
//   cfg.mode = GovernanceMode::automatic;
//   if (auto ok = validate(cfg); !ok) fail(ok.error().message);   // "pipeline.governance.mode: ..."
//   TargetState target{.threat_id = t.id, .agent_id = t.agent_id, .analyst_verdict = t.analyst_verdict,
//                      .verdict_set_by = VerdictSource::human, .incident_status = t.incident_status};
//   GovernanceDecision d = decide(analysis, target, cfg);
//   if (d.deliver_note) post(d.note_heading + " " + analysis.summary);
//   for (const GovernedAction& a : d.actions) if (a.disposition == ActionDisposition::needs_approval) ...
//
// The matrix (checks run top to bottom; the first that applies wins):
//   unknown action name, not on the allow-list, invalid or foreign parameters,
//   a prior human/MDR verdict it would override, a no-op      -> suppressed(reason), every mode
//   shadow                                                    -> suppressed("shadow mode")
//   assist                                                    -> needs_approval
//   auto, high risk                                           -> needs_approval
//   auto, low risk, confidence >= auto_confidence_threshold   -> execute
//   auto, low risk, confidence below the threshold            -> needs_approval
// Shadow creates no approvals either: nothing leaves the daemon, the decision is only recorded
// (with every suppression reason, so a shadow run shows what assist or auto would have done).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/core/result.hpp"
#include "triagent/core/severity.hpp"

namespace triagent {

enum class GovernanceMode { shadow, assist, automatic };
const char* to_string(GovernanceMode mode);  // "shadow", "assist", "auto"
std::optional<GovernanceMode> parse_governance_mode(std::string_view text);

// What heads every note the daemon writes in assist and auto mode.
inline constexpr std::string_view kDraftHeading = "[AI-Generated Draft]";

// These are high risk whatever the config says: they change the customer's environment or a
// human's decision, so they always wait for an approval.
inline constexpr std::string_view kAlwaysHighRisk[] = {"isolate_endpoint", "set_verdict", "set_incident_status",
                                                       "escalate_severity"};

// YAML section `pipeline.governance`.
struct GovernanceConfig {
  GovernanceMode mode = GovernanceMode::shadow;
  double auto_confidence_threshold = 0.8;  // auto: low-risk actions run at or above it
  std::vector<std::string> low_risk_actions = {"add_note", "add_tag", "open_ticket", "run_hunt"};
  // Beyond kAlwaysHighRisk (which need not be listed); an action in neither list counts as high.
  std::vector<std::string> high_risk_actions = {"isolate_endpoint", "set_verdict", "set_incident_status",
                                                "escalate_severity"};
  int approval_ttl_minutes = 60;  // a pending approval expires (closed) after this
  std::vector<std::string> allowed_actions = {"add_note",         "add_tag",          "open_ticket",
                                              "run_hunt",         "isolate_endpoint", "set_verdict",
                                              "set_incident_status", "escalate_severity"};
};

// Names the key: "pipeline.governance.low_risk_actions: isolate_endpoint is always high risk".
Result<void> validate(const GovernanceConfig& config);

enum class ActionRisk { low, high };
const char* to_string(ActionRisk risk);
ActionRisk risk_of(std::string_view action, const GovernanceConfig& config);

// Who set the threat's current analyst verdict. `none`: no verdict yet, or one this daemon set
// through an approval. When the caller cannot tell, it should say `human` (the safe side).
enum class VerdictSource { none, human, mdr };
const char* to_string(VerdictSource source);
std::optional<VerdictSource> parse_verdict_source(std::string_view text);

// The incident's target as read from SentinelOne just before governance. Also stored with each
// approval, so the executor can tell what changed between proposal and execution.
struct TargetState {
  std::string threat_id;            // "" when the incident is not a Singularity threat
  std::string agent_id;             // the threat's own agent; "" when unknown
  std::string agent_computer_name;  // matches a "host" parameter (case-insensitive)
  std::string analyst_verdict;      // true_positive | suspicious | false_positive | undefined ("" unknown)
  VerdictSource verdict_set_by = VerdictSource::none;
  std::string incident_status;      // unresolved | in_progress | resolved ("" unknown)
  Severity severity = Severity::unknown;
};

nlohmann::json to_json(const TargetState& state);
// Our own stored document; missing or wrongly typed members read as empty.
TargetState target_state_from_json(const nlohmann::json& j);

enum class ActionDisposition { execute, needs_approval, suppressed };
const char* to_string(ActionDisposition disposition);

struct GovernedAction {
  std::string action;
  // Validated and canonical: only the keys the action takes, normalised, with the target filled
  // in by governance (never the model's own id): what runs and what an approval is bound to.
  nlohmann::json params = nlohmann::json::object();
  std::string threat_id;  // where the action applies; isolate_endpoint also sets agent_id
  std::string agent_id;
  std::string reason;     // the model's
  ActionRisk risk = ActionRisk::high;
  ActionDisposition disposition = ActionDisposition::suppressed;
  std::string suppressed_reason;  // set when suppressed
};

struct GovernanceDecision {
  GovernanceMode mode = GovernanceMode::shadow;
  bool deliver_note = false;
  std::string note_heading;  // kDraftHeading when deliver_note
  bool deliver_tags = false;
  std::vector<GovernedAction> actions;  // one per recommended action, in the model's order
};

GovernanceDecision decide(const analysis::AnalysisOutput& output, const TargetState& target,
                          const GovernanceConfig& config);

// For the local store and the audit record.
nlohmann::json to_json(const GovernedAction& action);
nlohmann::json to_json(const GovernanceDecision& decision);

}  // namespace triagent
