#pragma once
// Converters from what the connectors return to ContextEvent, the one shape the evidence packer
// reads. Each keeps the source object in `raw`, writes a one-line summary, and lists the fields
// worth showing an analyst (the packer renders those, not the raw object). A field named "rule" is
// a detection the source itself says fired (a SentinelOne indicator): the packer shows it as a rule
// hit, not as a field.
//
//   Result<DvResult> dv = co_await deep_visibility.run_query(q);
//   for (const DvEvent& e : dv->events) events.push_back(context_event_from_dv(e, "dv_process_events"));
//   for (const DataSetLogEvent& e : logs.events) events.push_back(context_event_from_dataset_log(e, "host_logs"));
//   auto rows = context_events_from_dataset_table(table, "logons_by_user");
//   events.push_back(context_event_from_threat(threat));
//
// Values are bounded here (kMaxValueBytes each, kMaxFields per event) so a hostile upstream answer
// cannot make one event large; text is not otherwise cleaned (the packer does that).

#include <cstddef>
#include <string_view>
#include <vector>

#include "triagent/connectors/dataset_query_types.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/pipeline/context_event.hpp"

namespace triagent {

inline constexpr std::size_t kContextEventMaxValueBytes = 4096;
inline constexpr std::size_t kContextEventMaxFields = 40;

// source "deep_visibility". Summary by event type ("Process Creation: powershell.exe (pid 9044)
// by WINWORD.EXE", "DNS Resolved: cdn.example.net by powershell.exe", ...); fields use the DV
// names (processName, processCmd, parentProcessName, pid, parentPid, fileFullName, dstIp, ...).
// A "Behavioral Indicators" event's indicatorName becomes a "rule" field.
ContextEvent context_event_from_dv(const DvEvent& event, std::string_view query_name = {});
// The same, moving the event's raw object instead of copying it (the fetch stage's path).
ContextEvent context_event_from_dv(DvEvent&& event, std::string_view query_name = {});

// source "dataset", a log match (DataSetClient::query / LRQ log results). Host from the session's
// serverHost, else the event's own host attributes; the event's scalar attributes as fields, the
// message too when the attributes alone say little.
ContextEvent context_event_from_dataset_log(const DataSetLogEvent& event, std::string_view query_name = {});
// The same, moving the event's attribute objects instead of copying them.
ContextEvent context_event_from_dataset_log(DataSetLogEvent&& event, std::string_view query_name = {});

// source "dataset", one row of a PowerQuery / facet table: every column as a field; time, host and
// user from columns with the usual names (timestamp, serverHost, user, ...) when present.
ContextEvent context_event_from_dataset_row(const DataSetTable& table, std::size_t row,
                                            std::string_view query_name = {});
std::vector<ContextEvent> context_events_from_dataset_table(const DataSetTable& table,
                                                            std::string_view query_name = {});

// source "threat": the threat itself, with its hashes, path, command line, classification and
// its indicators as "rule" fields ("s1: Office application spawned a PowerShell process").
ContextEvent context_event_from_threat(const Threat& threat);

// source "webhook": the alert as it arrived (a DataSet alert or a generic sender carries its own
// context). Summary the title; fields the payload's scalar values, flattened one level deep
// ("alert.query"), then the entities the normalizer found.
ContextEvent context_event_from_incident(const Incident& incident);

// source "threat_notes": an analyst's note on the threat.
ContextEvent context_event_from_threat_note(const ThreatNote& note, std::string_view host = {});

}  // namespace triagent
