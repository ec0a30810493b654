#pragma once
// Analyzer: the built-in, network-free analysis of one event: log type and fields, entities and
// IOCs, Sigma rule matches mapped to ATT&CK techniques, and a 0-100 severity with its reasons.
// Create once (rules compile at load), then call analyze() per event from one thread per
// Analyzer state object (the Analyzer itself is immutable and shareable).
//
//   auto analyzer = Analyzer::create(AnalyzerConfig{});
//   AnalysisState st;
//   analyzer->analyze(line, st);
//   std::string out;
//   analyzer->write_enriched(st, out);   // the input line with ai_* fields added, as JSON
//
// analyze_batch() does the same for many lines at once, faster (see there).

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/analyzer_config.hpp"
#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/analysis/ioc_extractor.hpp"
#include "triagent/analysis/log_type.hpp"
#include "triagent/analysis/sigma.hpp"
#include "triagent/core/result.hpp"
#include "triagent/core/severity.hpp"

namespace triagent::analysis {

struct TechniqueHit {
  const Technique* technique = nullptr;
  double score = 0;                      // sum of the levels of the rules that named it
  std::vector<const SigmaRule*> rules;
};

// Everything analyze() produces for one event; reused across events to keep buffers.
struct AnalysisState {
  ParsedEvent event;
  Indicators indicators;
  std::vector<std::string> users, hosts, processes, command_lines;
  std::vector<const SigmaRule*> matched_rules;
  std::vector<TechniqueHit> techniques;  // best first
  int severity_score = 0;
  Severity severity = Severity::info;
  std::vector<std::string> severity_reasons;
  bool truncated = false;                // the event was longer than max_event_bytes

  void clear();
};

class Analyzer {
 public:
  static Result<Analyzer> create(const AnalyzerConfig& config, std::vector<std::string>* warnings = nullptr);

  void analyze(std::string_view line, AnalysisState& st) const;
  // Events in a batch, each stage run over all of them before the next: on a mix of formats the
  // code and tables of one stage stay warm from event to event, and classify runs about 5%
  // faster on the shared logs than with one analyze() per line. states[k] ends as
  // analyze(lines[k], states[k]) would leave it.
  static constexpr std::size_t kBatchEvents = 64;  // beyond this, no faster (bench/analyzer_bench)
  void analyze_batch(std::span<const std::string_view> lines, std::span<AnalysisState> states) const;
  // Appends one JSON object: the input (object fields kept as they were, or the raw line as
  // "message") plus ai_log_type, ai_fields (text input), ai_entities, ai_iocs,
  // ai_attack_technique, ai_severity_score, ai_severity, ai_severity_reasons, ai_matched_rules.
  void write_enriched(const AnalysisState& st, std::string& out) const;

  const SigmaRuleSet& rules() const { return *rules_; }
  const AttackCatalog& catalog() const { return *catalog_; }

 private:
  Analyzer() = default;
  void detect(std::string_view line, AnalysisState& st) const;  // clears st, then type and fields
  void collect_entities(AnalysisState& st) const;
  void rank_techniques(AnalysisState& st) const;
  void score_severity(AnalysisState& st) const;

  AnalyzerConfig config_;
  LogTypeDetector detector_;
  IocExtractor extractor_;
  IocExtractor id_extractor_{IocScanOptions{.hashes = false}};  // values of id fields: no hashes
  const AttackCatalog* catalog_ = nullptr;
  std::shared_ptr<const SigmaRuleSet> rules_;
};

}  // namespace triagent::analysis
