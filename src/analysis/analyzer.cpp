#include "triagent/analysis/analyzer.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "auth_failure_phrases.hpp"
#include "embedded_data.hpp"
#include "json_line_writer.hpp"
#include "triagent/analysis/id_field.hpp"
#include "triagent/analysis/json_flatten.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

constexpr std::array<std::string_view, 16> kUserFields = {
    "User", "SubjectUserName", "TargetUserName", "AccountName", "UserName", "SamAccountName", "ParentUser",
    "SourceUser", "TargetUser", "suser", "duser", "user", "userName", "UserId", "UserPrincipalName", "ruser"};
constexpr std::array<std::string_view, 12> kHostFields = {
    "Computer", "ComputerName", "Hostname", "host", "hostname", "WorkstationName", "DestinationHostname",
    "SourceHostname", "shost", "dhost", "dvchost", "MachineName"};
constexpr std::array<std::string_view, 10> kProcessFields = {
    "Image", "ParentImage", "NewProcessName", "ParentProcessName", "SourceImage", "TargetImage", "ProcessName",
    "exe", "comm", "program"};
constexpr std::array<std::string_view, 6> kCommandFields = {"CommandLine", "ParentCommandLine", "ProcessCommandLine",
                                                            "COMMAND", "cmd", "proctitle"};

// The entity field names in one small open-addressing table keyed by the leaf-name hash, so a
// field costs one probe instead of a compare against each of the 44 names (collect_entities runs
// this for every field of every event).
enum : unsigned { kUserKind = 1, kHostKind = 2, kProcessKind = 4, kCommandKind = 8 };

class EntityFieldNames {
 public:
  EntityFieldNames() {
    add(kUserFields, kUserKind);
    add(kHostFields, kHostKind);
    add(kProcessFields, kProcessKind);
    add(kCommandFields, kCommandKind);
  }
  // The kinds whose lists hold the leaf name of `key` (case-insensitive).
  unsigned kinds(std::string_view key, std::uint64_t leaf_hash) const {
    unsigned found = 0;
    for (std::size_t s = leaf_hash & kMask; slots_[s].kind != 0; s = (s + 1) & kMask) {
      if (slots_[s].hash != leaf_hash) continue;
      const auto dot = key.rfind('.');
      const std::string_view leaf = dot == std::string_view::npos ? key : key.substr(dot + 1);
      if (iequals(leaf, slots_[s].name)) found |= slots_[s].kind;
    }
    return found;
  }

 private:
  static constexpr std::size_t kMask = 127;
  struct Slot {
    std::uint64_t hash = 0;
    std::string_view name;
    unsigned kind = 0;
  };
  template <std::size_t N>
  void add(const std::array<std::string_view, N>& names, unsigned kind) {
    for (const auto name : names) {
      const std::uint64_t h = FieldList::name_hash(name);
      std::size_t s = h & kMask;
      while (slots_[s].kind != 0) s = (s + 1) & kMask;
      slots_[s] = Slot{h, name, kind};
    }
  }
  std::array<Slot, kMask + 1> slots_{};
};

const EntityFieldNames kEntityFields;

bool add_unique(std::vector<std::string>& list, std::string_view v, std::size_t cap) {
  if (v.empty() || v == "-" || list.size() >= cap) return false;
  for (const auto& x : list) {
    if (x == v) return false;
  }
  list.emplace_back(v);
  return true;
}

double level_weight(RuleLevel l) {
  switch (l) {
    case RuleLevel::informational: return 1;
    case RuleLevel::low: return 2;
    case RuleLevel::medium: return 3;
    case RuleLevel::high: return 4;
    case RuleLevel::critical: return 5;
  }
  return 3;
}

int level_base(RuleLevel l) {
  switch (l) {
    case RuleLevel::informational: return 15;
    case RuleLevel::low: return 30;
    case RuleLevel::medium: return 50;
    case RuleLevel::high: return 70;
    case RuleLevel::critical: return 85;
  }
  return 50;
}

// `key_and_empty` is a key and its separator followed by "[]" (",\"hosts\":[]"): all of it when
// the list is empty (most lists of most events), else the key and the list.
void write_list_items(JsonLineWriter& w, const std::vector<std::string>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) w.raw(',');
    w.quoted(list[i]);
  }
  w.raw(']');
}

// Inlined, so that the literal is copied by fixed-size moves.
[[gnu::always_inline]] inline void write_list(JsonLineWriter& w, std::string_view key_and_empty,
                                              const std::vector<std::string>& list) {
  if (list.empty()) {
    w.raw(key_and_empty);
    return;
  }
  w.raw(key_and_empty.substr(0, key_and_empty.size() - 1));  // the key and '['
  write_list_items(w, list);
}

}  // namespace

void AnalysisState::clear() {
  indicators.clear();
  users.clear();
  hosts.clear();
  processes.clear();
  command_lines.clear();
  matched_rules.clear();
  techniques.clear();
  severity_score = 0;
  severity = Severity::info;
  severity_reasons.clear();
  truncated = false;
}

Result<Analyzer> Analyzer::create(const AnalyzerConfig& config, std::vector<std::string>* warnings) {
  Analyzer a;
  a.config_ = config;
  a.detector_ = LogTypeDetector(config.json_limits);
  a.catalog_ = &AttackCatalog::builtin();
  if (a.catalog_->size() == 0) return make_error(ErrorCode::internal, "embedded ATT&CK table failed to load");
  auto rules = std::make_shared<SigmaRuleSet>();
  if (config.builtin_rules) {
    for (const auto& [name, text] : embedded::builtin_rules()) {
      auto n = rules->add_yaml(text, name, *a.catalog_, warnings);
      if (!n) return make_error(ErrorCode::internal, "built-in rules: " + n.error().message);
    }
  }
  for (const auto& dir : config.rule_dirs) {
    auto n = rules->add_directory(dir, *a.catalog_, warnings);
    if (!n) return n.error();
  }
  a.rules_ = std::move(rules);
  return a;
}

void Analyzer::collect_entities(AnalysisState& st) const {
  const ParsedEvent& ev = st.event;
  const std::size_t cap = config_.max_entities_per_kind;
  st.indicators.max_per_kind = cap;
  if (ev.format == InputFormat::text) {
    extractor_.scan(ev.raw.substr(0, config_.max_event_bytes), st.indicators);
  }
  std::size_t budget = config_.max_event_bytes;
  for (std::size_t i = 0; i < ev.fields.size(); ++i) {
    const Field& f = ev.fields[i];
    if (const unsigned kinds = kEntityFields.kinds(f.key, ev.fields.leaf_hash(i))) {
      if (kinds & kUserKind) add_unique(st.users, f.value, cap);
      else if (kinds & kHostKind) add_unique(st.hosts, f.value, cap);
      else if (kinds & kProcessKind) add_unique(st.processes, f.value, cap);
      if (kinds & kCommandKind) add_unique(st.command_lines, f.value, cap);
    }
    if (ev.format != InputFormat::text && budget > 0) {
      const std::string_view v = std::string_view(f.value).substr(0, budget);
      budget -= v.size();
      // An agent UUID looks like an MD5: a field named as an id gives no hashes (the name is only
      // read when the value is long enough to hold one).
      (v.size() >= 32 && names_an_id(f.key) ? id_extractor_ : extractor_).scan(v, st.indicators);
    }
  }
  for (const auto& u : st.indicators.users) add_unique(st.users, u, cap);
}

void Analyzer::rank_techniques(AnalysisState& st) const {
  for (const SigmaRule* r : st.matched_rules) {
    for (const auto& id : r->techniques) {
      const Technique* t = catalog_->find(id);
      if (!t) continue;
      auto it = std::find_if(st.techniques.begin(), st.techniques.end(),
                             [t](const TechniqueHit& h) { return h.technique == t; });
      if (it == st.techniques.end()) {
        st.techniques.push_back(TechniqueHit{t, 0, {}});
        it = st.techniques.end() - 1;
      }
      // A rule naming several techniques spreads its weight a little.
      // A rule naming several techniques spreads its weight a little; full-text keyword rules
      // are weaker evidence than rules on the event's own fields.
      it->score += level_weight(r->level) / (1.0 + 0.1 * static_cast<double>(r->techniques.size() - 1)) *
                   (r->keyword_only ? 0.6 : 1.0);
      it->rules.push_back(r);
    }
  }
  std::stable_sort(st.techniques.begin(), st.techniques.end(), [](const TechniqueHit& a, const TechniqueHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.technique->id.size() > b.technique->id.size();  // sub-technique first
  });
}

void Analyzer::score_severity(AnalysisState& st) const {
  int score = 0;
  auto reason = [&st](std::string r) { st.severity_reasons.push_back(std::move(r)); };
  if (!st.matched_rules.empty()) {
    RuleLevel top = RuleLevel::informational;
    for (const SigmaRule* r : st.matched_rules) top = std::max(top, r->level);
    score = level_base(top);
    for (const SigmaRule* r : st.matched_rules) {
      if (r->level == top) {
        reason(std::string("rule '") + r->title + "' (" + to_string(r->level) + ")");
        break;
      }
    }
    const int extra = static_cast<int>(std::min<std::size_t>(st.matched_rules.size() - 1, 3)) * 5;
    if (extra) {
      score += extra;
      reason(std::to_string(st.matched_rules.size()) + " rules matched");
    }
  }
  // The source's own severity, when it states one.
  const FieldList& f = st.event.fields;
  if (const std::string* sev = f.find("severity")) {
    const long long n = parse_uint(*sev);
    int s = -1;
    if (n >= 0 && n <= 10 && st.event.log_type == "cef") s = static_cast<int>(n) * 8;
    else if (auto parsed = parse_severity(*sev)) s = static_cast<int>(*parsed) * 15 - 15;
    if (s > score) {
      score = s;
      reason("source severity " + *sev);
    }
  }
  if (const std::string* level = f.find("level")) {
    if (iequals(*level, "error") || iequals(*level, "fatal") || iequals(*level, "critical") ||
        iequals(*level, "severe") || iequals(*level, "crit") || iequals(*level, "emerg") || iequals(*level, "alert")) {
      if (score < 25) {
        score = 25;
        reason("log level " + *level);
      }
    }
  }
  // Authentication failures are weak signals on their own (and change nothing above 30, so the
  // scan is skipped then).
  if (score < 30) {
    if (mentions_auth_failure(st.event.raw.substr(0, 4096))) {
      score = 30;
      reason("authentication failure");
    }
  }
  std::size_t public_ips = 0;
  for (const auto& ip : st.indicators.ipv4) public_ips += !is_private_ip(ip);
  if (public_ips && score > 0) {
    score += 5;
    reason("public IP address involved");
  }
  if (!st.indicators.urls.empty() && score > 0) {
    score += 3;
    reason("URL involved");
  }
  score = std::clamp(score, 0, 100);
  st.severity_score = score;
  st.severity = score >= 80 ? Severity::critical
                : score >= 60 ? Severity::high
                : score >= 40 ? Severity::medium
                : score >= 20 ? Severity::low
                              : Severity::info;
}

void Analyzer::detect(std::string_view line, AnalysisState& st) const {
  st.clear();
  if (line.size() > config_.max_event_bytes) {
    st.truncated = true;
    line = line.substr(0, config_.max_event_bytes);
  }
  detector_.detect(line, st.event);
}

void Analyzer::analyze(std::string_view line, AnalysisState& st) const {
  detect(line, st);
  collect_entities(st);
  rules_->match(st.event, [&st](const SigmaRule& r) { st.matched_rules.push_back(&r); });
  rank_techniques(st);
  score_severity(st);
}

void Analyzer::analyze_batch(std::span<const std::string_view> lines, std::span<AnalysisState> states) const {
  const std::size_t n = std::min(lines.size(), states.size());
  for (std::size_t k = 0; k < n; ++k) detect(lines[k], states[k]);
  for (std::size_t k = 0; k < n; ++k) collect_entities(states[k]);
  thread_local std::vector<const ParsedEvent*> events;
  events.clear();
  for (std::size_t k = 0; k < n; ++k) events.push_back(&states[k].event);
  rules_->match_each(events, [states](std::size_t k, const SigmaRule& r) { states[k].matched_rules.push_back(&r); });
  for (std::size_t k = 0; k < n; ++k) {
    rank_techniques(states[k]);
    score_severity(states[k]);
  }
}

void Analyzer::write_enriched(const AnalysisState& st, std::string& out) const {
  const ParsedEvent& ev = st.event;
  std::string_view raw = ev.raw;
  while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  // Room for the line as sent (twice: a text line's fields repeat its bytes) and the ai_* fields.
  JsonLineWriter w(2 * raw.size() + 1024);
  bool opened = false;
  if (ev.format == InputFormat::json && ev.json_status == JsonStatus::ok && !st.truncated) {
    // Keep the object as sent and add the ai_* fields before its closing brace.
    std::string_view body = trim(raw);
    body.remove_suffix(1);
    w.raw(body);
    const std::string_view inner = trim(body.substr(1));
    if (!inner.empty()) w.raw(',');
    opened = true;
  }
  if (!opened) {
    w.raw("{\"message\":");
    w.quoted(raw);
    w.raw(',');
    if (st.truncated) w.raw("\"ai_truncated\":true,");
    if (ev.format == InputFormat::json && ev.json_status != JsonStatus::ok) {
      w.raw("\"ai_parse_error\":");
      w.quoted(to_string(ev.json_status));
      w.raw(',');
    }
  }
  w.raw("\"ai_log_type\":");
  w.quoted(ev.log_type);
  if (ev.format == InputFormat::text && !ev.fields.empty()) {
    w.raw(",\"ai_fields\":{");
    bool first = true;
    for (const Field& f : ev.fields) {
      if (first) {
        w.raw('"');
      } else {
        w.raw(",\"");
      }
      first = false;
      w.escaped(f.key);
      w.raw("\":\"");
      w.escaped(f.value);
      w.raw('"');
    }
    w.raw('}');
  }
  const Indicators& ind = st.indicators;
  write_list(w, ",\"ai_entities\":{\"users\":[]", st.users);
  write_list(w, ",\"hosts\":[]", st.hosts);
  write_list(w, ",\"processes\":[]", st.processes);
  write_list(w, ",\"command_lines\":[]", st.command_lines);
  write_list(w, ",\"file_paths\":[]", ind.file_paths);
  write_list(w, ",\"registry_keys\":[]", ind.registry_keys);
  if (ind.ipv4.empty() && ind.ipv6.empty()) {
    w.raw(",\"ips\":[]},\"ai_iocs\":{\"ips\":[]");
  } else {
    // Whether each address is private, asked once for both lists below.
    thread_local std::vector<char> is_private;
    is_private.clear();
    for (const auto* list : {&ind.ipv4, &ind.ipv6}) {
      for (const auto& ip : *list) is_private.push_back(is_private_ip(ip));
    }
    w.raw(",\"ips\":[");
    std::size_t k = 0;
    for (const auto* list : {&ind.ipv4, &ind.ipv6}) {
      for (const auto& ip : *list) {
        w.raw(k == 0 ? std::string_view("{\"ip\":") : std::string_view(",{\"ip\":"));
        w.quoted(ip);
        w.raw(is_private[k++] ? std::string_view(",\"private\":true}") : std::string_view(",\"private\":false}"));
      }
    }
    w.raw("]},\"ai_iocs\":{\"ips\":[");
    bool first = true;
    k = 0;
    for (const auto* list : {&ind.ipv4, &ind.ipv6}) {
      for (const auto& ip : *list) {
        if (is_private[k++]) continue;
        if (!first) w.raw(',');
        first = false;
        w.quoted(ip);
      }
    }
    w.raw(']');
  }
  write_list(w, ",\"domains\":[]", ind.domains);
  write_list(w, ",\"urls\":[]", ind.urls);
  write_list(w, ",\"emails\":[]", ind.emails);
  write_list(w, ",\"md5\":[]", ind.md5);
  write_list(w, ",\"sha1\":[]", ind.sha1);
  write_list(w, ",\"sha256\":[]", ind.sha256);
  write_list(w, ",\"cves\":[]", ind.cves);
  w.raw("},\"ai_attack_technique\":[");
  for (std::size_t i = 0; i < st.techniques.size(); ++i) {
    const TechniqueHit& h = st.techniques[i];
    if (i) w.raw(',');
    w.raw("{\"id\":");
    w.quoted(h.technique->id);
    w.raw(",\"name\":");
    w.quoted(h.technique->name);
    write_list(w, ",\"tactics\":[]", h.technique->tactics);
    // to_chars prints as printf's "%.2f" does, without parsing a format for every technique.
    w.raw(",\"score\":");
    char buf[400];  // room for any double in fixed notation (DBL_MAX has 309 digits)
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, h.score, std::chars_format::fixed, 2);
    w.raw(ec == std::errc() ? std::string_view(buf, static_cast<std::size_t>(end - buf)) : std::string_view("0"));
    w.raw('}');
  }
  w.raw("],\"ai_severity_score\":");
  char score[16];
  const auto [score_end, ec] = std::to_chars(score, score + sizeof score, st.severity_score);
  w.raw(std::string_view(score, static_cast<std::size_t>(score_end - score)));
  w.raw(",\"ai_severity\":");
  w.quoted(to_string(st.severity));
  write_list(w, ",\"ai_severity_reasons\":[]", st.severity_reasons);
  w.raw(",\"ai_matched_rules\":[");
  for (std::size_t i = 0; i < st.matched_rules.size(); ++i) {
    const SigmaRule* r = st.matched_rules[i];
    if (i) w.raw(',');
    w.raw("{\"id\":");
    w.quoted(r->id);
    w.raw(",\"title\":");
    w.quoted(r->title);
    w.raw(",\"level\":");
    w.quoted(to_string(r->level));
    write_list(w, ",\"techniques\":[]", r->techniques);
    w.raw('}');
  }
  w.raw("]}");
  w.finish(out);
}

}  // namespace triagent::analysis
