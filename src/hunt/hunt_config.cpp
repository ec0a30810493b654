// HuntConfig defaults, validation and YAML parsing (see hunt_config.hpp, hunt_config_yaml.hpp).
#include <set>

#include "triagent/core/severity.hpp"
#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_config_yaml.hpp"
#include "triagent/hunt/power_query_validator.hpp"

namespace triagent::hunt {

namespace {

Error bad(const std::string& key, const std::string& why) { return Error(ErrorCode::invalid_argument, "hunt." + key + ": " + why); }

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

HuntPolicy HuntConfig::policy() const {
  HuntPolicy p;
  p.allowed_commands = allowed_commands;
  p.default_limit = default_limit;
  p.max_limit = max_limit;
  p.max_window_hours = max_window_hours;
  return p;
}

Result<void> validate(const HuntConfig& c) {
  if (c.max_window_hours < 1 || c.max_window_hours > 24 * 90) return bad("max_window_hours", "must be within [1, 2160]");
  if (c.max_limit < 1 || c.max_limit > 10000) return bad("max_limit", "must be within [1, 10000]");
  if (c.default_limit < 1 || c.default_limit > c.max_limit) return bad("default_limit", "must be within [1, max_limit]");
  if (c.max_question_chars < 10 || c.max_question_chars > 20000) return bad("max_question_chars", "must be within [10, 20000]");
  if (c.max_output_tokens < 100 || c.max_output_tokens > 8000) return bad("max_output_tokens", "must be within [100, 8000]");
  if (c.field_catalogue.empty()) return bad("field_catalogue", "must name a file");
  if (c.templates.empty()) return bad("templates", "must name a file");
  static const std::set<std::string> known{"filter", "columns", "let", "group", "sort", "limit", "nolimit", "parse",
                                           "lookup", "join", "union", "top", "dedup"};
  for (std::size_t i = 0; i < c.allowed_commands.size(); ++i) {
    const std::string& cmd = c.allowed_commands[i];
    const std::string key = "allowed_commands[" + std::to_string(i) + "]";
    if (is_writing_command(cmd)) return bad(key, "'" + cmd + "' writes data and cannot be allowed");
    if (!known.count(cmd)) return bad(key, "unknown command '" + cmd + "'");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < c.schedules.size(); ++i) {
    const HuntSchedule& s = c.schedules[i];
    const std::string key = "schedules[" + std::to_string(i) + "]";
    if (!valid_name(s.name)) return bad(key + ".name", "expected [A-Za-z0-9_.-]{1,64}");
    if (!names.insert(s.name).second) return bad(key + ".name", "duplicate name '" + s.name + "'");
    if (s.query.empty()) return bad(key + ".query", "must not be empty");
    if (s.interval_seconds < 60 || s.interval_seconds > c.max_window_hours * 3600) {
      return bad(key + ".interval_seconds", "must be within [60, max_window_hours * 3600]");
    }
    if (s.threshold < 0) return bad(key + ".threshold", "must be >= 0");
    auto sev = parse_severity(s.severity);
    if (!sev || *sev == Severity::unknown) return bad(key + ".severity", "expected info, low, medium, high or critical");
  }
  return {};
}

Result<HuntConfig> parse_hunt_config(const YAML::Node& node) {
  HuntConfig c;
  if (!node || node.IsNull()) return c;
  if (!node.IsMap()) return bad("", "expected a mapping");
  try {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "enabled") c.enabled = v.as<bool>();
      else if (key == "field_catalogue") c.field_catalogue = v.as<std::string>();
      else if (key == "templates") c.templates = v.as<std::string>();
      else if (key == "prompts_dir") c.prompts_dir = v.as<std::string>();
      else if (key == "max_window_hours") c.max_window_hours = v.as<std::int64_t>();
      else if (key == "default_limit") c.default_limit = v.as<std::int64_t>();
      else if (key == "max_limit") c.max_limit = v.as<std::int64_t>();
      else if (key == "max_question_chars") c.max_question_chars = v.as<std::int64_t>();
      else if (key == "max_output_tokens") c.max_output_tokens = v.as<int>();
      else if (key == "allowed_commands") c.allowed_commands = v.as<std::vector<std::string>>();
      else if (key == "schedules") {
        if (!v.IsSequence()) return bad("schedules", "expected a list");
        for (std::size_t i = 0; i < v.size(); ++i) {
          HuntSchedule s;
          for (const auto& skv : v[i]) {
            const std::string sk = skv.first.as<std::string>();
            if (sk == "name") s.name = skv.second.as<std::string>();
            else if (sk == "query") s.query = skv.second.as<std::string>();
            else if (sk == "interval_seconds") s.interval_seconds = skv.second.as<std::int64_t>();
            else if (sk == "threshold") s.threshold = skv.second.as<std::int64_t>();
            else if (sk == "severity") s.severity = skv.second.as<std::string>();
            else return bad("schedules[" + std::to_string(i) + "]." + sk, "unknown key (expected one of: name, query, interval_seconds, threshold, severity)");
          }
          c.schedules.push_back(std::move(s));
        }
      } else {
        return bad(key, "unknown key (expected one of: enabled, field_catalogue, templates, prompts_dir, max_window_hours, "
                        "default_limit, max_limit, max_question_chars, max_output_tokens, allowed_commands, schedules)");
      }
    }
  } catch (const YAML::Exception& e) {
    return bad("", std::string("malformed value: ") + e.what());
  }
  if (auto ok = validate(c); !ok) return ok.error();
  return c;
}

}  // namespace triagent::hunt
