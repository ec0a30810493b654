#pragma once
// AnalyzerConfig: what the built-in analyzer loads and how much of a hostile input it reads.
// Defaults are usable as they are: the embedded rule set and ATT&CK table, 1 MiB per event.
//
//   AnalyzerConfig cfg;
//   cfg.rule_dirs.push_back("/etc/triagent/sigma");   // operators' own Sigma rules
//   auto analyzer = Analyzer::create(cfg);

#include <cstddef>
#include <string>
#include <vector>

#include "triagent/analysis/json_flatten.hpp"

namespace triagent::analysis {

struct AnalyzerConfig {
  bool builtin_rules = true;              // the rules under config/rules, embedded at build time
  std::vector<std::string> rule_dirs;     // extra directories of Sigma YAML rules (*.yml, *.yaml)
  JsonLimits json_limits;                 // depth and field bounds for JSON events
  std::size_t max_event_bytes = 1 << 20;  // longer events are analysed on their first bytes only
  std::size_t max_entities_per_kind = 64; // per event and kind, to bound output on hostile input
};

}  // namespace triagent::analysis
