#include "triagent/core/incident.hpp"

#include <algorithm>

#include "triagent/core/clock.hpp"
#include "triagent/core/json_string_writer.hpp"

namespace triagent {

namespace {

// The entity lists and their JSON names, so to_json, from_json and empty() cannot drift apart.
template <class E, class F>
void for_each_list(E& e, F&& f) {
  f("hosts", e.hosts);
  f("agent_ids", e.agent_ids);
  f("users", e.users);
  f("ips", e.ips);
  f("hashes", e.hashes);
  f("processes", e.processes);
  f("files", e.files);
  f("domains", e.domains);
  f("threat_ids", e.threat_ids);
  f("alert_ids", e.alert_ids);
  f("storylines", e.storylines);
}

}  // namespace

void Entities::add(std::vector<std::string>& list, std::string value) {
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) != list.end()) return;
  list.push_back(std::move(value));
}

bool Entities::empty() const {
  bool any = false;
  for_each_list(*this, [&](const char*, const std::vector<std::string>& l) { any = any || !l.empty(); });
  return !any;
}

void to_json(nlohmann::json& j, const Entities& e) {
  j = nlohmann::json::object();
  for_each_list(e, [&](const char* name, const std::vector<std::string>& l) {
    if (!l.empty()) j[name] = l;
  });
}

void from_json(const nlohmann::json& j, Entities& e) {
  for_each_list(e, [&](const char* name, std::vector<std::string>& l) {
    auto it = j.find(name);
    if (it != j.end() && it->is_array()) {
      for (const auto& v : *it) {
        if (v.is_string()) Entities::add(l, v.get<std::string>());
      }
    }
  });
}

void to_json(nlohmann::json& j, const Incident& i) {
  j = nlohmann::json{{"source", i.source},
                     {"kind", i.kind},
                     {"external_id", i.external_id},
                     {"tenant", i.tenant},
                     {"title", i.title},
                     {"severity", to_string(i.severity)},
                     {"time_ms", i.time_ms},
                     {"entities", i.entities},
                     {"raw", i.raw}};
  if (i.time_ms > 0) j["time"] = format_rfc3339_ms(i.time_ms);
}

namespace {

// An Entities object as nlohmann writes it: non-empty lists only, keys in sorted order.
void append_entities(std::string& out, const Entities& e) {
  const std::pair<const char*, const std::vector<std::string>*> sorted[] = {
      {"agent_ids", &e.agent_ids}, {"alert_ids", &e.alert_ids}, {"domains", &e.domains},
      {"files", &e.files},         {"hashes", &e.hashes},       {"hosts", &e.hosts},
      {"ips", &e.ips},             {"processes", &e.processes}, {"storylines", &e.storylines},
      {"threat_ids", &e.threat_ids}, {"users", &e.users}};
  out += '{';
  bool first = true;
  for (const auto& [name, list] : sorted) {
    if (list->empty()) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":[";
    for (std::size_t k = 0; k < list->size(); ++k) {
      if (k > 0) out += ',';
      append_json_string(out, (*list)[k]);
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

std::string incident_payload_json(const Incident& i, std::string_view raw_json) {
  if (raw_json.substr(0, 3) == "\xEF\xBB\xBF") raw_json.remove_prefix(3);
  std::string out;
  out.reserve(256 + raw_json.size() + i.title.size());
  // Keys in the order nlohmann's std::map keeps them.
  out += "{\"entities\":";
  append_entities(out, i.entities);
  out += ",\"external_id\":";
  append_json_string(out, i.external_id);
  out += ",\"kind\":";
  append_json_string(out, i.kind);
  out += ",\"raw\":";
  out += raw_json;
  out += ",\"severity\":\"";
  out += to_string(i.severity);
  out += "\",\"source\":";
  append_json_string(out, i.source);
  out += ",\"tenant\":";
  append_json_string(out, i.tenant);
  if (i.time_ms > 0) {
    out += ",\"time\":\"";
    out += format_rfc3339_ms(i.time_ms);
    out += '"';
  }
  out += ",\"time_ms\":";
  out += std::to_string(i.time_ms);
  out += ",\"title\":";
  append_json_string(out, i.title);
  out += '}';
  return out;
}

void from_json(const nlohmann::json& j, Incident& i) {
  i.source = j.value("source", "");
  i.kind = j.value("kind", "");
  i.external_id = j.value("external_id", "");
  i.tenant = j.value("tenant", "");
  i.title = j.value("title", "");
  i.severity = parse_severity(j.value("severity", "unknown")).value_or(Severity::unknown);
  i.time_ms = j.value("time_ms", std::int64_t{0});
  if (auto it = j.find("entities"); it != j.end()) i.entities = it->get<Entities>();
  if (auto it = j.find("raw"); it != j.end()) i.raw = *it;
}

}  // namespace triagent
