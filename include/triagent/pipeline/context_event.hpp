#pragma once
// ContextEvent: one piece of context the fetch stage gathered about an incident (a Deep Visibility
// event, a DataSet log line or table row, the threat itself, a note), in one shape whatever its
// source, for the evidence packer (evidence_packer.hpp). Everything in it is untrusted.
//
//   ContextEvent ev = context_event_from_dv(dv_event, "dv_process_events");   // evidence_normalize.hpp
//   ContextEvent custom;
//   custom.source = "dataset"; custom.query_name = "failed_logons"; custom.time_ms = t;
//   custom.summary = "4625 failed logon for administrator";
//   custom.fields = {{"TargetUserName", "administrator"}, {"IpAddress", "10.20.30.45"}};
//   events.push_back(std::move(custom));

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace triagent {

struct ContextEvent {
  std::string source;        // "threat", "dataset", "deep_visibility", "storyline", "webhook", "threat_notes"
  std::string query_name;    // the planned query that returned it ("" for the threat itself)
  std::int64_t time_ms = 0;  // when it happened; 0 when unknown
  std::string host;
  std::string user;
  std::string summary;                                      // one line
  std::vector<std::pair<std::string, std::string>> fields;  // the fields worth showing, in order
  nlohmann::json raw;                                       // the object as the source sent it
};

}  // namespace triagent
