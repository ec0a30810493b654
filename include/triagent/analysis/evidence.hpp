#pragma once
// EvidencePack: what the pipeline gathered about one incident and hands to the analysts (the LLM
// prompt and the built-in analyst). Every text in it has already been redacted by the caller, and
// every text in it is untrusted: it came from logs, webhooks and upstream answers.
//
//   EvidencePack pack;
//   pack.title = incident.title; pack.kind = incident.kind; pack.severity = incident.severity;
//   EvidenceItem& ev = pack.items.emplace_back();
//   ev.id = "ev-1"; ev.source = EvidenceSource::dataset; ev.time_ms = 1'700'000'000'000;
//   ev.raw = redacted_line;
//   if (const EvidenceItem* cited = find_evidence(pack, "ev-1")) ...;
//
// Ids are "ev-N", unique in the pack: analyses cite them, and validation checks every citation.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/severity.hpp"

namespace triagent::analysis {

enum class EvidenceSource { threat, dataset, deep_visibility, storyline, webhook };

inline const char* to_string(EvidenceSource s) {
  switch (s) {
    case EvidenceSource::threat: return "threat";
    case EvidenceSource::dataset: return "dataset";
    case EvidenceSource::deep_visibility: return "deep_visibility";
    case EvidenceSource::storyline: return "storyline";
    case EvidenceSource::webhook: return "webhook";
  }
  return "webhook";
}

inline std::optional<EvidenceSource> parse_evidence_source(std::string_view s) {
  for (auto v : {EvidenceSource::threat, EvidenceSource::dataset, EvidenceSource::deep_visibility,
                 EvidenceSource::storyline, EvidenceSource::webhook}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

struct EvidenceField {
  std::string name;
  std::string value;
};

// An indicator the caller already knows about (the threat's hash, the alert's IP). `type` uses the
// names of the output schema: ipv4, ipv6, domain, url, email, md5, sha1, sha256, file_path,
// registry_key, cve.
struct EvidenceIoc {
  std::string type;
  std::string value;
};

struct EvidenceItem {
  std::string id;                       // "ev-3"
  EvidenceSource source = EvidenceSource::dataset;
  std::int64_t time_ms = 0;             // when it happened; 0 when unknown
  std::string host;
  std::string user;
  std::string summary;                  // one line, e.g. "process powershell.exe started by cmd.exe"
  std::string raw;                      // the event text (a log line or a JSON object), redacted
  std::vector<EvidenceField> fields;    // the fields worth showing, in the order to show them
  std::vector<std::string> rule_ids;    // detection rules the source says fired
  std::vector<EvidenceIoc> iocs;
};

// A source that could not be read (breaker open, timeout): the analysis must say it is partial.
struct DegradedSource {
  std::string name;                     // "deep_visibility"
  std::string reason;                   // "circuit open", "timeout after 30 s"
};

struct EvidencePack {
  std::string title;                    // the incident's title, as the source wrote it
  std::string kind;                     // "threat", "alert", "case", "dataset_alert", "event"
  Severity severity = Severity::unknown;
  std::vector<EvidenceItem> items;
  std::vector<std::string> queries_run;  // every query behind the items, for the note's appendix
  std::vector<DegradedSource> degraded_sources;
};

inline const EvidenceItem* find_evidence(const EvidencePack& pack, std::string_view id) {
  auto it = std::find_if(pack.items.begin(), pack.items.end(), [id](const EvidenceItem& e) { return e.id == id; });
  return it == pack.items.end() ? nullptr : &*it;
}

}  // namespace triagent::analysis
