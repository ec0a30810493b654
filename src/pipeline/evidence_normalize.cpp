#include "triagent/pipeline/evidence_normalize.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>

#include "evidence_text.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {
namespace {

using evidence_text::member_text;
using evidence_text::scalar_text;
using Json = nlohmann::json;

// A converter's bound on one value: a hostile field cannot make an event large.
std::string bounded(std::string_view v) {
  return std::string(v.substr(0, evidence_text::utf8_floor(v, kContextEventMaxValueBytes)));
}

void add_field(ContextEvent& ev, std::string_view name, std::string_view value) {
  if (value.empty() || value == "-" || ev.fields.size() >= kContextEventMaxFields) return;
  ev.fields.emplace_back(std::string(name), bounded(value));
}

std::string first_line(std::string_view text) {
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  text.remove_prefix(start);
  return bounded(text.substr(0, text.find_first_of("\r\n")));
}

// ---- Deep Visibility ----

// The DV keys worth showing, most telling first (an item cut to fit keeps the head of this list);
// the rest (agent, site, null columns) is identity the item already carries, or noise.
// clang-format off
constexpr std::array<std::string_view, 44> kDvFields = {
    "processCmd", "tgtProcCmdLine", "srcProcCmdLine", "fileFullName", "oldFileName", "tgtFilePath",
    "registryKeyPath", "registryValue", "dnsRequest", "dnsResponse", "networkUrl", "srcIp",
    "srcPort", "dstIp", "dstPort", "tgtProcName", "tgtProcPid", "tgtProcImagePath",
    "tgtProcAccessRights", "loginsUserName", "loginType", "loginIsSuccessful", "taskName", "taskPath",
    "indicatorDescription", "indicatorCategory", "processImagePath", "processName", "pid", "parentProcessName",
    "parentPid", "srcProcName", "srcProcPid", "srcProcParentName", "modulePath", "processImageSha1Hash",
    "fileSha256", "fileSha1", "fileMd5", "tgtFileSha256", "moduleSha1", "signedStatus",
    "processIntegrityLevel", "storyline"};
// clang-format on

// A DV value from the raw object, else from the struct (callers may build DvEvent by hand).
std::string dv_value(const DvEvent& e, std::string_view key) {
  std::string v = member_text(e.raw, key);
  if (!v.empty()) return v;
  struct Member {
    std::string_view key;
    const std::string DvEvent::*member;
  };
  static constexpr std::array<Member, 17> kMembers = {{
      {"processName", &DvEvent::process_name},
      {"processCmd", &DvEvent::process_cmd},
      {"processImagePath", &DvEvent::process_image_path},
      {"processImageSha1Hash", &DvEvent::process_sha1},
      {"pid", &DvEvent::pid},
      {"parentPid", &DvEvent::parent_pid},
      {"parentProcessName", &DvEvent::parent_process_name},
      {"processUniqueKey", &DvEvent::process_unique_key},
      {"storyline", &DvEvent::storyline},
      {"srcIp", &DvEvent::src_ip},
      {"dstIp", &DvEvent::dst_ip},
      {"dstPort", &DvEvent::dst_port},
      {"dnsRequest", &DvEvent::dns_request},
      {"fileFullName", &DvEvent::file_full_name},
      {"fileSha256", &DvEvent::file_sha256},
      {"eventType", &DvEvent::event_type},
      {"user", &DvEvent::user},
  }};
  for (const auto& m : kMembers) {
    if (m.key == key) return e.*m.member;
  }
  return {};
}

std::string dv_summary(const DvEvent& e) {
  using analysis::ifind;
  const std::string type = e.event_type.empty() ? dv_value(e, "eventType") : e.event_type;
  std::string proc = dv_value(e, "processName");
  if (proc.empty()) proc = dv_value(e, "srcProcName");
  const auto by = [&proc] { return proc.empty() ? std::string() : " by " + proc; };
  const auto has = [&type](std::string_view word) { return ifind(type, word) != std::string_view::npos; };
  std::string s = type.empty() ? std::string("event") : type;
  if (has("Process Creation")) {
    std::string child = proc, parent = dv_value(e, "parentProcessName"), pid = dv_value(e, "pid");
    if (!dv_value(e, "tgtProcName").empty() && dv_value(e, "processName").empty()) {
      child = dv_value(e, "tgtProcName");  // new schema: src creates tgt
      parent = proc;
      pid = dv_value(e, "tgtProcPid");
    }
    s += ": " + child;
    if (!pid.empty()) s += " (pid " + pid + ")";
    if (!parent.empty()) s += " by " + parent;
    return s;
  }
  if (std::string t = dv_value(e, "tgtProcName"); !t.empty()) return s + ": " + proc + " -> " + t;
  if (has("Login") || has("Logout")) {
    std::string u = dv_value(e, "loginsUserName"), kind = dv_value(e, "loginType"), src = dv_value(e, "srcIp");
    if (!u.empty()) s += ": " + u;
    if (!kind.empty()) s += " (" + kind + ")";
    if (!src.empty()) s += " from " + src;
    return s;
  }
  if (std::string dst = dv_value(e, "dstIp"); !dst.empty() && dv_value(e, "networkUrl").empty()) {
    const std::string src = dv_value(e, "srcIp"), port = dv_value(e, "dstPort");
    s += ": " + (src.empty() ? std::string() : src + " -> ") + dst + (port.empty() ? "" : ":" + port);
    return s + by();
  }
  for (std::string_view key : {"networkUrl", "dnsRequest", "fileFullName", "tgtFilePath", "registryKeyPath", "taskName",
                               "indicatorName", "modulePath"}) {
    if (std::string v = dv_value(e, key); !v.empty()) return s + ": " + v + by();
  }
  return s + by();
}

// ---- DataSet ----

// clang-format off
constexpr std::array<std::string_view, 7> kHostKeys = {
    "serverHost", "Hostname", "hostname", "host", "Computer", "agentName", "endpointName"};
// clang-format on
// clang-format off
constexpr std::array<std::string_view, 7> kUserKeys = {
    "TargetUserName", "SubjectUserName", "User", "user", "userName", "UserName", "user.name"};
// clang-format on
// clang-format off
constexpr std::array<std::string_view, 7> kTimeKeys = {
    "timestamp", "time", "eventTime", "_time", "ts", "event.time", "@timestamp"};
// clang-format on
// Windows event attributes first in this order; what the summary or the item already shows last.
// clang-format off
constexpr std::array<std::string_view, 30> kDataSetFirst = {
    "CommandLine", "Image", "ParentImage", "ParentCommandLine", "NewProcessName", "ParentProcessName",
    "TargetUserName", "TargetDomainName", "SubjectUserName", "LogonType", "IpAddress", "IpPort",
    "WorkstationName", "ServiceName", "ImagePath", "TargetFilename", "TargetObject", "Details",
    "QueryName", "DestinationIp", "DestinationPort", "ShareName", "RelativeTargetName", "PrivilegeList",
    "Status", "SubStatus", "ProcessId", "ParentProcessId", "Hashes", "User"};
// clang-format on
// clang-format off
constexpr std::array<std::string_view, 10> kDataSetNoise = {
    "Channel", "EventID", "SourceName", "serverHost", "Hostname", "logfile",
    "parser", "UtcTime", "ProcessGuid", "ParentProcessGuid"};
// clang-format on

std::string base_name(std::string_view path) {
  const std::size_t slash = path.find_last_of("\\/");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// "EventID 4688 (Security) A new process has been created: cmd.exe by PSEXESVC.exe": the message's
// headline, then the attributes that say what happened to what.
std::string windows_summary(const std::string& id, const std::string& channel, std::string line, const Json& a) {
  std::string ch = channel;
  if (analysis::ifind(ch, "sysmon") != std::string_view::npos) {
    ch = "Sysmon";
  } else {
    ch = ch.substr(0, ch.find('/'));
  }
  while (!line.empty() && (line.back() == ':' || line.back() == '.' || line.back() == ' ')) line.pop_back();
  std::string s = "EventID " + id + (ch.empty() ? "" : " (" + ch + ")") + (line.empty() ? "" : " " + line);
  const auto get = [&a](std::initializer_list<std::string_view> keys) {
    for (auto k : keys) {
      std::string v = member_text(a, k);
      if (!v.empty() && v != "-") return v;
    }
    return std::string();
  };
  std::string detail;
  if (std::string img = get({"Image", "NewProcessName"});
      !img.empty() && get({"TargetImage"}).empty() && get({"TargetFilename"}).empty() && get({"QueryName"}).empty()) {
    detail = base_name(img);
    if (std::string parent = get({"ParentImage", "ParentProcessName"}); !parent.empty()) {
      detail += " by " + base_name(parent);
    }
  } else if (std::string tgt = get({"TargetImage"}); !tgt.empty()) {
    detail = base_name(get({"SourceImage"})) + " -> " + base_name(tgt);
  } else if (std::string file = get({"TargetFilename"}); !file.empty()) {
    detail = file;
  } else if (std::string q = get({"QueryName"}); !q.empty()) {
    detail = q;
  } else if (std::string svc = get({"ServiceName"}); !svc.empty()) {
    detail = svc;
  } else if (std::string share = get({"ShareName"}); !share.empty()) {
    detail = share;
    if (std::string rel = get({"RelativeTargetName"}); !rel.empty()) detail += " " + rel;
  } else if (std::string user = get({"TargetUserName"}); !user.empty()) {
    detail = user;
    if (std::string ip = get({"IpAddress"}); !ip.empty()) detail += " from " + ip;
  }
  return detail.empty() ? s : s + ": " + detail;
}

template <std::size_t N>
bool one_of(std::string_view key, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

template <std::size_t N>
std::string first_member(const Json& object, const std::array<std::string_view, N>& keys) {
  for (auto k : keys) {
    std::string v = member_text(object, k);
    if (!v.empty() && v != "-") return v;
  }
  return {};
}

// Everything of a DV event but its raw object (which the two entry points copy or move).
ContextEvent dv_event_without_raw(const DvEvent& e, std::string_view query_name) {
  ContextEvent ev;
  ev.source = "deep_visibility";
  ev.query_name = std::string(query_name);
  ev.time_ms = parse_rfc3339_ms(e.event_time);
  if (ev.time_ms <= 0) ev.time_ms = parse_rfc3339_ms(e.created_at);
  if (ev.time_ms < 0) ev.time_ms = 0;
  ev.host = bounded(e.agent_name);
  ev.user = bounded(e.user.empty() ? dv_value(e, "user") : e.user);
  ev.summary = bounded(dv_summary(e));
  if (std::string indicator = dv_value(e, "indicatorName"); !indicator.empty()) {
    add_field(ev, "rule", "s1: " + indicator);
  }
  for (auto key : kDvFields) add_field(ev, key, dv_value(e, key));
  if (e.related_to_threat || analysis::iequals(member_text(e.raw, "relatedToThreat"), "true")) {
    add_field(ev, "relatedToThreat", "true");
  }
  return ev;
}

}  // namespace

ContextEvent context_event_from_dv(const DvEvent& e, std::string_view query_name) {
  ContextEvent ev = dv_event_without_raw(e, query_name);
  ev.raw = e.raw;
  return ev;
}

ContextEvent context_event_from_dv(DvEvent&& e, std::string_view query_name) {
  ContextEvent ev = dv_event_without_raw(e, query_name);
  ev.raw = std::move(e.raw);
  return ev;
}

namespace {

// Everything of a DataSet log match but its raw object.
ContextEvent dataset_log_without_raw(const DataSetLogEvent& e, std::string_view query_name) {
  ContextEvent ev;
  ev.source = "dataset";
  ev.query_name = std::string(query_name);
  ev.time_ms = e.timestamp_ns > 0 ? e.timestamp_ns / 1'000'000 : 0;
  const Json& attrs = e.attributes;
  ev.host = bounded(member_text(e.session_attributes, "serverHost"));
  if (ev.host.empty()) ev.host = bounded(first_member(attrs, kHostKeys));
  ev.user = bounded(first_member(attrs, kUserKeys));
  const std::string line = first_line(e.message);
  const std::string event_id = member_text(attrs, "EventID");
  std::string channel = member_text(attrs, "Channel");
  if (channel.empty()) channel = member_text(e.session_attributes, "logfile");
  if (!event_id.empty()) {
    ev.summary = windows_summary(event_id, channel, line, attrs);
  } else if (!line.empty()) {
    ev.summary = line;
  } else {
    ev.summary = (query_name.empty() ? std::string("dataset") : std::string(query_name)) + " event";
  }
  ev.summary = bounded(ev.summary);
  std::size_t shown = 0;
  if (attrs.is_object()) {
    for (auto key : kDataSetFirst) add_field(ev, key, member_text(attrs, key));
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
      if (one_of(it.key(), kDataSetFirst) || one_of(it.key(), kDataSetNoise)) continue;
      add_field(ev, it.key(), scalar_text(it.value()));
    }
    shown = ev.fields.size();
  }
  // Structured attributes say it better than the message; a bare log line has only its message.
  if (shown < 3 && !e.message.empty()) add_field(ev, "message", e.message);
  return ev;
}

}  // namespace

ContextEvent context_event_from_dataset_log(const DataSetLogEvent& e, std::string_view query_name) {
  ContextEvent ev = dataset_log_without_raw(e, query_name);
  ev.raw = Json{{"timestamp_ns", e.timestamp_ns},
                {"message", bounded(e.message)},
                {"severity", e.severity},
                {"attributes", e.attributes},
                {"session_attributes", e.session_attributes}};
  return ev;
}

ContextEvent context_event_from_dataset_log(DataSetLogEvent&& e, std::string_view query_name) {
  ContextEvent ev = dataset_log_without_raw(e, query_name);
  // Built member by member: an initializer list would copy the attribute objects.
  ev.raw = Json::object();
  ev.raw["timestamp_ns"] = e.timestamp_ns;
  ev.raw["message"] = bounded(e.message);
  ev.raw["severity"] = e.severity;
  ev.raw["attributes"] = std::move(e.attributes);
  ev.raw["session_attributes"] = std::move(e.session_attributes);
  return ev;
}

ContextEvent context_event_from_dataset_row(const DataSetTable& table, std::size_t row, std::string_view query_name) {
  ContextEvent ev;
  ev.source = "dataset";
  ev.query_name = std::string(query_name);
  ev.raw = Json::object();
  if (row >= table.rows.size()) return ev;
  const auto& cells = table.rows[row];
  for (std::size_t c = 0; c < cells.size() && c < table.columns.size(); ++c) {
    const std::string& name = table.columns[c].name;
    const Json& cell = cells[c];
    std::string text = cell.is_object() ? member_text(cell, "special") : scalar_text(cell);
    if (ev.raw.size() < kContextEventMaxFields) ev.raw[name] = cell;
    if (one_of(name, kTimeKeys) && ev.time_ms == 0) {
      ev.time_ms = evidence_text::time_ms_from(cell);
      continue;
    }
    add_field(ev, name, text);
  }
  ev.host = bounded(first_member(ev.raw, kHostKeys));
  ev.user = bounded(first_member(ev.raw, kUserKeys));
  std::string summary = query_name.empty() ? std::string("row") : std::string(query_name);
  std::size_t listed = 0;
  for (const auto& [name, value] : ev.fields) {
    if (listed == 3) break;
    summary += (listed++ ? ", " : ": ") + name + "=" + value;
  }
  ev.summary = bounded(summary);
  return ev;
}

std::vector<ContextEvent> context_events_from_dataset_table(const DataSetTable& table, std::string_view query_name) {
  std::vector<ContextEvent> out;
  out.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    out.push_back(context_event_from_dataset_row(table, r, query_name));
  }
  return out;
}

ContextEvent context_event_from_threat(const Threat& t) {
  ContextEvent ev;
  ev.source = "threat";
  ev.time_ms = t.created_at_ms > 0 ? t.created_at_ms : 0;
  ev.host = bounded(t.agent_computer_name);
  ev.user = bounded(t.process_user);
  const Json info = t.raw.is_object() ? t.raw.value("threatInfo", Json::object()) : Json::object();
  std::string summary = "Threat " + (t.name.empty() ? t.id : t.name);
  std::string verdict = t.classification;
  if (!t.confidence_level.empty()) verdict += (verdict.empty() ? "" : ", ") + t.confidence_level;
  if (!verdict.empty()) summary += ": " + verdict;
  if (!t.detection_type.empty()) summary += ", " + t.detection_type + " detection";
  if (!t.mitigation_status.empty()) summary += ", " + t.mitigation_status;
  ev.summary = bounded(summary);

  std::string techniques;
  if (t.raw.is_object() && t.raw.contains("indicators") && t.raw["indicators"].is_array()) {
    for (const Json& ind : t.raw["indicators"]) {
      if (const std::string d = member_text(ind, "description"); !d.empty()) add_field(ev, "rule", "s1: " + d);
      if (!ind.is_object() || !ind.contains("tactics") || !ind["tactics"].is_array()) continue;
      for (const Json& tactic : ind["tactics"]) {
        if (!tactic.is_object() || !tactic.contains("techniques") || !tactic["techniques"].is_array()) continue;
        for (const Json& tech : tactic["techniques"]) {
          std::string title = member_text(tech, "title");
          title = title.substr(0, title.find(' '));  // "T1059.001 PowerShell" -> the id
          if (!title.empty() && techniques.find(title) == std::string::npos && techniques.size() < 512) {
            techniques += (techniques.empty() ? "" : ", ") + title;
          }
        }
      }
    }
  }
  add_field(ev, "threatId", t.id);
  add_field(ev, "filePath", t.file_path);
  add_field(ev, "sha1", t.sha1);
  add_field(ev, "sha256", t.sha256);
  add_field(ev, "md5", t.md5);
  add_field(ev, "originatorProcess", member_text(info, "originatorProcess"));
  add_field(ev, "commandLine", member_text(info, "maliciousProcessArguments"));
  add_field(ev, "techniques", techniques);
  std::string engines;
  for (const auto& en : t.engines) engines += (engines.empty() ? "" : ", ") + en;
  add_field(ev, "engines", engines);
  add_field(ev, "storyline", t.storyline);
  add_field(ev, "analystVerdict", t.analyst_verdict);
  add_field(ev, "incidentStatus", t.incident_status);
  add_field(ev, "agentOs", t.agent_os_type);
  if (!t.agent_ips.empty()) add_field(ev, "agentIp", t.agent_ips.front());
  ev.raw = t.raw;
  return ev;
}

ContextEvent context_event_from_threat_note(const ThreatNote& note, std::string_view host) {
  ContextEvent ev;
  ev.source = "threat_notes";
  ev.time_ms = std::max<std::int64_t>(0, parse_rfc3339_ms(note.created_at));
  ev.host = bounded(host);
  ev.user = bounded(note.creator);
  ev.summary = bounded("note by " + (note.creator.empty() ? std::string("unknown") : note.creator) + ": " +
                       first_line(note.text));
  add_field(ev, "text", note.text);
  ev.raw = note.raw;
  return ev;
}

ContextEvent context_event_from_incident(const Incident& incident) {
  ContextEvent ev;
  ev.source = "webhook";
  ev.query_name = incident.source + " webhook";
  ev.time_ms = incident.time_ms;
  if (!incident.entities.hosts.empty()) ev.host = bounded(incident.entities.hosts.front());
  if (!incident.entities.users.empty()) ev.user = bounded(incident.entities.users.front());
  ev.summary = bounded(incident.title.empty() ? incident.source + " " + incident.kind + " " + incident.external_id
                                              : incident.title);
  auto scalar_text = [](const Json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return "";
  };
  if (incident.raw.is_object()) {
    for (const auto& [key, value] : incident.raw.items()) {
      if (value.is_object()) {
        for (const auto& [inner, v] : value.items()) add_field(ev, key + "." + inner, scalar_text(v));
      } else {
        add_field(ev, key, scalar_text(value));
      }
    }
  }
  const std::pair<const char*, const std::vector<std::string>*> entities[] = {
      {"ip", &incident.entities.ips},          {"hash", &incident.entities.hashes},
      {"process", &incident.entities.processes}, {"file", &incident.entities.files},
      {"domain", &incident.entities.domains}};
  for (const auto& [name, values] : entities) {
    for (const auto& v : *values) add_field(ev, name, v);
  }
  ev.raw = incident.raw;
  return ev;
}

}  // namespace triagent
