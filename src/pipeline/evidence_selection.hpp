#pragma once
// The packer's choice of items: every IOC and rule hit goes to the highest-ranked event that holds
// it and that event is always kept (raw text cut, lowest rank first, while they overflow the
// budget); then the rest by rank while the budget lasts. Sizes are the rendered prompt's.
// Private to src/pipeline.
//
//   EvidenceSelection sel(candidates, config);
//   sel.choose_must_keep();
//   sel.shrink_to_budget();
//   sel.fill_by_rank();
//   pack.items = sel.items(stats);                  // ev-1.. in time order
//   auto ids = sel.ids_by_candidate(pack.items);    // candidate index -> "ev-N" or ""

#include <cstddef>
#include <string>
#include <vector>

#include "evidence_candidates.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/pipeline/evidence_packer.hpp"

namespace triagent {

class EvidenceSelection {
 public:
  EvidenceSelection(const EvidenceCandidates& candidates, const EvidencePackerConfig& config);

  void choose_must_keep();
  void shrink_to_budget();
  void fill_by_rank();
  // Sets stats.tokens, iocs_kept, rule_hits_kept, must_keep, items_shrunk, over_budget.
  std::vector<analysis::EvidenceItem> items(PackStats& stats);
  std::vector<std::string> ids_by_candidate(const std::vector<analysis::EvidenceItem>& items) const;

 private:
  struct Chosen {
    std::size_t candidate = 0;
    std::size_t raw_cap = 0;
    std::size_t bytes = 0;  // rendered, with the placeholder id
    bool shrunk = false;
    analysis::EvidenceItem item;
  };

  std::size_t total_bytes() const { return bytes_sum_ + (chosen_.empty() ? 0 : chosen_.size() - 1); }
  Chosen make(std::size_t i, std::size_t raw_cap) const;
  void add(std::size_t i, std::size_t raw_cap);
  void resize(std::size_t k, std::size_t raw_cap);

  const EvidenceCandidates& c_;
  const EvidencePackerConfig& config_;
  std::size_t budget_bytes_;
  std::string placeholder_id_;
  std::vector<std::size_t> order_;                        // candidates, best rank first
  std::vector<std::vector<std::size_t>> assigned_;        // IOCs each candidate is the first to show
  std::vector<std::vector<std::size_t>> assigned_rules_;  // rule hits likewise
  std::vector<Chosen> chosen_;                            // must-keep first, in rank order
  std::size_t must_keep_ = 0;
  std::size_t bytes_sum_ = 0;
};

}  // namespace triagent
