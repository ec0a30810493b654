// Result interpretation and follow-up queries (see hunt_interpret.hpp).
#include "triagent/hunt/hunt_interpret.hpp"

#include <algorithm>
#include <map>

#include "triagent/hunt/power_query_validator.hpp"

namespace triagent::hunt {

namespace {

std::string cell_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

int column_index(const DataSetTable& t, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].name == n) return static_cast<int>(i);
    }
  }
  return -1;
}

// The most frequent non-empty value of a column, with its count (weighted by a count column when
// the table is a group result would be nicer; rows are what the analyst sees).
std::vector<std::pair<std::string, int>> top_values(const DataSetTable& t, std::size_t col, std::size_t n) {
  std::map<std::string, int> counts;
  for (const auto& row : t.rows) {
    if (col < row.size()) {
      std::string v = cell_text(row[col]);
      if (!v.empty()) counts[v.substr(0, 120)]++;
    }
  }
  std::vector<std::pair<std::string, int>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > n) out.resize(n);
  return out;
}

}  // namespace

std::string interpret_results(const DataSetTable& t) {
  std::string out = std::to_string(t.rows.size()) + (t.rows.size() == 1 ? " row" : " rows");
  out += " (" + std::to_string(t.matching_events) + " matching events).";
  if (t.rows.empty()) {
    out += " Nothing matched in this window: that is a finding too (absence of the activity), unless the data "
           "source is not ingested.";
  }
  std::size_t described = 0;
  for (std::size_t c = 0; c < t.columns.size() && described < 2 && !t.rows.empty(); ++c) {
    const bool texty = std::any_of(t.rows.begin(), t.rows.end(),
                                   [c](const auto& row) { return c < row.size() && row[c].is_string(); });
    if (!texty || t.columns[c].name == "timestamp" || t.columns[c].name == "message" || t.columns[c].name == "event.time") continue;
    auto top = top_values(t, c, 3);
    if (top.empty()) continue;
    out += " Most frequent " + t.columns[c].name + ": ";
    for (std::size_t i = 0; i < top.size(); ++i) {
      out += (i ? ", " : "") + top[i].first + " (" + std::to_string(top[i].second) + ")";
    }
    out += ".";
    ++described;
  }
  if (t.omitted_events > 0 || t.truncated) out += " The result is incomplete: narrow the time window or the filter.";
  for (const auto& w : t.warnings) {
    out += " DataSet warning: " + w.substr(0, 200);
    break;
  }
  return out;
}

std::vector<FollowUp> follow_ups(const DataSetTable& t, const HuntTemplates& templates, const HuntPolicy& policy,
                                 const FieldCatalogue& catalogue, const std::string& exclude_template) {
  struct Candidate {
    const char* template_id;
    const char* slot;
    std::initializer_list<const char*> columns;
  };
  const Candidate candidates[] = {
      {"host_activity", "host", {"endpoint.name", "serverHost", "Hostname"}},
      {"process_tree_parent", "process", {"src.process.name", "Image"}},
      {"outbound_to_ip", "ip", {"dst.ip.address", "DestinationIp", "src.ip.address", "IpAddress"}},
      {"logins_by_user", "user", {"event.login.userName", "src.process.user", "TargetUserName"}},
  };
  std::vector<FollowUp> out;
  for (const auto& c : candidates) {
    if (out.size() >= 3) break;
    if (exclude_template == c.template_id) continue;
    const HuntTemplate* tpl = templates.find(c.template_id);
    const int col = column_index(t, c.columns);
    if (!tpl || col < 0) continue;
    auto top = top_values(t, static_cast<std::size_t>(col), 1);
    if (top.empty()) continue;
    auto text = templates.render(*tpl, {{c.slot, top.front().first}});
    if (!text) continue;
    auto v = validate_power_query(*text, policy, catalogue);
    if (!v.ok) continue;
    out.push_back(FollowUp{tpl->title + ": " + top.front().first, v.text});
  }
  return out;
}

}  // namespace triagent::hunt
