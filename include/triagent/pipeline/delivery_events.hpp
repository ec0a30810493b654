#pragma once
// The DataSet events the Deliver stage writes (addEvents) so that the analysis is searchable next to
// the logs: one event for the incident with the ai_* fields, and one per classified evidence item.
// Every event carries `triagent_job_id` (search per job) and a deterministic `triagent_event_id`
// ("<job>:incident", "<job>:ev-3"): addEvents cannot be made idempotent (DataSet does not
// de-duplicate and is searchable only after ingestion delay, so reading before writing proves
// nothing), and a crash between a successful addEvents and the ledger write sends the events again
// on the retry. Those copies are identical and share the id, so a query counts them once:
//   triagent_job_id = 'job-42' | group n = count() by triagent_event_id      (or | limit 1 per id)
//
//   AiEventsInput in{"job-42", incident, analysis, pack, render_tags(analysis)};
//   std::vector<DataSetEvent> events = build_ai_events(in);   // plan.events for the Deliverer

#include <cstddef>
#include <string>
#include <vector>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/core/incident.hpp"

namespace triagent {

struct AiEventsInput {
  std::string job_id;
  Incident incident;
  analysis::AnalysisOutput output;
  analysis::EvidencePack pack;
  std::vector<std::string> tags;
  std::size_t max_evidence_events = 200;  // the items beyond are counted in ai_evidence_omitted
};

// The incident event first (attrs: message, ai_summary, ai_severity, ai_severity_score,
// ai_confidence, ai_verdict, ai_techniques, ai_iocs, ai_tags, ai_evidence_count, incident_key,
// incident_source, incident_kind, incident_external_id, threat_ids, alert_ids, triagent_job_id,
// triagent_event_id, triagent_event_kind = "incident"), then one event per evidence item in pack
// order (ai_evidence_id, ai_evidence_source, ai_evidence_time, ai_host, ai_rule_ids, ai_iocs,
// ai_log_type, ai_cited, incident_key, triagent_job_id, triagent_event_id, triagent_event_kind =
// "evidence"). Lists are comma-separated strings: addEvents attributes are flat. ai_log_type is
// the LogTypeDetector's name for the item's raw text ("unknown" when there is none).
std::vector<DataSetEvent> build_ai_events(const AiEventsInput& input);

}  // namespace triagent
