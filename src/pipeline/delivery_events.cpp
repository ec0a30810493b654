#include "triagent/pipeline/delivery_events.hpp"

#include <algorithm>
#include <set>

#include "pipeline/note_text.hpp"
#include "triagent/analysis/log_type.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxListBytes = 8000;  // one list attribute; DataSet trims long values anyway

// "a,b,c", stopping before the cap rather than cutting a value.
std::string join_capped(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (v.empty()) continue;
    if (out.size() + v.size() + 1 > kMaxListBytes) break;
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

int dataset_sev(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high: return 5;  // error
    case Severity::medium: return 4;  // warning
    default: return 3;               // info
  }
}

std::string log_type_of(const analysis::EvidenceItem& item) {
  if (item.raw.empty()) return "unknown";
  analysis::LogTypeDetector detector;
  analysis::ParsedEvent parsed;
  detector.detect(item.raw, parsed);
  return parsed.log_type.empty() ? "unknown" : parsed.log_type;
}

DataSetEvent incident_event(const AiEventsInput& in) {
  const auto& o = in.output;
  std::vector<std::string> techniques;
  for (const auto& t : o.techniques) techniques.push_back(t.id);
  std::vector<std::string> iocs;
  for (const auto& i : o.iocs) iocs.push_back(i.value);
  const Severity severity = o.severity == Severity::unknown ? Severity::info : o.severity;
  DataSetEvent e;
  e.sev = dataset_sev(severity);
  e.attrs = json{
      {"message", "triagent analysis " + in.job_id + ": " + to_string(severity) + " " + analysis::to_string(o.verdict) +
                      " - " + note_text::clean_line(o.summary, 300)},
      {"ai_summary", o.summary},
      {"ai_severity", to_string(severity)},
      {"ai_severity_score", o.severity_score},
      {"ai_confidence", o.confidence},
      {"ai_verdict", analysis::to_string(o.verdict)},
      {"ai_techniques", join_capped(techniques)},
      {"ai_iocs", join_capped(iocs)},
      {"ai_tags", join_capped(in.tags)},
      {"ai_evidence_count", in.pack.items.size()},
      {"incident_key", in.incident.dedupe_key()},
      {"incident_source", in.incident.source},
      {"incident_kind", in.incident.kind},
      {"incident_external_id", in.incident.external_id},
      {"threat_ids", join_capped(in.incident.entities.threat_ids)},
      {"alert_ids", join_capped(in.incident.entities.alert_ids)},
      {"triagent_job_id", in.job_id},
      {"triagent_event_id", in.job_id + ":incident"},
      {"triagent_event_kind", "incident"},
  };
  if (in.pack.items.size() > in.max_evidence_events) {
    e.attrs["ai_evidence_omitted"] = in.pack.items.size() - in.max_evidence_events;
  }
  return e;
}

DataSetEvent evidence_event(const AiEventsInput& in, const analysis::EvidenceItem& item,
                            const std::set<std::string, std::less<>>& cited) {
  std::vector<std::string> iocs;
  for (const auto& i : item.iocs) iocs.push_back(i.value);
  // The analysis may cite an IOC of this item that the source did not list.
  for (const auto& claim : in.output.iocs) {
    if (std::find(claim.evidence_ids.begin(), claim.evidence_ids.end(), item.id) != claim.evidence_ids.end() &&
        std::find(iocs.begin(), iocs.end(), claim.value) == iocs.end()) {
      iocs.push_back(claim.value);
    }
  }
  DataSetEvent e;
  e.attrs = json{
      {"message", "triagent evidence " + item.id + " (" + in.job_id + "): " + note_text::clean_line(item.summary, 300)},
      {"ai_evidence_id", item.id},
      {"ai_evidence_source", analysis::to_string(item.source)},
      {"ai_evidence_time", item.time_ms > 0 ? format_rfc3339_ms(item.time_ms) : ""},
      {"ai_host", item.host},
      {"ai_rule_ids", join_capped(item.rule_ids)},
      {"ai_iocs", join_capped(iocs)},
      {"ai_log_type", log_type_of(item)},
      {"ai_cited", cited.count(item.id) > 0},
      {"incident_key", in.incident.dedupe_key()},
      {"triagent_job_id", in.job_id},
      {"triagent_event_id", in.job_id + ":" + item.id},
      {"triagent_event_kind", "evidence"},
  };
  return e;
}

}  // namespace

std::vector<DataSetEvent> build_ai_events(const AiEventsInput& in) {
  std::set<std::string, std::less<>> cited(in.output.evidence_ids.begin(), in.output.evidence_ids.end());
  for (const auto& t : in.output.techniques) cited.insert(t.evidence_ids.begin(), t.evidence_ids.end());
  std::vector<DataSetEvent> events;
  events.push_back(incident_event(in));
  const std::size_t n = std::min(in.pack.items.size(), in.max_evidence_events);
  for (std::size_t i = 0; i < n; ++i) events.push_back(evidence_event(in, in.pack.items[i], cited));
  return events;
}

}  // namespace triagent
