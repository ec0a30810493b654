#pragma once
// What the built-in analyst gathers from running the Analyzer over each evidence item, before it
// is turned into an AnalysisOutput (builtin_analyst.cpp) and described in words (builtin_text.cpp).
//
//   BuiltinFindings f = collect_findings(analyzer, pack);
//   f.techniques[0].evidence_ids;   // the items whose rules named it, best technique first

#include <cstdint>
#include <string>
#include <vector>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/analysis/sigma.hpp"

namespace triagent::analysis {

struct FoundTechnique {
  std::string id;
  std::string name;
  double score = 0;
  std::vector<std::string> evidence_ids;
};

struct ItemVerdict {
  const EvidenceItem* item = nullptr;
  int score = 0;
  std::string top_rule;                  // title of the highest-level rule that matched, if any
  RuleLevel top_level = RuleLevel::informational;
  std::string log_type;
};

struct BuiltinFindings {
  std::vector<FoundTechnique> techniques;  // best first
  std::vector<IocClaim> iocs;              // grounded, de-duplicated
  std::vector<ImpactedAsset> assets;
  std::vector<ItemVerdict> items;          // one per item, pack order
  std::size_t items_with_rules = 0;
  std::size_t items_scored = 0;            // items with a score above 0
  std::ptrdiff_t strongest_index = -1;     // into items: highest score, first on ties; -1 when none scored
  bool any_rule = false;
  RuleLevel top_level = RuleLevel::informational;

  const ItemVerdict* strongest() const { return strongest_index < 0 ? nullptr : &items[static_cast<std::size_t>(strongest_index)]; }
};

BuiltinFindings collect_findings(const Analyzer& analyzer, const EvidencePack& pack);

}  // namespace triagent::analysis
