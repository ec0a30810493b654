#include "triagent/pipeline/evidence_packer.hpp"

#include <cmath>

#include "evidence_candidates.hpp"
#include "evidence_selection.hpp"

namespace triagent {
namespace {

Result<void> check(bool ok, const char* key, const char* why) {
  if (ok) return {};
  return make_error(ErrorCode::invalid_argument, std::string("pipeline.evidence.") + key + ": " + why);
}

}  // namespace

Result<void> EvidencePackerConfig::validate() const {
  const auto finite_non_negative = [](double v) { return std::isfinite(v) && v >= 0; };
  const EvidenceRankWeights& w = weights;
  for (auto r : {check(token_budget >= 200 && token_budget <= 1'000'000, "token_budget", "must be 200..1000000"),
                 check(max_items >= 1 && max_items <= 10'000, "max_items", "must be 1..10000"),
                 check(max_raw_bytes_per_item <= 65'536, "max_raw_bytes_per_item", "must be at most 65536"),
                 check(max_field_value_bytes >= 16 && max_field_value_bytes <= 65'536, "max_field_value_bytes",
                       "must be 16..65536"),
                 check(max_summary_bytes >= 32 && max_summary_bytes <= 4096, "max_summary_bytes", "must be 32..4096"),
                 check(max_events >= 1 && max_events <= 1'000'000, "max_events", "must be 1..1000000"),
                 check(max_iocs >= 1 && max_iocs <= 100'000, "max_iocs", "must be 1..100000"),
                 check(max_rule_hits >= 1 && max_rule_hits <= 100'000, "max_rule_hits", "must be 1..100000"),
                 check(max_rules_per_item >= 1 && max_rules_per_item <= 64, "max_rules_per_item", "must be 1..64"),
                 check(finite_non_negative(w.rule_hit) && finite_non_negative(w.ioc) && finite_non_negative(w.rarity) &&
                           finite_non_negative(w.closeness) && finite_non_negative(w.severity) &&
                           finite_non_negative(w.incident_entity) && finite_non_negative(w.threat_source),
                       "weights", "every weight must be a finite number >= 0"),
                 check(w.time_scale_ms > 0, "weights.time_scale_ms", "must be > 0"),
                 check(process_tree.max_nodes >= 1 && process_tree.max_nodes <= 100'000, "process_tree.max_nodes",
                       "must be 1..100000"),
                 check(process_tree.max_lines >= 1, "process_tree.max_lines", "must be at least 1")}) {
    if (!r) return r;
  }
  return {};
}

PackedEvidence pack_evidence(const Incident& incident, std::vector<ContextEvent> events,
                             const analysis::Analyzer& analyzer, const EvidencePackerConfig& config,
                             std::vector<analysis::DegradedSource> degraded, std::vector<std::string> queries_run) {
  PackedEvidence out;
  PackStats& stats = out.stats;
  stats.events_in = events.size();

  EvidenceCandidates cands = collect_candidates(incident, events, analyzer, config);
  rank_candidates(cands, incident, config.weights);

  EvidenceSelection sel(cands, config);
  sel.choose_must_keep();
  sel.shrink_to_budget();
  sel.fill_by_rank();

  analysis::EvidencePack& pack = out.pack;
  pack.title = incident.title;
  pack.kind = incident.kind;
  pack.severity = incident.severity;
  pack.items = sel.items(stats);
  pack.queries_run = std::move(queries_run);
  pack.degraded_sources = std::move(degraded);

  stats.duplicates = cands.duplicates;
  stats.kept = pack.items.size();
  stats.dropped = cands.list.size() - stats.kept + cands.over_cap;
  stats.events_over_cap = cands.over_cap;
  stats.iocs_total = cands.catalog.iocs.size() + cands.catalog.iocs_over_cap;
  stats.rule_hits_total = cands.catalog.rule_hits.size() + cands.catalog.rule_hits_over_cap;

  out.timeline = build_timeline(pack, stats.dropped);

  const std::vector<std::string> ids = sel.ids_by_candidate(pack.items);
  std::vector<ProcessObservation> seen;
  for (std::size_t i = 0; i < cands.list.size(); ++i) {
    if (auto o = process_observation(events[cands.list[i].event])) {
      o->evidence_id = ids[i];
      seen.push_back(std::move(*o));
    }
  }
  out.tree = build_process_tree(seen, config.process_tree);
  return out;
}

}  // namespace triagent
