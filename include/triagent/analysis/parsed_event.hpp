#pragma once
// ParsedEvent: one log line or JSON event after log-type detection: the type name, the input's
// format and the parsed fields that rules and extractors read. Reused across lines by the caller.
//
//   ParsedEvent ev;
//   LogTypeDetector detector;
//   detector.detect(line, ev);
//   if (ev.log_type == "windows-sysmon") use(ev.fields.find("CommandLine"));

#include <string>
#include <string_view>

#include "triagent/analysis/field_list.hpp"
#include "triagent/analysis/json_flatten.hpp"

namespace triagent::analysis {

enum class InputFormat { text, json, xml };

const char* to_string(InputFormat f);

struct ParsedEvent {
  std::string log_type;               // e.g. "windows-sysmon", "openssh-sshd-syslog", "text"
  InputFormat format = InputFormat::text;
  JsonStatus json_status = JsonStatus::ok;  // for JSON input: partial when not ok
  FieldList fields;                   // parsed fields; text formats name theirs (host, program, ...)
  std::string_view raw;               // the input line (not owned: valid while the caller keeps it)
  // Sigma logsource of the event, filled for the types rules are written against.
  std::string product;                // "windows", "linux", "aws", "zeek", ...
  std::string service;                // "security", "sysmon", "sshd", "cloudtrail", ...
  std::string category;               // "process_creation", "registry_set", ...

  void clear() {
    log_type.clear();
    format = InputFormat::text;
    json_status = JsonStatus::ok;
    fields.clear();
    fields.set_source({});
    raw = {};
    product.clear();
    service.clear();
    category.clear();
  }
};

}  // namespace triagent::analysis
