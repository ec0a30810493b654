#pragma once
// BuiltinAnalyst: the analysis of an incident without any LLM, from the built-in Analyzer run on
// each evidence item. It is the fallback when the LLM's answers fail validation twice, and the
// whole analysis when the configured provider is "builtin". Deterministic (the same pack gives the
// same output), needs no network, and its output always passes validate_analysis_output() with the
// same pack, catalog and policy.
//
//   auto analyzer = Analyzer::create(AnalyzerConfig{});
//   BuiltinAnalyst analyst(*analyzer, policy);          // policy: the configured allow-list
//   AnalysisOutput out = analyst.analyze(pack);
//
// What it produces: techniques from the Sigma rules that matched each item (citing those items),
// IOCs the extractor found (public IPs, domains, URLs, e-mails, hashes, CVEs) plus the items' own,
// kept only when grounded in the evidence; severity from the highest item score, raised by 5 per
// further item with a rule match (at most +15) and floored by the incident's own severity; verdict
// "suspicious" when a technique matched or the score is at least 40, else "undefined", with a
// confidence from the highest rule level (never above 0.85); a timeline of the items by time (the
// first 200); tags "attack.<technique>" and "triagent.builtin"; and only add_note / add_tag
// recommendations, when the policy allows them.

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/analysis_output_actions.hpp"
#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/evidence.hpp"

namespace triagent::analysis {

class BuiltinAnalyst {
 public:
  // `analyzer` must outlive this object.
  explicit BuiltinAnalyst(const Analyzer& analyzer, ActionPolicy policy = ActionPolicy::low_risk())
      : analyzer_(analyzer), policy_(std::move(policy)) {}

  AnalysisOutput analyze(const EvidencePack& pack) const;

 private:
  const Analyzer& analyzer_;
  ActionPolicy policy_;
};

}  // namespace triagent::analysis
