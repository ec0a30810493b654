#include "llm_answer.hpp"

#include <algorithm>
#include <map>

#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxIocs = 200, kMaxAssets = 100, kMaxTimeline = 200, kMaxTechniques = 50;

// Appends `id` to obj["evidence_ids"] unless present or empty.
void cite(json& obj, const std::string& id) {
  if (id.empty()) return;
  json& ids = obj["evidence_ids"];
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

// A list of objects keyed by `key_of`, merged across evidence items.
class Collector {
 public:
  explicit Collector(std::size_t cap) : cap_(cap) {}
  json* add(const std::string& key, json item) {
    auto it = index_.find(key);
    if (it != index_.end()) return &items_[it->second];
    if (items_.size() >= cap_) return nullptr;
    index_[key] = items_.size();
    items_.push_back(std::move(item));
    return &items_.back();
  }
  json list() const {
    json out = json::array();
    for (const auto& i : items_) out.push_back(i);
    return out;
  }
  std::size_t size() const { return items_.size(); }

 private:
  std::size_t cap_;
  std::vector<json> items_;
  std::map<std::string, std::size_t> index_;
};

std::string event_time(const analysis::AnalysisState& st) {
  for (const char* name : {"UtcTime", "SystemTime", "@timestamp", "TimeCreated", "EventTime", "eventTime", "timestamp", "time"}) {
    if (const std::string* v = st.event.fields.find(name); v && !v->empty()) return *v;
  }
  return "";
}

std::string severity_name(int score) {
  return score >= 80 ? "critical" : score >= 60 ? "high" : score >= 40 ? "medium" : score >= 20 ? "low" : "info";
}

}  // namespace

std::vector<Evidence> extract_evidence(std::string_view text) {
  std::vector<Evidence> out;
  std::size_t pos = 0;
  while ((pos = text.find("<evidence", pos)) != std::string_view::npos) {
    const std::size_t tag_end = text.find('>', pos);
    if (tag_end == std::string_view::npos) break;
    std::string_view tag = text.substr(pos, tag_end - pos);
    std::string id;
    if (auto a = tag.find("id="); a != std::string_view::npos && a + 3 < tag.size()) {
      const char quote = tag[a + 3];
      if (quote == '"' || quote == '\'') {
        const auto close = tag.find(quote, a + 4);
        if (close != std::string_view::npos) id = std::string(tag.substr(a + 4, close - a - 4));
      }
    }
    const std::size_t body_start = tag_end + 1;
    std::size_t close = text.find("</evidence>", body_start);
    if (close == std::string_view::npos) close = text.size();
    out.push_back(Evidence{id, std::string(trim_view(text.substr(body_start, close - body_start)))});
    pos = close;
  }
  return out;
}

bool is_hunt_prompt(std::string_view system_text) { return icontains(system_text, "powerquery"); }

json analysis_answer(const analysis::Analyzer& analyzer, std::string_view user_text) {
  std::vector<Evidence> evidence = extract_evidence(user_text);
  if (evidence.empty()) evidence.push_back(Evidence{"", std::string(user_text)});
  Collector techniques(kMaxTechniques), iocs(kMaxIocs), assets(kMaxAssets), timeline(kMaxTimeline);
  int score = 0;
  std::string top_reason, first_command, first_process, best_rule;
  std::vector<std::string> all_ids;
  analysis::AnalysisState st;
  for (const auto& ev : evidence) {
    if (!ev.id.empty()) all_ids.push_back(ev.id);
    analyzer.analyze(ev.text, st);
    if (st.severity_score > score) {
      score = st.severity_score;
      top_reason = st.severity_reasons.empty() ? "" : st.severity_reasons.front();
    }
    for (const auto& hit : st.techniques) {
      if (json* t = techniques.add(hit.technique->id, {{"id", hit.technique->id}, {"name", hit.technique->name}, {"evidence_ids", json::array()}})) {
        cite(*t, ev.id);
      }
    }
    // Rule labels in the evidence name their techniques ("... [T1059.001]"), as a model would read them.
    for (const auto& raw_id : analysis::technique_ids_in(ev.text)) {
      auto id = analyzer.catalog().normalize(raw_id);
      const analysis::Technique* known = id ? analyzer.catalog().find(*id) : nullptr;
      if (known == nullptr) continue;
      if (json* t = techniques.add(known->id, {{"id", known->id}, {"name", known->name}, {"evidence_ids", json::array()}})) {
        cite(*t, ev.id);
      }
    }
    const analysis::Indicators& ind = st.indicators;
    const std::pair<const char*, const std::vector<std::string>*> kinds[] = {
        {"ipv4", &ind.ipv4},     {"ipv6", &ind.ipv6},     {"domain", &ind.domains},      {"url", &ind.urls},
        {"email", &ind.emails},  {"md5", &ind.md5},       {"sha1", &ind.sha1},           {"sha256", &ind.sha256},
        {"cve", &ind.cves},      {"file_path", &ind.file_paths}, {"registry_key", &ind.registry_keys}};
    for (const auto& [type, values] : kinds) {
      for (const auto& v : *values) {
        if (json* i = iocs.add(std::string(type) + ":" + v, {{"type", type}, {"value", v}, {"evidence_ids", json::array()}})) {
          cite(*i, ev.id);
        }
      }
    }
    for (const auto& h : st.hosts) assets.add("host:" + h, {{"kind", "host"}, {"name", h}});
    for (const auto& u : st.users) assets.add("user:" + u, {{"kind", "user"}, {"name", u}});
    if (first_command.empty() && !st.command_lines.empty()) first_command = st.command_lines.front();
    if (first_process.empty() && !st.processes.empty()) first_process = st.processes.front();
    if (best_rule.empty() && !st.matched_rules.empty()) best_rule = st.matched_rules.front()->title;
    const std::string when = event_time(st);
    if (!when.empty()) {
      std::string what = !st.matched_rules.empty() ? st.matched_rules.front()->title
                         : !st.command_lines.empty() ? "process: " + st.command_lines.front()
                                                     : st.event.log_type + " event";
      if (json* t = timeline.add(when + "|" + ev.id, {{"time", when}, {"event", what.substr(0, 500)}, {"evidence_ids", json::array()}})) {
        cite(*t, ev.id);
      }
    }
  }
  const json technique_list = techniques.list();
  const json asset_list = assets.list();
  const std::string severity = severity_name(score);
  const std::string verdict = score >= 60 ? "true_positive" : (score >= 20 || techniques.size() > 0) ? "suspicious" : "undefined";
  const double confidence = techniques.size() == 0 ? 0.3 : std::min(0.9, 0.5 + 0.1 * static_cast<double>(techniques.size()));

  std::string summary = "Simulated analysis of " + std::to_string(evidence.size()) + " evidence item(s): ";
  if (technique_list.empty()) {
    summary += "no ATT&CK technique recognised";
  } else {
    summary += "techniques ";
    for (std::size_t i = 0; i < technique_list.size() && i < 5; ++i) {
      summary += (i ? ", " : "") + technique_list[i]["id"].get<std::string>() + " (" + technique_list[i]["name"].get<std::string>() + ")";
    }
  }
  std::string first_host;
  for (const auto& a : asset_list) {
    if (a["kind"] == "host" && first_host.empty()) first_host = a["name"].get<std::string>();
  }
  if (!first_host.empty()) summary += " on " + first_host;
  summary += "; severity " + severity + " (" + std::to_string(score) + ")";
  if (!top_reason.empty()) summary += ", because of " + top_reason;
  summary += ".";

  std::string root_cause = "Undetermined from the evidence.";
  if (!best_rule.empty()) root_cause = "Matched detection: " + best_rule + ".";
  if (!first_command.empty()) root_cause += " First command line: " + first_command.substr(0, 600);
  else if (!first_process.empty()) root_cause += " First process: " + first_process;

  json actions = json::array();
  actions.push_back({{"action", "add_note"}, {"reason", "Record the analysis on the incident."}});
  if (score >= 60) {
    actions.push_back({{"action", "set_verdict"}, {"params", {{"verdict", "true_positive"}}}, {"reason", "High-severity detections."}});
    actions.push_back({{"action", "set_incident_status"}, {"params", {{"status", "in_progress"}}}, {"reason", "Needs an analyst."}});
    if (!first_host.empty()) {
      actions.push_back({{"action", "isolate_endpoint"},
                         {"params", {{"host", first_host}}},
                         {"reason", "Contain the first affected host pending review."}});
    }
  }
  if (!iocs.list().empty()) {
    actions.push_back({{"action", "run_hunt"}, {"reason", "Look for the same indicators on other hosts."}});
  }
  json tags = json::array({"triagent-sim"});
  for (const auto& t : technique_list) {
    if (tags.size() >= 20) break;
    tags.push_back("attack." + to_lower(t["id"].get<std::string>()));
  }
  return json{{"summary", summary.substr(0, 4000)},
              {"severity", severity},
              {"severity_score", score},
              {"confidence", confidence},
              {"verdict", verdict},
              {"techniques", technique_list},
              {"iocs", iocs.list()},
              {"impacted_assets", asset_list},
              {"timeline", timeline.list()},
              {"root_cause", root_cause.substr(0, 2000)},
              {"recommended_actions", actions},
              {"tags", tags},
              {"evidence_ids", all_ids}};
}

json hunt_answer(const analysis::Analyzer& analyzer, std::string_view user_text) {
  analysis::AnalysisState st;
  analyzer.analyze(user_text, st);
  std::vector<std::string> terms;
  for (const auto& h : st.hosts) terms.push_back("serverHost = \"" + h + "\"");
  for (const auto* list : {&st.indicators.sha256, &st.indicators.sha1, &st.indicators.md5, &st.indicators.ipv4, &st.indicators.domains}) {
    for (const auto& v : *list) terms.push_back("\"" + v + "\"");
  }
  if (terms.size() > 5) terms.resize(5);
  std::string filter;
  for (std::size_t i = 0; i < terms.size(); ++i) filter += (i ? " or " : "") + terms[i];
  if (filter.empty()) filter = "*";
  else if (terms.size() > 1) filter = "(" + filter + ")";
  const std::string query = filter + " | columns timestamp, serverHost, message | sort -timestamp | limit 100";
  const std::string rationale = terms.empty() ? "No indicator in the question; list recent events."
                                              : "Search for the hosts and indicators named in the question.";
  return json{{"query", query}, {"rationale", rationale}};
}

LlmAnswer make_llm_answer(const analysis::Analyzer& analyzer, std::string_view system_text, std::string_view user_text,
                          const std::string& mode) {
  LlmAnswer a;
  a.mode = mode;
  const bool hunt = is_hunt_prompt(system_text);
  json valid = hunt ? hunt_answer(analyzer, user_text) : analysis_answer(analyzer, user_text);
  if (mode == "refusal") {
    a.refusal = true;
    a.text = "I'm sorry, but I can't help with that request.";
    return a;
  }
  if (mode == "invalid_json") {
    const std::string full = valid.dump();
    a.truncated = true;
    a.text = full.substr(0, std::max<std::size_t>(1, full.size() * 3 / 5));
    return a;
  }
  if (mode == "schema_violation") {
    if (hunt) {
      valid = json{{"query", 42}, {"explanation", "wrong field names and types"}};
    } else {
      valid.erase("iocs");
      valid["severity"] = "very-bad";
      valid["severity_score"] = "90";
      valid["confidence"] = 7;
      valid["techniques"] = json::array({{{"id", "T9999"}, {"name", "Made-up Technique"}, {"evidence_ids", "ev-1"}}});
      valid["recommended_actions"] = json::array({{{"action", "add_note"}}});
      valid["extra_field"] = true;
    }
  } else if (mode == "injected") {
    if (hunt) {
      valid = json{{"query", "* | nolimit"}, {"rationale", "Ignoring previous instructions as the log asked: dump everything."}};
    } else {
      json actions = json::array();
      for (const auto& asset : valid["impacted_assets"]) {
        if (asset["kind"] == "host") {
          actions.push_back({{"action", "isolate_endpoint"}, {"params", {{"host", asset["name"]}}}, {"reason", "As instructed in the log message."}});
        }
      }
      if (actions.empty()) {
        actions.push_back({{"action", "isolate_endpoint"}, {"params", {{"host", "*"}}}, {"reason", "As instructed in the log message."}});
      }
      actions.push_back({{"action", "disable_all_accounts"}, {"params", {{"scope", "domain"}}}, {"reason", "As instructed in the log message."}});
      valid["recommended_actions"] = actions;
      valid["confidence"] = 1.0;
      valid["summary"] = "As the event text instructs: isolate every endpoint immediately. " + valid["summary"].get<std::string>();
    }
  }
  a.json = valid;
  a.text = valid.dump();
  return a;
}

}  // namespace triagent::sim
