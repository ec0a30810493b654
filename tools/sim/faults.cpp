#include "faults.hpp"

#include <algorithm>

#include "sim_text.hpp"
#include "yaml_reader.hpp"

namespace triagent::sim {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::none: return "none";
    case FaultKind::status: return "status";
    case FaultKind::reset: return "reset";
    case FaultKind::slow_body: return "slow_body";
    case FaultKind::malformed_json: return "malformed_json";
    case FaultKind::truncated_body: return "truncated_body";
    case FaultKind::error_body_200: return "error_body_200";
  }
  return "none";
}

bool route_pattern_matches(std::string_view pattern, std::string_view path) {
  if (pattern == "*") return true;
  if (pattern.ends_with('*')) return path.starts_with(pattern.substr(0, pattern.size() - 1));
  if (pattern.ends_with('/')) return path.starts_with(pattern) || path == pattern.substr(0, pattern.size() - 1);
  if (pattern.find('{') == std::string_view::npos) return path == pattern;
  // Segment by segment; {name} matches one non-empty segment.
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty()) return false;
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pe = pattern.find('/');
    const auto se = path.find('/');
    std::string_view pseg = pattern.substr(0, pe);
    std::string_view sseg = path.substr(0, se);
    const bool param = pseg.size() >= 2 && pseg.front() == '{' && pseg.back() == '}';
    if (param ? sseg.empty() : pseg != sseg) return false;
    pattern = pe == std::string_view::npos ? std::string_view{} : pattern.substr(pe);
    path = se == std::string_view::npos ? std::string_view{} : path.substr(se);
  }
  return true;
}

bool FaultRule::matches(std::string_view m, std::string_view path) const {
  if (!method.empty() && !iequals(method, m)) return false;
  return route_pattern_matches(pattern, path);
}

nlohmann::json FaultRule::describe() const {
  nlohmann::json j{{"route", route}, {"kind", to_string(kind)}, {"seen", seen}, {"applied", applied}};
  if (latency_ms) j["latency_ms"] = latency_ms;
  if (kind == FaultKind::status) j["status"] = status;
  if (retry_after) j["retry_after"] = *retry_after;
  if (count) j["count"] = *count;
  if (after) j["after"] = after;
  if (kind == FaultKind::slow_body) j["slow_body"] = {{"bytes", slow_bytes}, {"interval_ms", slow_interval_ms}};
  return j;
}

namespace {

FaultRule read_rule(YamlMap& m) {
  FaultRule r;
  r.route = m.required_string("route");
  std::string_view text = trim_view(r.route);
  const auto space = text.find(' ');
  if (space != std::string_view::npos) {
    r.method = std::string(text.substr(0, space));
    for (auto& c : r.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    text = trim_view(text.substr(space + 1));
  }
  r.pattern = std::string(text);
  if (r.pattern.empty() || (r.pattern != "*" && r.pattern.front() != '/')) {
    m.fail(m.self()["route"], "route must be '[METHOD] /path', a prefix ending in '/' or '*', or '*'");
  }
  r.latency_ms = static_cast<int>(m.optional_int("latency_ms", 0, 0, 600000));
  auto pick = [&](FaultKind k, const char* key) {
    if (r.kind != FaultKind::none) m.fail(m.self()[key], std::string("one action per rule: '") + key + "' and '" + to_string(r.kind) + "'");
    r.kind = k;
  };
  if (m.has("status")) {
    r.status = static_cast<int>(m.optional_int("status", 500, 100, 599));
    pick(FaultKind::status, "status");
  }
  if (m.has("retry_after")) {
    r.retry_after = static_cast<int>(m.optional_int("retry_after", 1, 0, 86400));
    if (r.kind != FaultKind::status) m.fail(m.self()["retry_after"], "'retry_after' goes with 'status'");
  }
  for (auto [key, kind] : {std::pair{"reset", FaultKind::reset}, std::pair{"malformed_json", FaultKind::malformed_json},
                           std::pair{"truncated_body", FaultKind::truncated_body},
                           std::pair{"error_body_200", FaultKind::error_body_200}}) {
    if (m.optional_bool(key, false)) pick(kind, key);
  }
  if (m.has("slow_body")) {
    YAML::Node n = m.node("slow_body");
    if (n.IsScalar()) {
      r.slow_bytes = std::max(1, n.as<int>());
    } else {
      YamlMap sm(n, m.file(), m.where() + ".slow_body");
      r.slow_bytes = static_cast<int>(sm.optional_int("bytes", 16, 1, 1 << 20));
      r.slow_interval_ms = static_cast<int>(sm.optional_int("interval_ms", 100, 1, 60000));
      sm.finish();
    }
    pick(FaultKind::slow_body, "slow_body");
  } else {
    m.node("slow_body");
  }
  r.body = m.optional_string("body");
  r.message = m.optional_string("message");
  if (m.has("count")) r.count = m.optional_int("count", 1, 0, INT64_MAX);
  else m.node("count");
  r.after = m.optional_int("after", 0, 0, INT64_MAX);
  m.finish();
  if (r.kind == FaultKind::none && r.latency_ms == 0) m.fail(m.self(), "the rule does nothing (no latency_ms and no action)");
  return r;
}

}  // namespace

Result<std::vector<FaultRule>> parse_faults(std::string_view text, const std::string& source) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    // yaml-cpp's operator= on a Node assigns through it; reset() rebinds.
    YAML::Node list;
    list.reset(root);
    if (root.IsMap()) {
      YamlMap top(root, source, "fault file");
      list.reset(top.node("faults"));
      top.finish();
    }
    std::vector<FaultRule> rules;
    if (!list.IsDefined() || list.IsNull()) return rules;
    if (!list.IsSequence()) yaml_fail(source, list, "faults must be a list of rules");
    std::size_t i = 0;
    for (const auto& n : list) {
      YamlMap m(n, source, "faults[" + std::to_string(i++) + "]");
      rules.push_back(read_rule(m));
    }
    return rules;
  } catch (const YamlError& e) {
    return Error(ErrorCode::invalid_argument, e.what());
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::invalid_argument, source + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML/JSON: " + e.msg);
  }
}

void FaultBook::set(std::vector<FaultRule> rules) {
  std::lock_guard lock(mu_);
  rules_ = std::move(rules);
}

void FaultBook::clear() { set({}); }

FaultDecision FaultBook::decide(std::string_view method, std::string_view path) {
  FaultDecision d;
  if (path.starts_with("/_sim/") || path == "/_sim") return d;
  std::lock_guard lock(mu_);
  for (auto& r : rules_) {
    if (!r.matches(method, path)) continue;
    // Once an action is chosen, later action rules are neither applied nor counted, so a rule's
    // count means "requests it acted on".
    if (r.kind != FaultKind::none && d.kind != FaultKind::none) continue;
    ++r.seen;
    if (r.seen <= r.after) continue;
    if (r.count && r.seen > r.after + *r.count) continue;
    ++r.applied;
    d.latency_ms = std::max(d.latency_ms, r.latency_ms);
    if (r.kind != FaultKind::none) {
      d.kind = r.kind;
      d.status = r.status;
      d.retry_after = r.retry_after;
      d.body = r.body;
      d.message = r.message;
      d.slow_bytes = r.slow_bytes;
      d.slow_interval_ms = r.slow_interval_ms;
      d.rule = r.route;
    }
  }
  return d;
}

nlohmann::json FaultBook::describe() const {
  std::lock_guard lock(mu_);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : rules_) list.push_back(r.describe());
  return nlohmann::json{{"faults", list}};
}

}  // namespace triagent::sim
