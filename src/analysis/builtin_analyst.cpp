#include "triagent/analysis/builtin_analyst.hpp"

#include <algorithm>
#include <map>

#include "analysis_output_text.hpp"
#include "builtin_collect.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/clock.hpp"

namespace triagent::analysis {
namespace {

using Limits = AnalysisOutputLimits;

double level_confidence(RuleLevel l) {
  switch (l) {
    case RuleLevel::informational: return 0.3;
    case RuleLevel::low: return 0.4;
    case RuleLevel::medium: return 0.5;
    case RuleLevel::high: return 0.6;
    case RuleLevel::critical: return 0.7;
  }
  return 0.5;
}

// The incident's own severity, on the analyzer's scale ("source severity": info 0 .. critical 60).
int source_floor(Severity s) { return s == Severity::unknown ? 0 : static_cast<int>(s) * 15 - 15; }

int combined_score(const BuiltinFindings& f, Severity incident) {
  int score = f.strongest() ? f.strongest()->score : 0;
  // Corroboration: further items with a rule match (not mere weak signals) raise the score.
  if (f.items_with_rules > 1) score += static_cast<int>(std::min<std::size_t>(f.items_with_rules - 1, 3)) * 5;
  return std::clamp(std::max(score, source_floor(incident)), 0, 100);
}

std::string time_text(std::int64_t ms) { return ms > 0 ? format_rfc3339_ms(ms) : "unknown"; }

std::string summary_text(const EvidencePack& pack, const BuiltinFindings& f, const AnalysisOutput& out) {
  std::map<std::string, std::size_t> by_source;
  for (const auto& item : pack.items) ++by_source[to_string(item.source)];
  std::string s = "Built-in analysis (no LLM) of " + (pack.kind.empty() ? std::string("incident") : pack.kind);
  if (!pack.title.empty()) s += " \"" + clean_utf8(pack.title, 200) + "\"";
  s += ": " + std::to_string(pack.items.size()) + " evidence item" + (pack.items.size() == 1 ? "" : "s");
  if (!by_source.empty()) {
    std::string sources;
    for (const auto& [name, n] : by_source) sources += (sources.empty() ? "" : ", ") + std::to_string(n) + " " + name;
    s += " (" + sources + ")";
  }
  s += ". ";
  if (f.techniques.empty()) {
    s += f.any_rule ? "Detection rules matched on " + std::to_string(f.items_with_rules) + " items, naming no ATT&CK technique. "
                    : "No detection rule matched. ";
  } else {
    s += "Detection rules matched on " + std::to_string(f.items_with_rules) + " item" +
         (f.items_with_rules == 1 ? "" : "s") + "; ATT&CK techniques: ";
    for (std::size_t i = 0; i < std::min<std::size_t>(f.techniques.size(), 8); ++i) {
      const auto& t = f.techniques[i];
      s += (i ? "; " : "") + t.id + " " + t.name + " (" + t.evidence_ids.front() +
           (t.evidence_ids.size() > 1 ? " and " + std::to_string(t.evidence_ids.size() - 1) + " more" : "") + ")";
    }
    if (f.techniques.size() > 8) s += "; and " + std::to_string(f.techniques.size() - 8) + " more";
    s += ". ";
  }
  if (f.strongest()) {
    s += "Strongest signal on " + f.strongest()->item->id;
    if (!f.strongest()->top_rule.empty()) s += ": rule '" + f.strongest()->top_rule + "' (" + to_string(f.strongest()->top_level) + ")";
    s += ". ";
  }
  s += std::string("Severity ") + to_string(out.severity) + " (score " + std::to_string(out.severity_score) + "). ";
  s += std::to_string(out.iocs.size()) + " IOC" + (out.iocs.size() == 1 ? "" : "s") + " found in the evidence.";
  if (!pack.degraded_sources.empty()) {
    std::string names;
    for (const auto& d : pack.degraded_sources) names += (names.empty() ? "" : ", ") + d.name;
    s += " Partial analysis: " + names + " could not be read.";
  }
  return clean_utf8(s, Limits::summary_chars);
}

std::string root_cause_text(const BuiltinFindings& f) {
  std::string s = "Not determined by the built-in analyzer";
  if (f.strongest() && !f.strongest()->top_rule.empty()) {
    s += "; the strongest signal is rule '" + f.strongest()->top_rule + "' (" + to_string(f.strongest()->top_level) +
         ") on " + f.strongest()->item->id + ".";
  } else {
    s += ": no detection rule matched the evidence.";
  }
  return clean_utf8(s, Limits::root_cause_chars);
}

std::string event_text(const ItemVerdict& v) {
  std::string s;
  if (!v.item->summary.empty()) s = v.item->summary;
  else if (!v.top_rule.empty()) s = "rule '" + v.top_rule + "' matched a " + v.log_type + " event";
  else s = std::string(to_string(v.item->source)) + " " + (v.log_type.empty() ? "event" : v.log_type + " event");
  if (!v.item->host.empty()) s += " on " + v.item->host;
  s = clean_utf8(s, Limits::text_chars);
  return trim(s).empty() ? std::string("event") : s;
}

std::vector<TimelineEntry> timeline(const BuiltinFindings& f) {
  std::vector<const ItemVerdict*> order;
  for (const auto& v : f.items) {
    if (!v.item->id.empty()) order.push_back(&v);
  }
  // Known times first, oldest first; items without a time keep the pack's order at the end.
  std::stable_sort(order.begin(), order.end(), [](const ItemVerdict* a, const ItemVerdict* b) {
    const auto ta = a->item->time_ms, tb = b->item->time_ms;
    if ((ta > 0) != (tb > 0)) return ta > 0;
    return ta > 0 && ta < tb;
  });
  std::vector<TimelineEntry> out;
  for (const ItemVerdict* v : order) {
    if (out.size() == Limits::timeline) break;
    out.push_back({time_text(v->item->time_ms), event_text(*v), {v->item->id}});
  }
  return out;
}

std::vector<std::string> tags(const BuiltinFindings& f) {
  std::vector<std::string> out = {"triagent.builtin"};
  for (const auto& t : f.techniques) {
    if (out.size() == Limits::tags) break;
    out.push_back("attack." + to_lower(t.id));
  }
  return out;
}

}  // namespace

AnalysisOutput BuiltinAnalyst::analyze(const EvidencePack& pack) const {
  const BuiltinFindings f = collect_findings(analyzer_, pack);
  AnalysisOutput out;
  for (const auto& t : f.techniques) out.techniques.push_back({t.id, t.name, t.evidence_ids});
  out.iocs = f.iocs;
  out.impacted_assets = f.assets;
  out.severity_score = combined_score(f, pack.severity);
  out.severity = severity_for_score(out.severity_score);
  const bool suspicious = !f.techniques.empty() || out.severity_score >= 40;
  out.verdict = suspicious ? Verdict::suspicious : Verdict::undefined;
  if (f.any_rule) {
    const double corroboration = 0.05 * static_cast<double>(std::min<std::size_t>(f.items_with_rules - 1, 3));
    out.confidence = std::min(0.85, level_confidence(f.top_level) + corroboration);
  } else {
    out.confidence = f.items_scored > 0 ? 0.2 : 0.1;
  }
  out.timeline = timeline(f);
  out.tags = tags(f);
  out.summary = summary_text(pack, f, out);
  out.root_cause = root_cause_text(f);
  for (const auto& item : pack.items) {
    if (item.id.empty() || out.evidence_ids.size() == Limits::evidence_ids) continue;
    if (std::find(out.evidence_ids.begin(), out.evidence_ids.end(), item.id) == out.evidence_ids.end()) {
      out.evidence_ids.push_back(item.id);
    }
  }
  if (policy_.allows("add_note")) {
    out.recommended_actions.push_back({"add_note", nlohmann::json::object(),
                                       "Record the built-in analysis on the incident for the analyst."});
  }
  if (policy_.allows("add_tag")) {
    out.recommended_actions.push_back({"add_tag", nlohmann::json::object(),
                                       f.techniques.empty() ? "Mark the incident as analysed by the built-in analyzer."
                                                            : "Tag the incident with the ATT&CK techniques that matched."});
  }
  return out;
}

}  // namespace triagent::analysis
