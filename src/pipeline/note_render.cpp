#include "triagent/pipeline/note_render.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "pipeline/note_text.hpp"
#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {

namespace {

using analysis::AnalysisOutput;
using analysis::DegradedSource;
using analysis::EvidenceItem;
using note_text::clean_block;
using note_text::clean_id;
using note_text::clean_line;
using note_text::count_chars;

constexpr std::size_t kMaxDegradedLines = 5;  // bounded, so the never-cut part always fits
constexpr std::size_t kShortChars = 200;      // incident line, heading, footer, one degraded line
constexpr std::size_t kMinSummaryChars = 200;
constexpr std::size_t kMaxCitedIds = 8;

// One titled block of the note. List sections lose lines from the end when the note is too long
// and then say how many are not shown; text sections (`text` set) are shortened instead.
struct Section {
  std::string title;  // "Timeline:"; "" for the header
  std::vector<std::string> lines;
  std::string more_noun;  // "timeline entries": "... 3 more timeline entries"
  std::size_t hidden = 0;
  bool is_text = false;   // lines[0] is one block of text, shortened rather than dropped
  bool shortened = false;
};

// Header, assessment, footer: never shortened by lines.
Section untitled(std::vector<std::string> lines) {
  Section s;
  s.lines = std::move(lines);
  return s;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::string cited(const std::vector<std::string>& ids) {
  std::vector<std::string> shown;
  for (const auto& id : ids) {
    std::string clean = clean_id(id);
    if (clean.empty()) continue;
    if (shown.size() == kMaxCitedIds) {
      shown.push_back("+" + std::to_string(ids.size() - kMaxCitedIds));
      break;
    }
    shown.push_back(std::move(clean));
  }
  return shown.empty() ? "" : " [" + join(shown, ", ") + "]";
}

// A list capped at `max` lines before any length-based shortening.
Section list_section(std::string title, std::string noun, std::vector<std::string> lines, std::size_t max) {
  Section s{std::move(title), std::move(lines), std::move(noun)};
  if (s.lines.size() > max) {
    s.hidden = s.lines.size() - max;
    s.lines.resize(max);
  }
  return s;
}

std::string render(const std::vector<Section>& sections) {
  std::string out;
  for (const auto& s : sections) {
    if (s.lines.empty() && s.hidden == 0) continue;
    if (!out.empty()) out += "\n\n";
    std::vector<std::string> lines;
    if (!s.title.empty()) lines.push_back(s.title);
    for (const auto& line : s.lines) lines.push_back(line);
    if (s.hidden > 0) lines.push_back("... " + std::to_string(s.hidden) + " more " + s.more_noun);
    out += join(lines, "\n");
  }
  return out;
}

std::string format_confidence(double confidence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::clamp(confidence, 0.0, 1.0));
  return buf;
}

std::string source_display_name(std::string_view name) {
  if (name == "deep_visibility") return "Deep Visibility";
  if (name == "dataset") return "DataSet";
  if (name == "threat" || name == "singularity") return "Singularity";
  if (name == "storyline") return "Storyline";
  if (name == "llm") return "LLM";
  return clean_line(name, 64);
}

Section header_section(const NoteInput& in, const std::string& marker) {
  std::string first = marker;
  std::string heading = clean_line(in.heading, kShortChars);
  if (!heading.empty()) first += " " + heading;
  const Incident& inc = in.incident;
  std::string incident = "Incident: " + clean_line(inc.source, 32) + " " + clean_line(inc.kind, 32) + " " +
                         clean_line(inc.external_id, 64);
  if (inc.severity != Severity::unknown) incident += std::string(" (source severity ") + to_string(inc.severity) + ")";
  std::string title = clean_line(inc.title.empty() ? in.pack.title : inc.title, kShortChars);
  if (!title.empty()) incident += " - " + title;
  return untitled({first, clean_line(incident, kShortChars * 2)});
}

Section assessment_section(const NoteInput& in) {
  const AnalysisOutput& o = in.output;
  Severity severity = o.severity == Severity::unknown ? Severity::info : o.severity;
  std::string line = std::string("Assessment: severity ") + to_string(severity) + " (score " +
                     std::to_string(std::clamp(o.severity_score, 0, 100)) + "/100), confidence " +
                     format_confidence(o.confidence) + ", suggested verdict: " + analysis::to_string(o.verdict);
  Section s = untitled({line});
  // Each failed source once, in the order first reported.
  std::vector<DegradedSource> degraded;
  std::set<std::string> seen;
  for (const auto* list : {&in.degraded_sources, &in.pack.degraded_sources}) {
    for (const auto& d : *list) {
      if (seen.insert(d.name).second) degraded.push_back(d);
    }
  }
  for (std::size_t i = 0; i < degraded.size() && i < kMaxDegradedLines; ++i) {
    std::string reason = clean_line(degraded[i].reason, 100);
    s.lines.push_back(clean_line("Degraded: " + source_display_name(degraded[i].name) + " unavailable" +
                                     (reason.empty() ? "" : " (" + reason + ")") + "; the analysis is partial",
                                 kShortChars));
  }
  if (degraded.size() > kMaxDegradedLines) {
    s.lines.push_back("Degraded: " + std::to_string(degraded.size() - kMaxDegradedLines) +
                      " more sources unavailable; the analysis is partial");
  }
  return s;
}

Section techniques_section(const NoteInput& in, const NoteLimits& limits) {
  const auto& catalog = analysis::AttackCatalog::builtin();
  std::vector<std::string> lines;
  for (const auto& t : in.output.techniques) {
    std::string id = clean_id(t.id);
    if (id.empty()) continue;
    const analysis::Technique* known = catalog.find(id);
    std::string name = known ? known->name : clean_line(t.name, 128);
    lines.push_back(clean_line("- " + id + (name.empty() ? "" : " " + name) + cited(t.evidence_ids),
                               limits.max_line_chars));
  }
  return list_section("ATT&CK techniques:", "techniques", std::move(lines), limits.max_list_items);
}

Section iocs_section(const NoteInput& in, const NoteLimits& limits) {
  std::vector<std::string> lines;
  for (const auto& ioc : in.output.iocs) {
    lines.push_back(clean_line(std::string("- ") + analysis::to_string(ioc.type) + " " + ioc.value, limits.max_line_chars) +
                    cited(ioc.evidence_ids));
  }
  return list_section("IOCs:", "IOCs", std::move(lines), limits.max_list_items);
}

Section assets_section(const NoteInput& in, const NoteLimits& limits) {
  std::vector<std::string> lines;
  for (const auto& a : in.output.impacted_assets) {
    lines.push_back(clean_line(std::string("- ") + analysis::to_string(a.kind) + " " + a.name, limits.max_line_chars));
  }
  return list_section("Impacted assets:", "assets", std::move(lines), limits.max_list_items);
}

Section timeline_section(const NoteInput& in, const NoteLimits& limits) {
  std::vector<std::string> lines;
  if (!in.timeline_lines.empty()) {
    // The timeline stage already ordered them.
    for (const auto& line : in.timeline_lines) {
      std::string clean = clean_line(line, limits.max_line_chars);
      if (!clean.empty()) lines.push_back("- " + clean);
    }
  } else {
    // The model's entries, by time; those whose time does not parse keep their order at the end.
    std::vector<const analysis::TimelineEntry*> entries;
    for (const auto& e : in.output.timeline) entries.push_back(&e);
    auto key = [](const analysis::TimelineEntry* e) {
      std::int64_t ms = parse_rfc3339_ms(e->time);
      return ms < 0 ? INT64_MAX : ms;
    };
    std::stable_sort(entries.begin(), entries.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
    for (const auto* e : entries) {
      lines.push_back(clean_line("- " + e->time + " " + e->event, limits.max_line_chars) + cited(e->evidence_ids));
    }
  }
  return list_section("Timeline:", "timeline entries", std::move(lines), limits.max_timeline_lines);
}

// A table cell: one line, no '|' so the columns stay columns.
std::string cell(std::string_view text, std::size_t max_chars) {
  std::string out = clean_line(text, max_chars);
  std::replace(out.begin(), out.end(), '|', '/');
  return out.empty() ? "-" : out;
}

Section evidence_section(const NoteInput& in, const NoteLimits& limits) {
  std::vector<const EvidenceItem*> items;
  for (const auto& item : in.pack.items) items.push_back(&item);
  auto key = [](const EvidenceItem* e) { return e->time_ms > 0 ? e->time_ms : INT64_MAX; };
  std::stable_sort(items.begin(), items.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
  std::vector<std::string> lines;
  for (const auto* e : items) {
    std::string time = e->time_ms > 0 ? format_rfc3339_ms(e->time_ms) : "-";
    std::string summary = e->summary.empty() ? e->raw : e->summary;
    lines.push_back(cell(clean_id(e->id), 64) + " | " + time + " | " + cell(e->host, 64) + " | " +
                    analysis::to_string(e->source) + " | " + cell(summary, std::min<std::size_t>(160, limits.max_line_chars)));
  }
  Section s = list_section("Evidence (id | time | host | source | summary):", "evidence items", std::move(lines),
                           limits.max_evidence_rows);
  return s;
}

Section process_tree_section(const NoteInput& in, const NoteLimits& limits) {
  std::vector<std::string> lines;
  std::string_view tree = in.process_tree;
  while (!tree.empty()) {
    std::size_t end = tree.find('\n');
    std::string_view raw = tree.substr(0, end);
    tree = end == std::string_view::npos ? std::string_view{} : tree.substr(end + 1);
    // Indentation is the tree's shape: kept (bounded), while the rest is cleaned like any line.
    std::size_t indent = 0;
    std::size_t i = 0;
    for (; i < raw.size() && (raw[i] == ' ' || raw[i] == '\t'); ++i) indent += raw[i] == '\t' ? 2 : 1;
    std::string text = clean_line(raw.substr(i), limits.max_line_chars);
    if (!text.empty()) lines.push_back(std::string(std::min<std::size_t>(indent, 40), ' ') + text);
  }
  return list_section("Process tree:", "process tree lines", std::move(lines), limits.max_list_items);
}

Section text_section(std::string title, std::string text) {
  Section s{std::move(title), {}, ""};
  s.is_text = true;
  if (!text.empty()) s.lines.push_back(std::move(text));
  return s;
}

std::string action_params(const nlohmann::json& params) {
  if (!params.is_object() || params.empty()) return "";
  std::vector<std::string> parts;
  for (const auto& [key, value] : params.items()) {
    parts.push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
  }
  return " (" + join(parts, ", ") + ")";
}

Section actions_section(const NoteInput& in, const NoteLimits& limits) {
  std::set<std::string, std::less<>> held(in.actions_needing_approval.begin(), in.actions_needing_approval.end());
  std::vector<std::string> lines;
  for (const auto& a : in.output.recommended_actions) {
    std::string name = clean_id(a.action);
    if (name.empty()) continue;
    std::string line = "- " + name + (held.count(a.action) ? " [needs approval]" : "") + action_params(a.params);
    if (!a.reason.empty()) line += ": " + a.reason;
    lines.push_back(clean_line(line, limits.max_line_chars));
  }
  return list_section("Recommended actions:", "actions", std::move(lines), limits.max_list_items);
}

Section queries_section(const NoteInput& in, const NoteLimits& limits) {
  std::vector<std::string> lines;
  std::set<std::string> seen;
  for (const auto* list : {&in.queries_run, &in.pack.queries_run}) {
    for (const auto& q : *list) {
      std::string clean = clean_line(q, limits.max_line_chars);
      if (!clean.empty() && seen.insert(clean).second) lines.push_back("- " + clean);
    }
  }
  return list_section("Queries run:", "queries", std::move(lines), limits.max_list_items);
}

Section footer_section(const NoteInput& in) {
  auto part = [](std::string_view label, const std::string& value) {
    std::string clean = clean_line(value, 64);
    return clean.empty() ? std::string() : " | " + std::string(label) + " " + clean;
  };
  std::string line = "-- triagent" + part("provider", in.provider) + part("model", in.model) +
                     part("template", in.prompt_template_id) + " | AI-generated: verify before acting";
  return untitled({clean_line(line, kShortChars * 2)});
}

// Cuts a text section by `excess` characters (at least to `keep`); false when it cannot shrink.
bool shorten_text(Section& s, std::size_t excess, std::size_t keep) {
  if (s.lines.empty()) return false;
  static constexpr std::string_view suffix = " ... (shortened)";
  std::string& text = s.lines[0];
  if (s.shortened) text.resize(text.size() - suffix.size());
  const std::size_t chars = count_chars(text);
  const std::size_t need = excess + (s.shortened ? 0 : suffix.size());
  const std::size_t target = chars > keep + need ? chars - need : keep;
  if (target >= chars) {
    if (s.shortened) text += suffix;
    return false;
  }
  text = std::string(note_text::cut_chars(text, target));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  text += suffix;
  s.shortened = true;
  return true;
}

bool valid_job_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '-';
}

// Section indexes in note order.
enum Index : std::size_t {
  kHeader, kSummary, kAssessment, kTechniques, kIocs, kAssets, kTimeline, kEvidence, kTree, kRootCause,
  kActions, kQueries, kFooter
};

}  // namespace

Result<void> NoteLimits::validate() const {
  auto within = [](std::size_t v, std::size_t lo, std::size_t hi, const char* key) -> Result<void> {
    if (v < lo || v > hi) {
      return Error{ErrorCode::invalid_argument, std::string("pipeline.delivery.note.") + key + ": must be within [" +
                                                    std::to_string(lo) + ", " + std::to_string(hi) + "]"};
    }
    return {};
  };
  if (auto ok = within(max_chars, 2000, 100000, "max_chars"); !ok) return ok;
  if (auto ok = within(max_timeline_lines, 0, 1000, "max_timeline_lines"); !ok) return ok;
  if (auto ok = within(max_evidence_rows, 0, 1000, "max_evidence_rows"); !ok) return ok;
  if (auto ok = within(max_list_items, 1, 1000, "max_list_items"); !ok) return ok;
  return within(max_line_chars, 40, 4000, "max_line_chars");
}

Result<std::string> note_marker(std::string_view job_id) {
  if (job_id.empty() || job_id.size() > 64 || !std::all_of(job_id.begin(), job_id.end(), valid_job_char)) {
    return Error{ErrorCode::invalid_argument, "note marker: the job id must be 1..64 of [A-Za-z0-9._:-]"};
  }
  return std::string(note_text::kMarkerPrefix) + std::string(job_id) + "]";
}

Result<std::string> render_case_note(const NoteInput& in, const NoteLimits& limits) {
  if (auto ok = limits.validate(); !ok) return ok.error();
  auto marker = note_marker(in.job_id);
  if (!marker) return marker.error();

  std::vector<Section> sections(kFooter + 1);
  sections[kHeader] = header_section(in, *marker);
  sections[kSummary] = text_section("Summary:", clean_block(in.output.summary, analysis::AnalysisOutputLimits::summary_chars));
  if (sections[kSummary].lines.empty()) sections[kSummary].lines.push_back("(no summary)");
  sections[kAssessment] = assessment_section(in);
  sections[kTechniques] = techniques_section(in, limits);
  sections[kIocs] = iocs_section(in, limits);
  sections[kAssets] = assets_section(in, limits);
  sections[kTimeline] = timeline_section(in, limits);
  sections[kEvidence] = evidence_section(in, limits);
  sections[kTree] = process_tree_section(in, limits);
  sections[kRootCause] = text_section("Root cause:", clean_block(in.output.root_cause, analysis::AnalysisOutputLimits::root_cause_chars));
  sections[kActions] = actions_section(in, limits);
  sections[kQueries] = queries_section(in, limits);
  sections[kFooter] = footer_section(in);

  std::string note;
  std::size_t over = 0;  // characters past the limit, counted once per rendering
  auto rerender = [&] {
    note = render(sections);
    const std::size_t n = count_chars(note);
    over = n > limits.max_chars ? n - limits.max_chars : 0;
  };
  rerender();
  // The lower sections give way first, line by line from their ends. Each round drops the fewest
  // lines whose characters cover the excess, then renders once: the "... N more" line only grows as
  // N does, so no round drops a line that dropping them one at a time would have kept.
  for (Index i : {kEvidence, kTimeline, kTree, kQueries, kIocs, kAssets, kTechniques, kActions}) {
    Section& s = sections[i];
    while (over > 0 && !s.lines.empty()) {
      std::size_t dropped = 0;
      do {
        dropped += count_chars(s.lines.back()) + 1;  // the line and its '\n'
        s.lines.pop_back();
        ++s.hidden;
      } while (dropped < over && !s.lines.empty());
      rerender();
    }
  }
  // Then the texts: the root cause may go entirely, the summary keeps its start.
  if (over > 0 && shorten_text(sections[kRootCause], over, 0)) rerender();
  if (over > 0 && shorten_text(sections[kSummary], over, kMinSummaryChars)) rerender();
  // Unreachable with validated limits (the never-cut parts are bounded well below 2000); kept so
  // the limit holds whatever the inputs. The marker is first, so it survives.
  if (over > 0) note = std::string(note_text::cut_chars(note, limits.max_chars));
  note_text::neutralize_markers(note, marker->size());
  return note;
}

}  // namespace triagent
