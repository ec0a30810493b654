#pragma once
// Sigma rules: load YAML rules (one or more documents per file) and evaluate them against
// parsed events. Supports logsource (product/category/service), selections as maps (AND) or
// lists of maps (OR), keyword lists, null/empty values, wildcards (* ?), the modifiers contains,
// startswith, endswith, all, re, cidr, windash, base64offset, exists, gt/gte/lt/lte, cased, fieldref, and
// conditions with and/or/not, parentheses, "1 of sel*", "all of them". Aggregations ("| count")
// are rejected at load time. Matching is linear in the event size; `re` uses RE2.
//
//   SigmaRuleSet rules;
//   rules.add_yaml(yaml_text, "my_rules.yml", catalog, &warnings);
//   rules.match(event, [](const SigmaRule& r) { ... });

#include <functional>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/analysis/parsed_event.hpp"
#include "triagent/core/result.hpp"

namespace triagent::analysis {

class LiteralMatcher;

enum class RuleLevel { informational = 0, low = 1, medium = 2, high = 3, critical = 4 };

const char* to_string(RuleLevel level);

struct SigmaRule {
  std::string id;
  std::string title;
  std::string source;                   // file name it came from
  RuleLevel level = RuleLevel::medium;
  std::vector<std::string> techniques;  // validated ATT&CK ids
  std::string product, category, service;
  bool keyword_only = false;            // only full-text keyword selections: a weaker signal
  struct Compiled;                      // detections and condition, opaque
  std::shared_ptr<const Compiled> compiled;
};

// Parses a condition expression against the given selection names; for tests and fuzzing.
Result<void> parse_sigma_condition(std::string_view condition, const std::vector<std::string>& selection_names);

class SigmaRuleSet {
 public:
  // Adds every rule of a YAML text. A rule that fails to load is skipped and described in
  // `warnings`; the call fails only when the YAML itself does not parse.
  Result<std::size_t> add_yaml(std::string_view yaml, std::string_view source, const AttackCatalog& catalog,
                               std::vector<std::string>* warnings = nullptr);
  // Adds every *.yml / *.yaml file under `dir` (recursively).
  Result<std::size_t> add_directory(const std::string& dir, const AttackCatalog& catalog,
                                    std::vector<std::string>* warnings = nullptr);

  std::size_t size() const { return rules_.size(); }
  const std::vector<SigmaRule>& rules() const { return rules_; }

  // Calls on_match for every rule whose logsource fits the event and whose condition holds.
  void match(const ParsedEvent& event, const std::function<void(const SigmaRule&)>& on_match) const;
  void match_each(std::span<const ParsedEvent* const> events,
                  const std::function<void(std::size_t, const SigmaRule&)>& on_match) const;

 private:
  // Rules sharing a logsource (product, category, service) share one fit test per event. Sets of
  // rules are bit sets over rules_ (bit r: rules_[r]), so visiting them in bit order keeps rule order.
  struct Logsource {
    std::string product, category, service;
    std::vector<std::uint64_t> rules;  // the rules with this logsource
  };
  void index_logsource(const SigmaRule& rule);
  // Each rule's literal gate, inverted so an event costs one step per literal it holds instead of
  // a look at the gate of every rule of its logsource.
  struct GateIndex {
    std::vector<std::uint64_t> ungated;                 // rules without a gate: always evaluated
    std::vector<std::vector<std::uint32_t>> by_literal;  // literal id -> rules whose gate lists it
  };
  void index_gates();
  // match() in two steps (Hits is LiteralMatcher::Hits, known only to sigma.cpp).
  template <class Hits>
  void scan_literals(const ParsedEvent& event, Hits& hits) const;
  template <class Hits, class OnMatch>
  void evaluate(const ParsedEvent& event, const Hits& hits, OnMatch&& on_match) const;

  std::vector<SigmaRule> rules_;
  std::shared_ptr<LiteralMatcher> literals_;  // every substring the rules look for (prefilter)
  std::vector<Logsource> logsources_;
  GateIndex gates_;
};

}  // namespace triagent::analysis
