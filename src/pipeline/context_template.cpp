#include "triagent/pipeline/context_template.hpp"

#include <algorithm>
#include <set>

#include "pipeline/context_template_text.hpp"

namespace triagent {

namespace {

constexpr std::pair<ContextSource, std::string_view> kSourceNames[] = {
    {ContextSource::dataset_powerquery, "dataset_powerquery"},
    {ContextSource::dataset_query, "dataset_query"},
    {ContextSource::deep_visibility, "deep_visibility"},
    {ContextSource::storyline, "storyline"},
    {ContextSource::threat_notes, "threat_notes"},
};

// A week either side is already more than any upstream keeps hot; more is a typo.
constexpr int kMaxWindowMinutes = 7 * 24 * 60;
// DataSet's maxCount allows 5000 (apis.md A.4); one query's events beyond that swamp the packer.
constexpr int kMaxResults = 5'000;
// PowerQuery's text limit (apis.md A.5); S1QL documents none, the same bound keeps it sane.
constexpr std::size_t kMaxTemplateTextBytes = 10'000;

Error config_error(const std::string& key, const std::string& message) {
  return Error{ErrorCode::invalid_argument, "pipeline.context." + key + ": " + message};
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

Result<void> validate_template(const ContextTemplate& t, const std::string& key) {
  if (!valid_name(t.name)) return config_error(key + ".name", "must be 1 to 64 characters of [a-z0-9_-]");
  if (t.text.empty()) return config_error(key + ".text", "must not be empty");
  if (t.text.size() > kMaxTemplateTextBytes) {
    return config_error(key + ".text", "must be at most " + std::to_string(kMaxTemplateTextBytes) + " bytes");
  }
  auto pieces = context_detail::parse_template_text(t.text);
  if (!pieces) return config_error(key + ".text", pieces.error().message);
  if (t.source == ContextSource::threat_notes &&
      !(pieces->size() == 1 && pieces->front().is_placeholder && pieces->front().text == "threat_id")) {
    return config_error(key + ".text", "a threat_notes template's text must be exactly {{threat_id}}");
  }
  if (t.window_before_minutes < 0 || t.window_before_minutes > kMaxWindowMinutes) {
    return config_error(key + ".window_before_minutes",
                        "must be within [0, " + std::to_string(kMaxWindowMinutes) + "]");
  }
  if (t.window_after_minutes < 0 || t.window_after_minutes > kMaxWindowMinutes) {
    return config_error(key + ".window_after_minutes", "must be within [0, " + std::to_string(kMaxWindowMinutes) + "]");
  }
  if (t.source != ContextSource::threat_notes && t.window_before_minutes + t.window_after_minutes == 0) {
    return config_error(key, "window_before_minutes + window_after_minutes must be above 0");
  }
  if (t.max_results < 1 || t.max_results > kMaxResults) {
    return config_error(key + ".max_results", "must be within [1, " + std::to_string(kMaxResults) + "]");
  }
  for (std::size_t i = 0; i < t.applies_to.size(); ++i) {
    if (t.applies_to[i].empty())
      return config_error(key + ".applies_to[" + std::to_string(i) + "]", "must not be empty");
  }
  return {};
}

}  // namespace

const char* to_string(ContextSource source) {
  for (const auto& [s, name] : kSourceNames) {
    if (s == source) return name.data();
  }
  return "unknown";
}

std::optional<ContextSource> parse_context_source(std::string_view name) {
  for (const auto& [s, n] : kSourceNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

QueryLanguage query_language(ContextSource source) {
  switch (source) {
    case ContextSource::dataset_powerquery:
    case ContextSource::dataset_query: return QueryLanguage::powerquery;
    case ContextSource::deep_visibility:
    case ContextSource::storyline: return QueryLanguage::s1ql;
    case ContextSource::threat_notes: return QueryLanguage::api_id;
  }
  return QueryLanguage::api_id;  // the strictest, for a value outside the enum
}

ContextPlanConfig with_defaults(ContextPlanConfig config) {
  if (config.templates.empty()) config.templates = default_context_templates();
  return config;
}

Result<void> validate(const ContextPlanConfig& config) {
  if (config.max_queries_per_job < 1 || config.max_queries_per_job > 64) {
    return config_error("max_queries_per_job", "must be within [1, 64]");
  }
  if (config.deadline_ms < 1'000 || config.deadline_ms > 3'600'000) {
    return config_error("deadline_ms", "must be within [1000, 3600000]");
  }
  if (config.max_value_bytes < 16 || config.max_value_bytes > 8'192) {
    return config_error("max_value_bytes", "must be within [16, 8192]");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < config.templates.size(); ++i) {
    const std::string key = "templates[" + std::to_string(i) + "]";
    if (auto ok = validate_template(config.templates[i], key); !ok) return ok.error();
    if (!names.insert(config.templates[i].name).second) {
      return config_error(key + ".name", "\"" + config.templates[i].name + "\" is used by an earlier template");
    }
  }
  return {};
}

}  // namespace triagent
