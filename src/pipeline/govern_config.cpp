// GovernanceConfig: names, validation and the risk of an action.
#include <algorithm>
#include <cmath>

#include "triagent/analysis/analysis_output_actions.hpp"
#include "triagent/pipeline/govern_policy.hpp"

namespace triagent {

namespace {

constexpr int kMaxApprovalTtlMinutes = 7 * 24 * 60;  // SentinelOne's own interaction forms stop at 7 days

bool listed(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool always_high_risk(std::string_view action) {
  return std::find(std::begin(kAlwaysHighRisk), std::end(kAlwaysHighRisk), action) != std::end(kAlwaysHighRisk);
}

Error invalid(std::string key, std::string what) {
  return make_error(ErrorCode::invalid_argument, "pipeline.governance." + key + ": " + what);
}

Result<void> known_names(const std::vector<std::string>& names, const std::string& key) {
  for (const auto& n : names) {
    if (!analysis::is_known_action(n)) return invalid(key, "unknown action \"" + n + "\"");
  }
  return {};
}

}  // namespace

const char* to_string(GovernanceMode mode) {
  switch (mode) {
    case GovernanceMode::shadow: return "shadow";
    case GovernanceMode::assist: return "assist";
    case GovernanceMode::automatic: return "auto";
  }
  return "shadow";
}

std::optional<GovernanceMode> parse_governance_mode(std::string_view text) {
  if (text == "shadow") return GovernanceMode::shadow;
  if (text == "assist") return GovernanceMode::assist;
  if (text == "auto") return GovernanceMode::automatic;
  return std::nullopt;
}

const char* to_string(ActionRisk risk) { return risk == ActionRisk::low ? "low" : "high"; }

const char* to_string(ActionDisposition disposition) {
  switch (disposition) {
    case ActionDisposition::execute: return "execute";
    case ActionDisposition::needs_approval: return "needs_approval";
    case ActionDisposition::suppressed: return "suppressed";
  }
  return "suppressed";
}

const char* to_string(VerdictSource source) {
  switch (source) {
    case VerdictSource::none: return "none";
    case VerdictSource::human: return "human";
    case VerdictSource::mdr: return "mdr";
  }
  return "none";
}

std::optional<VerdictSource> parse_verdict_source(std::string_view text) {
  if (text == "none") return VerdictSource::none;
  if (text == "human") return VerdictSource::human;
  if (text == "mdr") return VerdictSource::mdr;
  return std::nullopt;
}

Result<void> validate(const GovernanceConfig& config) {
  if (!std::isfinite(config.auto_confidence_threshold) || config.auto_confidence_threshold < 0 ||
      config.auto_confidence_threshold > 1) {
    return invalid("auto_confidence_threshold", "must be within [0, 1]");
  }
  if (config.approval_ttl_minutes < 1 || config.approval_ttl_minutes > kMaxApprovalTtlMinutes) {
    return invalid("approval_ttl_minutes", "must be within [1, " + std::to_string(kMaxApprovalTtlMinutes) + "]");
  }
  if (auto ok = known_names(config.low_risk_actions, "low_risk_actions"); !ok) return ok;
  if (auto ok = known_names(config.high_risk_actions, "high_risk_actions"); !ok) return ok;
  if (auto ok = known_names(config.allowed_actions, "allowed_actions"); !ok) return ok;
  for (const auto& n : config.low_risk_actions) {
    if (always_high_risk(n)) return invalid("low_risk_actions", n + " is always high risk");
    if (listed(config.high_risk_actions, n)) return invalid("low_risk_actions", n + " is also in high_risk_actions");
  }
  return {};
}

ActionRisk risk_of(std::string_view action, const GovernanceConfig& config) {
  // Low only when configured low and never on the fixed high list: an unlisted action is high.
  if (always_high_risk(action) || listed(config.high_risk_actions, action)) return ActionRisk::high;
  return listed(config.low_risk_actions, action) ? ActionRisk::low : ActionRisk::high;
}

}  // namespace triagent
