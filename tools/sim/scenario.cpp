#include "scenario.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "dv_fields.hpp"
#include "sim_text.hpp"
#include "yaml_reader.hpp"

namespace triagent::sim {

bool is_dv_settable_field(std::string_view name) {
  auto in = [name](const auto& list) { return std::find(list.begin(), list.end(), name) != list.end(); };
  return in(kDvSampleFields) || in(kDvExtraFields);
}

const ScenarioAgent* Scenario::find_agent(std::string_view id) const {
  for (const auto& a : agents) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

std::int64_t Scenario::now() const {
  if (now_ns) return *now_ns;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

std::string indexed(const std::string& list, std::size_t i) { return list + "[" + std::to_string(i) + "]"; }

YAML::Node sequence(YamlMap& m, const std::string& key) {
  YAML::Node n = m.node(key);
  if (n.IsDefined() && !n.IsNull() && !n.IsSequence()) m.fail(n, "'" + key + "' must be a list");
  return n;
}

ScenarioAgent read_agent(YamlMap& m) {
  ScenarioAgent a;
  a.id = m.required_string("id");
  a.uuid = m.required_string("uuid");
  a.computer_name = m.required_string("computer_name");
  a.domain = m.optional_string("domain", "WORKGROUP");
  a.os_name = m.optional_string("os_name", "Windows 10 Pro");
  a.os_type = m.optional_string("os_type", "windows");
  a.os_revision = m.optional_string("os_revision");
  a.agent_version = m.optional_string("agent_version", "24.1.4.257");
  a.machine_type = m.optional_string("machine_type", "desktop");
  a.inet = m.string_list("inet");
  a.inet6 = m.string_list("inet6");
  a.mac = m.optional_string("mac");
  a.external_ip = m.optional_string("external_ip");
  a.last_logged_in_user = m.optional_string("last_logged_in_user");
  a.network_status = m.optional_string("network_status", "connected");
  a.is_active = m.optional_bool("is_active", true);
  a.infected = m.optional_bool("infected", false);
  a.registered_at_ns = m.time_ns("registered_at", false).value_or(0);
  a.last_active_ns = m.time_ns("last_active", false).value_or(0);
  m.finish();
  return a;
}

ThreatIndicator read_indicator(YamlMap& m) {
  ThreatIndicator ind;
  ind.category = m.required_string("category");
  ind.description = m.required_string("description");
  for (const auto& s : m.string_list("ids")) {
    try {
      ind.ids.push_back(std::stoll(s));
    } catch (const std::exception&) {
      m.fail(m.self()["ids"], "'ids' must be integers");
    }
  }
  YAML::Node techniques = sequence(m, "techniques");
  std::size_t i = 0;
  for (const auto& t : techniques) {
    YamlMap tm(t, m.file(), m.where() + "." + indexed("techniques", i++));
    ind.techniques.push_back(
        ThreatTechnique{tm.required_string("id"), tm.optional_string("name"), tm.required_string("tactic")});
    tm.finish();
  }
  m.finish();
  return ind;
}

ScenarioThreat read_threat(YamlMap& m, const Scenario& s) {
  ScenarioThreat t;
  t.id = m.required_string("id");
  t.agent_id = m.required_string("agent");
  if (!s.find_agent(t.agent_id)) m.fail(m.self()["agent"], "agent '" + t.agent_id + "' is not in agents");
  t.name = m.required_string("name");
  t.classification = m.optional_string("classification", t.classification);
  t.classification_source = m.optional_string("classification_source", t.classification_source);
  t.confidence_level = m.optional_string("confidence_level", t.confidence_level);
  t.analyst_verdict = m.optional_string("analyst_verdict", t.analyst_verdict);
  t.incident_status = m.optional_string("incident_status", t.incident_status);
  t.mitigation_status = m.optional_string("mitigation_status", t.mitigation_status);
  t.detection_type = m.optional_string("detection_type", t.detection_type);
  t.initiated_by = m.optional_string("initiated_by", t.initiated_by);
  t.engines = m.string_list("engines");
  t.file_path = m.optional_string("file_path");
  t.file_size = m.optional_int("file_size", 0, 0, INT64_MAX);
  t.sha1 = m.optional_string("sha1");
  t.sha256 = m.optional_string("sha256");
  t.md5 = m.optional_string("md5");
  t.storyline = m.optional_string("storyline");
  t.process_user = m.optional_string("process_user");
  t.originator_process = m.optional_string("originator_process");
  t.command_line = m.optional_string("command_line");
  t.publisher = m.optional_string("publisher");
  t.created_at_ns = *m.time_ns("created_at", true);
  t.identified_at_ns = m.time_ns("identified_at", false).value_or(t.created_at_ns);
  t.updated_at_ns = m.time_ns("updated_at", false).value_or(t.created_at_ns);
  YAML::Node indicators = sequence(m, "indicators");
  std::size_t i = 0;
  for (const auto& n : indicators) {
    YamlMap im(n, m.file(), m.where() + "." + indexed("indicators", i++));
    t.indicators.push_back(read_indicator(im));
  }
  m.finish();
  return t;
}

ScenarioAlert read_alert(YamlMap& m, const Scenario& s) {
  ScenarioAlert a;
  a.id = m.required_string("id");
  a.name = m.required_string("name");
  a.description = m.optional_string("description");
  a.severity = m.optional_string("severity", a.severity);
  a.status = m.optional_string("status", a.status);
  a.analyst_verdict = m.optional_string("analyst_verdict", a.analyst_verdict);
  a.classification = m.optional_string("classification", a.classification);
  a.confidence_level = m.optional_string("confidence_level", a.confidence_level);
  a.result = m.optional_string("result", a.result);
  a.agent_id = m.required_string("agent");
  if (!s.find_agent(a.agent_id)) m.fail(m.self()["agent"], "agent '" + a.agent_id + "' is not in agents");
  a.storyline = m.optional_string("storyline");
  a.file_name = m.optional_string("file_name", "N/A");
  a.file_hash = m.optional_string("file_hash", "N/A");
  a.threat_id = m.optional_string("threat_id");
  a.analytics_name = m.optional_string("analytics_name", "Behavioral AI");
  a.analytics_category = m.optional_string("analytics_category", "Malicious behavior");
  a.detected_at_ns = *m.time_ns("detected_at", true);
  m.finish();
  return a;
}

ScenarioDvEvent read_dv_event(YamlMap& m, const Scenario& s) {
  ScenarioDvEvent e;
  e.agent_id = m.required_string("agent");
  if (!s.find_agent(e.agent_id)) m.fail(m.self()["agent"], "agent '" + e.agent_id + "' is not in agents");
  e.time_ns = *m.time_ns("time", true);
  e.fields = nlohmann::json::object();
  e.fields["eventType"] = m.required_string("type");
  for (auto it = m.self().begin(); it != m.self().end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "agent" || key == "time" || key == "type") continue;
    if (!is_dv_settable_field(key)) {
      m.fail(it->first, "unknown key '" + key + "' (not a Deep Visibility field the simulator knows, or one it derives)");
    }
    if (!it->second.IsScalar() && !it->second.IsNull()) m.fail(it->second, "'" + key + "' must be a scalar");
    m.node(key);
    e.fields[key] = yaml_to_json(it->second);
  }
  m.finish();
  return e;
}

ScenarioLogEvent read_log_event(YamlMap& m) {
  ScenarioLogEvent e;
  e.ts_ns = *m.time_ns("time", true);
  e.server_host = m.required_string("server_host");
  e.logfile = m.optional_string("logfile");
  e.parser = m.optional_string("parser");
  e.severity = static_cast<int>(m.optional_int("severity", 3, 0, 6));
  e.message = m.required_string("message");
  YAML::Node attrs = m.node("attrs");
  if (attrs.IsDefined() && !attrs.IsNull()) {
    if (!attrs.IsMap()) m.fail(attrs, "'attrs' must be a mapping of field names to scalars");
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
      if (!it->second.IsScalar() && !it->second.IsNull()) m.fail(it->second, "attrs values must be scalars (flat)");
      e.attrs[it->first.Scalar()] = yaml_to_json(it->second);
    }
  }
  m.finish();
  return e;
}

void read_auth(YamlMap& m, Scenario& s) {
  s.dataset_read_keys = m.string_list("dataset_read_keys");
  s.dataset_write_keys = m.string_list("dataset_write_keys");
  s.s1_api_tokens = m.string_list("s1_api_tokens");
  s.llm_api_keys = m.string_list("llm_api_keys");
  m.finish();
}

void read_dataset(YamlMap& m, Scenario& s) {
  s.add_events_max_bytes =
      static_cast<std::size_t>(m.optional_int("add_events_max_bytes", 6 * 1024 * 1024, 1024, 7 * 1024 * 1024));
  s.lrq_steps = static_cast<int>(m.optional_int("lrq_steps", 2, 1, 100));
  s.lrq_total_field = m.optional_string("lrq_total_field", "stepsTotal");
  if (s.lrq_total_field != "stepsTotal" && s.lrq_total_field != "totalSteps") {
    m.fail(m.self()["lrq_total_field"], "'lrq_total_field' must be stepsTotal or totalSteps");
  }
  m.finish();
}

void read_singularity(YamlMap& m, Scenario& s) {
  s.account_id = m.optional_string("account_id", s.account_id);
  s.account_name = m.optional_string("account_name", s.account_name);
  s.site_id = m.optional_string("site_id", s.site_id);
  s.site_name = m.optional_string("site_name", s.site_name);
  s.group_id = m.optional_string("group_id", s.group_id);
  s.group_name = m.optional_string("group_name", s.group_name);
  s.api_user_name = m.optional_string("api_user_name", s.api_user_name);
  s.api_user_id = m.optional_string("api_user_id", s.api_user_id);
  const std::string end = m.optional_string("end_cursor", "string");
  if (end != "string" && end != "null") m.fail(m.self()["end_cursor"], "'end_cursor' must be string or null");
  s.end_cursor_string = end == "string";
  s.dv_running_polls = static_cast<int>(m.optional_int("dv_running_polls", 2, 0, 100));
  m.finish();
}

void read_llm(YamlMap& m, Scenario& s) {
  s.azure_deployments = m.string_list("azure_deployments");
  s.llm_model = m.optional_string("model", s.llm_model);
  m.finish();
}

template <class T, class Fn>
void read_list(YamlMap& top, const std::string& key, std::vector<T>& out, Fn&& read_one) {
  YAML::Node list = sequence(top, key);
  std::size_t i = 0;
  for (const auto& n : list) {
    YamlMap m(n, top.file(), indexed(key, i++));
    out.push_back(read_one(m));
  }
}

void check_unique_ids(const Scenario& s) {
  std::set<std::string> seen;
  for (const auto& a : s.agents) {
    if (!seen.insert("agent:" + a.id).second) throw YamlError(s.source_path + ": duplicate agent id " + a.id);
  }
  for (const auto& t : s.threats) {
    if (!seen.insert("threat:" + t.id).second) throw YamlError(s.source_path + ": duplicate threat id " + t.id);
  }
  for (const auto& a : s.alerts) {
    if (!seen.insert("alert:" + a.id).second) throw YamlError(s.source_path + ": duplicate alert id " + a.id);
  }
}

}  // namespace

Result<Scenario> parse_scenario(const std::string& yaml_text, const std::string& source_name) {
  try {
    YAML::Node root = YAML::Load(yaml_text);
    Scenario s;
    s.source_path = source_name;
    YamlMap top(root, source_name, "scenario file");
    s.name = top.required_string("name");
    s.description = top.optional_string("description");
    s.now_ns = top.time_ns("now", false);
    if (top.has("auth")) {
      YamlMap m(top.node("auth"), source_name, "auth");
      read_auth(m, s);
    }
    if (top.has("dataset")) {
      YamlMap m(top.node("dataset"), source_name, "dataset");
      read_dataset(m, s);
    }
    if (top.has("singularity")) {
      YamlMap m(top.node("singularity"), source_name, "singularity");
      read_singularity(m, s);
    }
    if (top.has("llm")) {
      YamlMap m(top.node("llm"), source_name, "llm");
      read_llm(m, s);
    }
    read_list(top, "agents", s.agents, [](YamlMap& m) { return read_agent(m); });
    read_list(top, "threats", s.threats, [&s](YamlMap& m) { return read_threat(m, s); });
    read_list(top, "alerts", s.alerts, [&s](YamlMap& m) { return read_alert(m, s); });
    read_list(top, "dv_events", s.dv_events, [&s](YamlMap& m) { return read_dv_event(m, s); });
    read_list(top, "dataset_events", s.log_events, [](YamlMap& m) { return read_log_event(m); });
    top.node("auth");
    top.node("dataset");
    top.node("singularity");
    top.node("llm");
    top.finish();
    check_unique_ids(s);
    std::stable_sort(s.dv_events.begin(), s.dv_events.end(),
                     [](const auto& a, const auto& b) { return a.time_ns < b.time_ns; });
    std::stable_sort(s.log_events.begin(), s.log_events.end(),
                     [](const auto& a, const auto& b) { return a.ts_ns < b.ts_ns; });
    return s;
  } catch (const YamlError& e) {
    return Error(ErrorCode::invalid_argument, e.what());
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::invalid_argument,
                 source_name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error(ErrorCode::not_found, path + ": cannot open scenario file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace triagent::sim
