#pragma once
// redact_evidence: stage 5a of an enrichment job. Every text of the evidence pack that came from
// outside (titles, hosts, users, summaries, raw events, field values, IOC values) goes through the
// redactor into the job's vault, so the prompt only ever holds placeholders (<USER_1>, <IP_2>).
// The same value gets the same placeholder across items, so the model can still correlate them,
// and the vault restores the answer afterwards.
//
//   privacy::Vault vault;
//   analysis::EvidencePack safe = redact_evidence(pack, redactor, vault);
//   ... prompt from `safe`; stage 6 checks the prompt against vault.raw_values() before sending.

#include "triagent/analysis/evidence.hpp"
#include "triagent/privacy/redactor.hpp"
#include "triagent/privacy/vault.hpp"

namespace triagent {

analysis::EvidencePack redact_evidence(const analysis::EvidencePack& pack, const privacy::Redactor& redactor,
                                       privacy::Vault& vault);

}  // namespace triagent
