#pragma once
// LogTypeDetector: names the format of a raw log line or JSON event and parses its fields.
// Types follow the names of the project's labeled data (e.g. "windows-security", "zeek-dns",
// "apache-access-combined", "openssh-sshd-syslog", "cef"); unknown text is "text", unknown JSON
// "json", and key=value text "kv". Detection is structural (headers, field sets), never by
// matching known hosts or messages, so it generalises to unseen logs of the same kind.
//
//   LogTypeDetector detector;
//   ParsedEvent ev;
//   detector.detect(R"(Dec 10 07:28:35 web1 sshd[24271]: Failed password for root from 1.2.3.4)", ev);
//   // ev.log_type == "openssh-sshd-syslog"; ev.fields.find("program") -> "sshd"

#include <string_view>

#include "triagent/analysis/json_flatten.hpp"
#include "triagent/analysis/parsed_event.hpp"

namespace triagent::analysis {

class LogTypeDetector {
 public:
  explicit LogTypeDetector(JsonLimits limits = {}) : limits_(limits) {}

  // Clears `event` and fills it from `line`. Never fails: the worst case is type "text" with the
  // message as the only field. `event.raw` points into `line`.
  void detect(std::string_view line, ParsedEvent& event) const;

  // For a JSON event already flattened into event.fields: sets log_type and the logsource.
  static void classify_json(ParsedEvent& event);

 private:
  JsonLimits limits_;
};

}  // namespace triagent::analysis
