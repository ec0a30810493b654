#pragma once
// The hand-written parsers for text log formats, one function per family. Each returns true and
// fills event.fields and event.log_type when the line has that family's header; false leaves the
// event's type unset (fields may hold partial results, the caller clears them).

#include <string_view>

#include "triagent/analysis/parsed_event.hpp"

namespace triagent::analysis::parsers {

bool cef(std::string_view line, ParsedEvent& ev);      // "CEF:0|..." possibly after a syslog header
bool leef(std::string_view line, ParsedEvent& ev);     // "LEEF:1.0|..." / "LEEF:2.0|..."
bool syslog(std::string_view line, ParsedEvent& ev);   // RFC 3164 / 5424 and the per-program kinds
bool windows_xml(std::string_view text, ParsedEvent& ev);  // <Event xmlns=...> rendering
bool auditd(std::string_view line, ParsedEvent& ev);
bool access_log(std::string_view line, ParsedEvent& ev);   // Apache/nginx access, common/combined
bool bracketed(std::string_view line, ParsedEvent& ev);    // apache-error, proxifier
bool numeric_prefixed(std::string_view line, ParsedEvent& ev);  // Java/Hadoop/Android/... formats
bool cluster_logs(std::string_view line, ParsedEvent& ev);  // thunderbird, bluegene, hpc
bool openstack(std::string_view line, ParsedEvent& ev);
bool key_values(std::string_view text, ParsedEvent& ev, int min_pairs);  // generic key=value

// Splits key=value pairs (values may be quoted) into fields; returns the number of pairs.
int split_key_values(std::string_view text, FieldList& out);

}  // namespace triagent::analysis::parsers
