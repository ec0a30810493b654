#pragma once
// The evidence packer's working set: each distinct event normalized, analysed and ranked, and the
// catalog of distinct IOCs and rule hits the events hold. Private to src/pipeline.
//
//   EvidenceCandidates c = collect_candidates(incident, events, analyzer, config);
//   rank_candidates(c, incident, config.weights);
//   for (const EvidenceCandidate& e : c.list) use(e.rank, e.iocs);   // indexes into c.catalog

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/pipeline/context_event.hpp"
#include "triagent/pipeline/evidence_packer.hpp"

namespace triagent {

struct EvidenceCandidate {
  std::size_t event = 0;  // index into the events given to the packer
  analysis::EvidenceSource source = analysis::EvidenceSource::webhook;
  std::int64_t time_ms = 0;
  std::string host;
  std::string user;
  std::string summary;                                      // one line, bounded
  std::vector<std::pair<std::string, std::string>> fields;  // one line each, bounded; no "rule"
  std::vector<std::string> rules;                           // rule labels: Sigma titles, "s1: ..." from the source
  std::vector<std::size_t> iocs;                            // into EvidenceCatalog::iocs
  std::vector<std::size_t> rule_hits;                       // into EvidenceCatalog::rule_hits
  std::string kind;                                         // events alike in shape share it (rarity)
  int severity_score = 0;
  std::size_t repeats = 0;           // duplicates collapsed into this one
  std::vector<std::string> also_in;  // channels of twins merged into it (evidence_twins.hpp)
  bool names_incident_entity = false;
  bool threat_object = false;  // the threat itself, not a note on it
  double rank = 0;
};

struct EvidenceCatalog {
  std::vector<analysis::EvidenceIoc> iocs;
  std::vector<std::string> rule_hits;  // "rule\nhost"
  std::size_t iocs_over_cap = 0;       // distinct IOCs seen beyond config.max_iocs
  std::size_t rule_hits_over_cap = 0;
};

struct EvidenceCandidates {
  std::vector<EvidenceCandidate> list;
  EvidenceCatalog catalog;
  std::size_t duplicates = 0;  // identical events and twins merged
  std::size_t over_cap = 0;    // events beyond config.max_events, not read
};

// Reorders `events` (the threat first, then nearest the incident's time) when more than
// config.max_events were given, so the cap drops the least relevant.
EvidenceCandidates collect_candidates(const Incident& incident, std::vector<ContextEvent>& events,
                                      const analysis::Analyzer& analyzer, const EvidencePackerConfig& config);

void rank_candidates(EvidenceCandidates& candidates, const Incident& incident, const EvidenceRankWeights& weights);

}  // namespace triagent
