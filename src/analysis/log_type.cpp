#include "triagent/analysis/log_type.hpp"

#include <string>

#include "text_parsers.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

const std::string* first_of(const FieldList& f, std::initializer_list<FieldName> names) {
  for (const FieldName& n : names) {
    if (const std::string* v = f.find(n)) {
      if (!v->empty()) return v;
    }
  }
  return nullptr;
}

// Sysmon event ids to Sigma categories.
const char* sysmon_category(long long id) {
  switch (id) {
    case 1: return "process_creation";
    case 2: return "file_change";
    case 3: return "network_connection";
    case 5: return "process_termination";
    case 6: return "driver_load";
    case 7: return "image_load";
    case 8: return "create_remote_thread";
    case 9: return "raw_access_thread";
    case 10: return "process_access";
    case 11: return "file_event";
    case 12: return "registry_add";
    case 13: return "registry_set";
    case 14: return "registry_rename";
    case 15: return "create_stream_hash";
    case 17:
    case 18: return "pipe_created";
    case 19:
    case 20:
    case 21: return "wmi_event";
    case 22: return "dns_query";
    case 23:
    case 26: return "file_delete";
    case 24: return "clipboard_change";
    case 25: return "process_tampering";
    default: return "";
  }
}

// Gives Security/PowerShell events the field names Sigma's process_creation and ps_* rules use.
void add_windows_aliases(ParsedEvent& ev, long long id) {
  FieldList& f = ev.fields;
  auto alias = [&f](FieldName to, FieldName from) {
    if (f.find(to) == nullptr) {
      if (const std::string* v = f.find(from)) {
        const std::string copy = *v;
        f.add(to.text, copy);
      }
    }
  };
  if (ev.service == "security" && id == 4688) {
    alias("Image", "NewProcessName");
    alias("ParentImage", "ParentProcessName");
    if (f.find("User") == nullptr) {
      const std::string* user = f.find("SubjectUserName");
      const std::string* domain = f.find("SubjectDomainName");
      if (user) f.add("User", domain ? *domain + "\\" + *user : *user);
    }
  }
  if (ev.service == "powershell" || ev.service == "powershell-classic") {
    alias("Data", "Message");
    alias("Payload", "Message");
  }
  alias("ServiceFileName", "ImagePath");
}

void classify_windows(ParsedEvent& ev, std::string_view channel, long long id) {
  ev.product = "windows";
  const std::string* provider = first_of(ev.fields, {"Provider_Name", "SourceName", "ProviderName", "provider_name",
                                                     "source_name", "Event.System.Provider.#attributes.Name"});
  std::string_view prov = provider ? std::string_view(*provider) : std::string_view{};
  if (channel.empty() && !prov.empty()) {
    if (ifind(prov, "sysmon") != std::string_view::npos) channel = "Microsoft-Windows-Sysmon/Operational";
    else if (iequals(prov, "Microsoft-Windows-Security-Auditing")) channel = "Security";
    else if (iequals(prov, "Service Control Manager")) channel = "System";
  }
  if (iequals(channel, "Security")) {
    ev.log_type = "windows-security";
    ev.service = "security";
    if (id == 4688) ev.category = "process_creation";
  } else if (ifind(channel, "sysmon") != std::string_view::npos) {
    ev.log_type = "windows-sysmon";
    ev.service = "sysmon";
    ev.category = sysmon_category(id);
  } else if (iequals(channel, "System")) {
    ev.log_type = "windows-system";
    ev.service = "system";
  } else if (ifind(channel, "powershell") != std::string_view::npos) {
    ev.log_type = "windows-powershell";
    const bool classic = iequals(channel, "Windows PowerShell");
    ev.service = classic ? "powershell-classic" : "powershell";
    if (id == 4104) ev.category = "ps_script";
    else if (id == 4103) ev.category = "ps_module";
    else if (id == 400) ev.category = "ps_classic_start";
    else if (id == 600) ev.category = "ps_classic_provider_start";
    else if (id == 800) ev.category = "ps_classic_script";
  } else if (iequals(channel, "Application")) {
    ev.log_type = "windows-application";
    ev.service = "application";
  } else if (!channel.empty()) {
    // "Microsoft-Windows-TaskScheduler/Operational" -> "windows-microsoft-windows-taskscheduler"
    std::string name = "windows-";
    for (char c : channel.substr(0, channel.find('/'))) name.push_back(c == ' ' ? '-' : ascii_lower(c));
    ev.log_type = std::move(name);
    ev.service = ev.log_type.substr(8);
    if (ifind(channel, "TaskScheduler") != std::string_view::npos) ev.service = "taskscheduler";
    if (ifind(channel, "Windows Defender") != std::string_view::npos) ev.service = "windefend";
    if (ifind(channel, "WMI-Activity") != std::string_view::npos) ev.service = "wmi";
    if (ifind(channel, "Bits-Client") != std::string_view::npos) ev.service = "bits-client";
  } else {
    ev.log_type = "windows-event";
  }
  add_windows_aliases(ev, id);
}

std::string zeek_kind_from_fields(const FieldList& f) {
  if (f.find("query") && f.find("qtype_name")) return "dns";
  if (f.find("server_name") || (f.find("cipher") && f.find("version") && f.find("established"))) return "ssl";
  if (f.find("fuid") && (f.find("mime_type") || f.find("analyzers"))) return "files";
  if (f.find("named_pipe") || (f.find("endpoint") && f.find("operation"))) return "dce_rpc";
  if (f.find("request_type") && f.find("client")) return "kerberos";
  if (f.find("share_type")) return "smb_mapping";
  if (f.find("method") && f.find("uri")) return "http";
  if (f.find("conn_state") || f.find("history")) return "conn";
  return "conn";
}

}  // namespace

const char* to_string(InputFormat f) {
  switch (f) {
    case InputFormat::text: return "text";
    case InputFormat::json: return "json";
    case InputFormat::xml: return "xml";
  }
  return "text";
}

void LogTypeDetector::classify_json(ParsedEvent& ev) {
  const FieldList& f = ev.fields;
  // Windows event log, whatever the shipper: nxlog (flat), winlogbeat (winlog.*, event_data.*),
  // EVTX-to-JSON (Event.System.*), Azure exports.
  const std::string* channel = first_of(f, {"Channel", "log_name", "Event.System.Channel"});
  const std::string* event_id =
      first_of(f, {"EventID", "event_id", "Event.System.EventID", "Event.System.EventID.#text", "winlog.event_id"});
  const std::string* provider = first_of(f, {"Provider_Name", "SourceName", "source_name", "provider_name",
                                             "Event.System.Provider.#attributes.Name"});
  if (event_id && (channel || provider)) {
    const long long id = parse_uint(*event_id);
    // Canonical names for rules, whatever the rendering called them.
    if (f.find("EventID") == nullptr || f.find("Event.System.EventID.#text") != nullptr) {
      const std::string copy = *event_id;
      ev.fields.set("EventID", copy);
    }
    if (channel && f.find("Channel") == nullptr) {
      const std::string copy = *channel;
      ev.fields.add("Channel", copy);
    }
    if (provider && f.find("Provider_Name") == nullptr) {
      const std::string copy = *provider;
      ev.fields.add("Provider_Name", copy);
    }
    const std::string* ch = ev.fields.find("Channel");
    classify_windows(ev, ch ? std::string_view(*ch) : std::string_view{}, id);
    return;
  }
  if (const std::string* stream = first_of(f, {"@stream", "_path"})) {
    ev.log_type = "zeek-" + *stream;
    ev.product = "zeek";
    ev.service = *stream;
    return;
  }
  if (f.find("uid") && (f.find("id.orig_h") || f.find("id_orig_h") || f.find("id.orig_h"))) {
    const std::string kind = zeek_kind_from_fields(f);
    ev.log_type = "zeek-" + kind;
    ev.product = "zeek";
    ev.service = kind;
    return;
  }
  if (f.find("eventSource") && f.find("eventName") && (f.find("awsRegion") || f.find("eventVersion"))) {
    ev.log_type = "aws-cloudtrail";
    ev.product = "aws";
    ev.service = "cloudtrail";
    return;
  }
  if (f.find("Event Name") && f.find("Event Type") && f.find("Source IP")) {
    ev.log_type = "aws-s3-honeybucket-alert-csv";
    ev.product = "aws";
    ev.service = "s3-alert";
    return;
  }
  if (f.find("Operation") && (f.find("OrganizationId") || f.find("Workload") || f.find("OfficeWorkload")) &&
      (f.find("RecordType") || f.find("UserId"))) {
    ev.log_type = "o365-management-activity";
    ev.product = "m365";
    ev.service = "audit";
    return;
  }
  if (f.find("protoPayload.methodName") || f.find("protoPayload.serviceName")) {
    ev.log_type = "gcp-audit";
    ev.product = "gcp";
    ev.service = "gcp.audit";
    return;
  }
  if (f.find("operationName") && (f.find("resourceId") || f.find("category")) && f.find("callerIpAddress")) {
    ev.log_type = "azure-activity";
    ev.product = "azure";
    ev.service = "activitylogs";
    return;
  }
  if (f.find("eventType") && f.find("actor.alternateId") && f.find("outcome.result")) {
    ev.log_type = "okta-system";
    ev.product = "okta";
    ev.service = "okta";
    return;
  }
  if (f.find("type") && f.find("component") && (f.find("cluster.name") || f.find("node.name"))) {
    ev.log_type = "json-app-elasticsearch";
    return;
  }
  ev.log_type = "json";
}

void LogTypeDetector::detect(std::string_view line, ParsedEvent& ev) const {
  ev.clear();
  ev.raw = line;
  ev.fields.set_source(line);  // the rules' literal scan then reads only the values not found in it
  // Trailing CR/LF are transport, not content.
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::string_view body = line;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
  if (body.empty()) {
    ev.log_type = "empty";
    return;
  }
  if (body.front() == '{') {
    ev.format = InputFormat::json;
    ev.json_status = flatten_json(body, ev.fields, limits_);
    if (ev.json_status != JsonStatus::syntax_error || ev.fields.size() > 0) {
      classify_json(ev);
      return;
    }
    ev.fields.clear();
    ev.format = InputFormat::text;
  }
  auto attempt = [&](auto&& parser) {
    if (parser(body, ev)) return true;
    ev.fields.clear();
    ev.log_type.clear();
    ev.product.clear();
    ev.service.clear();
    ev.category.clear();
    return false;
  };
  if (body.front() == '<' && body.starts_with("<Event")) {
    ev.format = InputFormat::xml;
    if (attempt(parsers::windows_xml)) {
      classify_json(ev);
      if (ev.log_type == "json") ev.log_type = "windows-event";
      return;
    }
    ev.format = InputFormat::text;
  }
  // CEF and LEEF often arrive behind a syslog header, so look for them first.
  if (body.find("CEF:") != std::string_view::npos && attempt(parsers::cef)) return;
  if (body.find("LEEF:") != std::string_view::npos && attempt(parsers::leef)) return;
  const char c = body.front();
  if (c == '<' || is_alpha(c)) {
    if (attempt(parsers::syslog)) return;
    if (c == 't' && attempt(parsers::auditd)) return;
  }
  if (c == '[' && attempt(parsers::bracketed)) return;
  if (is_digit(c)) {
    if (attempt(parsers::numeric_prefixed)) return;
    if (attempt(parsers::syslog)) return;  // ISO-timestamped syslog
  }
  if (c == '-' || (c >= 'A' && c <= 'Z') || is_digit(c)) {
    if (attempt(parsers::cluster_logs)) return;
  }
  if (body.find(" [") != std::string_view::npos && attempt(parsers::access_log)) return;
  if (is_alpha(c) && attempt(parsers::openstack)) return;
  if (attempt([](std::string_view b, ParsedEvent& e) { return parsers::key_values(b, e, 3); })) return;
  ev.fields.add("message", body);
  ev.log_type = "text";
}

}  // namespace triagent::analysis
