// decide(): the governance matrix (see govern_policy.hpp), and the JSON of its results.
#include "triagent/pipeline/govern_policy.hpp"

#include <algorithm>
#include <cmath>

#include "pipeline/govern_params.hpp"
#include "triagent/analysis/analysis_output_actions.hpp"

namespace triagent {

namespace {

using nlohmann::json;

bool is_disposed_by_someone(const TargetState& t) { return t.verdict_set_by != VerdictSource::none; }

std::string prior_verdict_reason(const TargetState& t) {
  std::string who = t.verdict_set_by == VerdictSource::mdr ? "MDR" : "human";
  std::string verdict = t.analyst_verdict.empty() ? "unknown" : t.analyst_verdict;
  return "prior " + who + " verdict (" + verdict + ") is never overridden";
}

// The target's current state makes the action an override of a person's decision, or a no-op.
// Returns the suppression reason, or "" when the action may go on.
std::string state_conflict(const GovernedAction& a, const TargetState& t) {
  const bool human_false_positive = is_disposed_by_someone(t) && t.analyst_verdict == "false_positive";
  if (a.action == "set_verdict") {
    if (is_disposed_by_someone(t)) return prior_verdict_reason(t);
    if (a.params.value("verdict", "") == t.analyst_verdict) return "no change: the verdict is already " + t.analyst_verdict;
  } else if (a.action == "set_incident_status") {
    // A human or MDR disposition covers the threat's status too: they resolve or reopen it.
    if (is_disposed_by_someone(t)) return prior_verdict_reason(t);
    if (a.params.value("status", "") == t.incident_status) return "no change: the status is already " + t.incident_status;
  } else if (a.action == "isolate_endpoint" || a.action == "escalate_severity") {
    if (human_false_positive) return prior_verdict_reason(t);
    if (t.incident_status == "resolved") return "the threat is already resolved";
    if (a.action == "escalate_severity") {
      auto wanted = analysis::parse_output_severity(a.params.value("severity", ""));
      if (wanted && t.severity != Severity::unknown && *wanted <= t.severity) {
        return std::string("not an escalation: the severity is already ") + to_string(t.severity);
      }
    }
  }
  return "";
}

bool same_action(const GovernedAction& a, const GovernedAction& b) {
  return a.action == b.action && a.params == b.params && a.threat_id == b.threat_id && a.agent_id == b.agent_id;
}

ActionDisposition by_mode(const GovernedAction& a, double confidence, const GovernanceConfig& config) {
  switch (config.mode) {
    case GovernanceMode::shadow: return ActionDisposition::suppressed;
    case GovernanceMode::assist: return ActionDisposition::needs_approval;
    case GovernanceMode::automatic:
      if (a.risk == ActionRisk::high) return ActionDisposition::needs_approval;
      return confidence >= config.auto_confidence_threshold ? ActionDisposition::execute
                                                            : ActionDisposition::needs_approval;
  }
  return ActionDisposition::suppressed;
}

GovernedAction govern_one(const analysis::RecommendedAction& rec, const TargetState& target,
                          const GovernanceConfig& config, double confidence, const std::vector<GovernedAction>& earlier) {
  GovernedAction a;
  a.action = rec.action;
  a.reason = rec.reason;
  a.risk = risk_of(rec.action, config);
  auto suppress = [&a](std::string why) {
    a.disposition = ActionDisposition::suppressed;
    a.suppressed_reason = std::move(why);
    return a;
  };
  if (!analysis::is_known_action(rec.action)) return suppress("unknown action");
  if (std::find(config.allowed_actions.begin(), config.allowed_actions.end(), rec.action) ==
      config.allowed_actions.end()) {
    return suppress("not on the allowed actions list");
  }
  auto bound = govern_detail::bind_action_params(rec.action, rec.params, target);
  if (!bound) return suppress("invalid parameters: " + bound.error().message);
  a.params = std::move(bound->params);
  a.threat_id = std::move(bound->threat_id);
  a.agent_id = std::move(bound->agent_id);
  if (auto conflict = state_conflict(a, target); !conflict.empty()) return suppress(conflict);
  for (const auto& e : earlier) {
    if (e.disposition != ActionDisposition::suppressed && same_action(e, a)) {
      return suppress("duplicate of an earlier recommendation");
    }
  }
  a.disposition = by_mode(a, confidence, config);
  if (a.disposition == ActionDisposition::suppressed) a.suppressed_reason = "shadow mode";
  return a;
}

}  // namespace

GovernanceDecision decide(const analysis::AnalysisOutput& output, const TargetState& target,
                          const GovernanceConfig& config) {
  GovernanceDecision d;
  d.mode = config.mode;
  const bool writes = config.mode != GovernanceMode::shadow;
  d.deliver_note = writes;
  d.deliver_tags = writes;
  if (writes) d.note_heading = std::string(kDraftHeading);
  const double confidence = std::isfinite(output.confidence) ? output.confidence : 0.0;
  for (const auto& rec : output.recommended_actions) {
    // Shadow still runs every check, so its record shows which actions policy would have refused.
    GovernedAction a = govern_one(rec, target, config, confidence, d.actions);
    d.actions.push_back(std::move(a));
  }
  return d;
}

json to_json(const TargetState& s) {
  return {{"threat_id", s.threat_id},
          {"agent_id", s.agent_id},
          {"agent_computer_name", s.agent_computer_name},
          {"analyst_verdict", s.analyst_verdict},
          {"verdict_set_by", to_string(s.verdict_set_by)},
          {"incident_status", s.incident_status},
          {"severity", to_string(s.severity)}};
}

TargetState target_state_from_json(const json& j) {
  TargetState s;
  if (!j.is_object()) return s;
  auto text = [&j](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  s.threat_id = text("threat_id");
  s.agent_id = text("agent_id");
  s.agent_computer_name = text("agent_computer_name");
  s.analyst_verdict = text("analyst_verdict");
  s.verdict_set_by = parse_verdict_source(text("verdict_set_by")).value_or(VerdictSource::none);
  s.incident_status = text("incident_status");
  s.severity = parse_severity(text("severity")).value_or(Severity::unknown);
  return s;
}

json to_json(const GovernedAction& a) {
  json j = {{"action", a.action},     {"params", a.params},
            {"threat_id", a.threat_id}, {"agent_id", a.agent_id},
            {"reason", a.reason},     {"risk", to_string(a.risk)},
            {"disposition", to_string(a.disposition)}};
  if (a.disposition == ActionDisposition::suppressed) j["suppressed_reason"] = a.suppressed_reason;
  return j;
}

json to_json(const GovernanceDecision& d) {
  json actions = json::array();
  for (const auto& a : d.actions) actions.push_back(to_json(a));
  return {{"mode", to_string(d.mode)},
          {"deliver_note", d.deliver_note},
          {"note_heading", d.note_heading},
          {"deliver_tags", d.deliver_tags},
          {"actions", actions}};
}

}  // namespace triagent
