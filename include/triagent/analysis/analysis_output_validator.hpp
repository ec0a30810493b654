#pragma once
// Validating an LLM's analysis: the answer text becomes an AnalysisOutput only when it matches the
// output schema (checked by hand, field by field, not by a general JSON Schema engine) and when
// every claim holds against what we know: technique ids exist in the ATT&CK catalog, recommended
// actions are in the allow-list, cited evidence ids exist in the pack.
//
//   ValidationResult v = validate_analysis_output(response.text, pack, AttackCatalog::builtin(), policy);
//   if (v.output) use(*v.output);                                  // v.notes: what was corrected
//   else ask_for_repair(render_repair(response.text, v.errors));   // one attempt, then built-in
//
// Errors start with the JSON pointer of the offending value:
//   "/techniques/2/id: unknown technique T9999"
//   "/severity: required property missing"
// Corrections that keep the answer usable are notes, not errors: a retired technique id replaced
// by its successor, an IOC that appears nowhere in the evidence (or is malformed) dropped.
// Hostile input never throws or crashes: any text gives a result, with at most kMaxErrors errors.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/analysis_output_actions.hpp"
#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/analysis/evidence.hpp"

namespace triagent::analysis {

struct ValidationResult {
  static constexpr std::size_t kMaxErrors = 50;
  static constexpr std::size_t kMaxAnswerBytes = 1 << 20;

  std::optional<AnalysisOutput> output;  // set exactly when errors is empty
  std::vector<std::string> errors;
  std::vector<std::string> notes;        // corrections and dropped claims, for the audit record

  bool ok() const { return output.has_value(); }
};

ValidationResult validate_analysis_output(std::string_view text, const EvidencePack& pack,
                                          const AttackCatalog& catalog, const ActionPolicy& policy);

// The JSON object inside a model's answer: the whole text when it is one, else the content of the
// first ```json (or ```) fence, else the first balanced {...} after leading prose. nullopt when
// there is no balanced object.
std::optional<std::string_view> extract_json_object(std::string_view text);

}  // namespace triagent::analysis
