#pragma once
// Fencing untrusted text for a prompt. Evidence goes to the model inside tags it is told to read
// as data; these functions make sure the data cannot close or open those tags, whatever it holds:
// "<" is written as "&lt;" wherever it would start one of our tag names (or a role-like tag such
// as <system>, <user>, <|im_start|>), invalid UTF-8 becomes U+FFFD, and control characters other
// than tab and newline become spaces. Redaction placeholders such as <USER_1> pass unchanged.
//
//   std::string block = render_evidence_item(item);
//   // <evidence id="ev-3" source="dataset" time="2024-05-01T10:00:00.000Z">
//   // summary: ...
//   // raw:
//   // ... &lt;/evidence&gt; ... (neutralised)
//   // </evidence>

#include <cstddef>
#include <string>
#include <string_view>

#include "triagent/analysis/evidence.hpp"

namespace triagent::analysis {

// `text` made safe to place between our data tags (see above). Never longer than 4x the input.
std::string neutralize_untrusted(std::string_view text);

// One evidence item as the prompt shows it. max_raw_bytes > 0 cuts the raw text (on a UTF-8
// boundary) and says how much was left out; the pipeline's packer normally sizes items itself.
std::string render_evidence_item(const EvidenceItem& item, std::size_t max_raw_bytes = 0);

// The host and user most items share: the incident block states them once and items that match
// leave their own host/user lines out (most of a case's events come from one host and account,
// and repeating them costs about 7% of a prompt).
struct EvidenceDefaults {
  std::string host;
  std::string user;
};
EvidenceDefaults common_host_and_user(const EvidencePack& pack);
std::string render_evidence_item(const EvidenceItem& item, const EvidenceDefaults& defaults);

}  // namespace triagent::analysis
