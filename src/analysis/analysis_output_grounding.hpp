#pragma once
// Grounding IOCs in the evidence: an IOC an analysis cites must appear in the pack's text, so a
// model cannot invent one (nor smuggle one from its training data into a customer's blocklist).
// The validator drops ungrounded IOCs, and the built-in analyst keeps only grounded ones, so both
// apply the same test.
//
//   EvidenceText text(pack);
//   if (!is_well_formed_ioc(IocType::sha256, v) || !text.mentions(v)) drop();

#include <set>
#include <string>
#include <string_view>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/evidence.hpp"

namespace triagent::analysis {

// A redaction placeholder such as "<IP_1>" or "<EMAIL_12>": it stands for any value of its kind.
bool is_redaction_placeholder(std::string_view value);

// The value has the shape of its type (dotted quad, hex digest of the right length, CVE id...);
// types without a fixed shape only need a single line of text. Placeholders always pass.
bool is_well_formed_ioc(IocType type, std::string_view value);

class EvidenceText {
 public:
  explicit EvidenceText(const EvidencePack& pack);
  // True when `value` occurs in some item's text (case-insensitively, also as JSON escapes it),
  // or is an indicator the IOC extractor finds there (defanged forms included).
  bool mentions(std::string_view value) const;

 private:
  void add_text(std::string_view text);
  bool contains(const std::string& lowered) const;

  std::string haystack_;                          // every text part, lower-cased, '\n'-separated
  std::set<std::string, std::less<>> extracted_;  // lower-cased extractor findings
};

}  // namespace triagent::analysis
