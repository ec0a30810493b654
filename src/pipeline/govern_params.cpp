#include "pipeline/govern_params.hpp"

#include <initializer_list>
#include <optional>

#include "triagent/analysis/analysis_output.hpp"

namespace triagent::govern_detail {

namespace {

using nlohmann::json;

// The schema's bound on one parameter value (code points).
constexpr std::size_t kMaxValueChars = 1000;

Error bad(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Keys outside `allowed` are refused rather than ignored: an unexpected key ("scope": "all") is
// exactly what an injected instruction looks like.
Result<void> only_keys(const json& params, std::initializer_list<std::string_view> allowed) {
  if (!params.is_object()) return bad("parameters must be an object");
  for (const auto& [key, value] : params.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) return bad("unexpected parameter \"" + key.substr(0, 64) + "\"");
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
      return bad("parameter \"" + key + "\" must be a string, number or boolean");
    }
  }
  return {};
}

// A string parameter; integers are read as their decimal text (a model may write an id unquoted).
Result<std::optional<std::string>> text_param(const json& params, std::string_view key) {
  auto it = params.find(key);
  if (it == params.end()) return std::optional<std::string>();
  std::string value;
  if (it->is_string()) {
    value = it->get<std::string>();
  } else if (it->is_number_integer()) {
    value = it->dump();
  } else {
    return bad("parameter \"" + std::string(key) + "\" must be a string");
  }
  if (value.empty()) return bad("parameter \"" + std::string(key) + "\" is empty");
  if (code_points(value) > kMaxValueChars) return bad("parameter \"" + std::string(key) + "\" is too long");
  return std::optional<std::string>(std::move(value));
}

Result<std::string> required_text(const json& params, std::string_view key) {
  auto v = text_param(params, key);
  if (!v) return v.error();
  if (!v->has_value()) return bad("parameter \"" + std::string(key) + "\" is required");
  return std::move(**v);
}

// The threat the action applies to is always the incident's; a "threat_id" the model adds must
// name that same threat.
Result<std::string> own_threat(const json& params, const TargetState& target, bool required) {
  auto named = text_param(params, "threat_id");
  if (!named) return named.error();
  if (named->has_value() && **named != target.threat_id) {
    return bad("threat_id \"" + (*named)->substr(0, 64) + "\" is not this incident's threat");
  }
  if (required && target.threat_id.empty()) return bad("the incident has no SentinelOne threat");
  return target.threat_id;
}

Result<BoundAction> bind_isolate(const json& params, const TargetState& target) {
  if (auto ok = only_keys(params, {"agent_id", "host", "threat_id"}); !ok) return ok.error();
  if (target.agent_id.empty()) return bad("the incident has no agent to isolate");
  auto agent = text_param(params, "agent_id");
  if (!agent) return agent.error();
  if (agent->has_value() && **agent != target.agent_id) {
    return bad("agent_id \"" + (*agent)->substr(0, 64) + "\" is not this incident's agent");
  }
  auto host = text_param(params, "host");
  if (!host) return host.error();
  if (host->has_value() && !equals_ignoring_ascii_case(**host, target.agent_computer_name)) {
    return bad("host \"" + (*host)->substr(0, 64) + "\" is not this incident's endpoint");
  }
  auto threat = own_threat(params, target, false);
  if (!threat) return threat.error();
  return BoundAction{json{{"agent_id", target.agent_id}}, *threat, target.agent_id};
}

Result<BoundAction> bind_set_verdict(const json& params, const TargetState& target) {
  if (auto ok = only_keys(params, {"verdict", "threat_id"}); !ok) return ok.error();
  auto verdict = required_text(params, "verdict");
  if (!verdict) return verdict.error();
  if (!analysis::parse_verdict(*verdict)) return bad("verdict \"" + verdict->substr(0, 64) + "\" is not a verdict");
  auto threat = own_threat(params, target, true);
  if (!threat) return threat.error();
  return BoundAction{json{{"verdict", *verdict}}, *threat, ""};
}

Result<BoundAction> bind_set_status(const json& params, const TargetState& target) {
  if (auto ok = only_keys(params, {"status", "threat_id"}); !ok) return ok.error();
  auto status = required_text(params, "status");
  if (!status) return status.error();
  if (*status != "unresolved" && *status != "in_progress" && *status != "resolved") {
    return bad("status \"" + status->substr(0, 64) + "\" is not an incident status");
  }
  auto threat = own_threat(params, target, true);
  if (!threat) return threat.error();
  return BoundAction{json{{"status", *status}}, *threat, ""};
}

Result<BoundAction> bind_escalate(const json& params, const TargetState& target) {
  if (auto ok = only_keys(params, {"severity", "threat_id"}); !ok) return ok.error();
  auto severity = required_text(params, "severity");
  if (!severity) return severity.error();
  if (!analysis::parse_output_severity(*severity)) {
    return bad("severity \"" + severity->substr(0, 64) + "\" is not a severity");
  }
  auto threat = own_threat(params, target, true);
  if (!threat) return threat.error();
  return BoundAction{json{{"severity", *severity}}, *threat, ""};
}

// Same characters as the output schema's tags, so a tag action can always be delivered.
bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(tag.front())) return false;
  for (char c : tag) {
    if (!alnum(c) && std::string_view(" ._:/+-").find(c) == std::string_view::npos) return false;
  }
  return true;
}

Result<BoundAction> bind_add_tag(const json& params, const TargetState& target) {
  if (auto ok = only_keys(params, {"tag", "threat_id"}); !ok) return ok.error();
  auto tag = required_text(params, "tag");
  if (!tag) return tag.error();
  if (!is_valid_tag(*tag)) return bad("tag \"" + tag->substr(0, 64) + "\" is not a valid tag");
  auto threat = own_threat(params, target, false);
  if (!threat) return threat.error();
  return BoundAction{json{{"tag", *tag}}, *threat, ""};
}

// Free-text actions (a note, a ticket, a read-only hunt): the listed keys, as text without controls
// other than line breaks and tabs.
Result<BoundAction> bind_text_action(const json& params, const TargetState& target,
                                     std::initializer_list<std::string_view> keys) {
  if (auto ok = only_keys(params, keys); !ok) return ok.error();
  BoundAction out;
  for (auto key : keys) {
    if (key == "threat_id") continue;
    auto it = params.find(key);
    if (it == params.end()) continue;
    if (it->is_string()) {
      std::string text = it->get<std::string>();
      std::string no_breaks = text;
      for (char& c : no_breaks) c = (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
      if (has_control(no_breaks)) return bad("parameter \"" + std::string(key) + "\" holds control characters");
      if (code_points(text) > kMaxValueChars) return bad("parameter \"" + std::string(key) + "\" is too long");
    }
    out.params[std::string(key)] = *it;
  }
  auto threat = own_threat(params, target, false);
  if (!threat) return threat.error();
  out.threat_id = *threat;
  return out;
}

}  // namespace

Result<BoundAction> bind_action_params(std::string_view action, const nlohmann::json& params,
                                       const TargetState& target) {
  if (action == "isolate_endpoint") return bind_isolate(params, target);
  if (action == "set_verdict") return bind_set_verdict(params, target);
  if (action == "set_incident_status") return bind_set_status(params, target);
  if (action == "escalate_severity") return bind_escalate(params, target);
  if (action == "add_tag") return bind_add_tag(params, target);
  if (action == "add_note") return bind_text_action(params, target, {"text", "threat_id"});
  if (action == "open_ticket") {
    return bind_text_action(params, target, {"system", "priority", "title", "description", "threat_id"});
  }
  if (action == "run_hunt") return bind_text_action(params, target, {"query", "threat_id"});
  return bad("unknown action");
}

}  // namespace triagent::govern_detail
