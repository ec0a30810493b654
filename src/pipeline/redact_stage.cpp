#include "triagent/pipeline/redact_stage.hpp"

namespace triagent {

namespace {

// Host and user fields are names by position, so they are recorded as such even when the text
// scanner would not recognise them; later occurrences in free text then get the same placeholder.
std::string redact_name(const std::string& value, const char* tag, privacy::Vault& vault) {
  if (value.empty()) return value;
  if (value.front() == '<' && value.back() == '>' && vault.value_of(value)) return value;  // already a placeholder
  return vault.placeholder(tag, value);
}

}  // namespace

analysis::EvidencePack redact_evidence(const analysis::EvidencePack& pack, const privacy::Redactor& redactor,
                                       privacy::Vault& vault) {
  analysis::EvidencePack out = pack;
  // Names first, so that free text redacted afterwards reuses their placeholders.
  for (auto& item : out.items) {
    item.host = redact_name(item.host, "HOST", vault);
    item.user = redact_name(item.user, "USER", vault);
  }
  out.title = redactor.redact_text(out.title, vault);
  for (auto& item : out.items) {
    item.summary = redactor.redact_text(item.summary, vault);
    item.raw = redactor.redact_line(item.raw, vault);
    for (auto& field : item.fields) field.value = redactor.redact_text(field.value, vault);
    for (auto& ioc : item.iocs) ioc.value = redactor.redact_text(ioc.value, vault);
  }
  for (auto& query : out.queries_run) query = redactor.redact_text(query, vault);
  for (auto& degraded : out.degraded_sources) degraded.reason = redactor.redact_text(degraded.reason, vault);
  return out;
}

}  // namespace triagent
