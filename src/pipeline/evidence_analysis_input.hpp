#pragma once
// The text the built-in Analyzer reads for one ContextEvent. Private to src/pipeline.
//
//   analyzer.analyze(evidence_analysis_input(event), state);
//
// A JSON object of the event's fields (for a DataSet log: every attribute and the message), so
// Sigma rules see field names rather than prose. Deep Visibility events from Windows agents also
// get their Sysmon names (EventID, Image, CommandLine, ParentImage, TargetFilename, ...): the
// built-in rules are written against Sysmon's logsource, and DV has none of its own, so without
// this an encoded PowerShell seen by DV would match nothing that the same event in Sysmon matches.

#include <cstddef>
#include <string>

#include "triagent/analysis/evidence.hpp"
#include "triagent/pipeline/context_event.hpp"

namespace triagent {

std::string evidence_analysis_input(const ContextEvent& event, std::size_t max_value_bytes = 8192);

// "threat_notes" reads as threat; an unknown source as webhook (the least trusted kind).
analysis::EvidenceSource evidence_source_of(std::string_view source);

}  // namespace triagent
