#pragma once
// AnalyzeStage: stages 5b-6 of an enrichment job. Renders the versioned prompt from the redacted
// evidence, refuses to send it if any raw value the redactor recorded (or a configured secret)
// still appears in it, asks the LLM chain for JSON against the output schema, validates the
// answer, asks once for a repair with the validation errors, and otherwise falls back to the
// built-in analyst. The built-in analyst is also what runs when no LLM is configured.
//
//   AnalyzeStage stage(prompt, llm_chain_or_null, builtin, catalog, policy, {secret_values});
//   AnalyzeOutcome out = co_await stage.run(redacted_pack, vault, trace);
//   audit each out.attempts[i]; deliver vault.restore(out.output)
//
// The output is still in placeholder form (<USER_1>); restoring is the caller's next stage, so
// nothing here ever holds a de-redacted answer.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "triagent/analysis/analysis_output.hpp"
#include "triagent/analysis/analysis_output_actions.hpp"
#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/analysis/builtin_analyst.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/analysis/prompt_template.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/privacy/vault.hpp"

namespace triagent {

// One call to a model (or one refusal to call), as the audit trail records it.
struct AnalysisAttempt {
  enum class Outcome { accepted, rejected, failed, blocked };
  Outcome outcome = Outcome::failed;
  bool repair = false;                 // the second, corrective call
  std::string provider;                // who answered (after failover), or the first in the chain
  std::string model;
  std::string prompt_id;               // "analysis@v1"
  std::string prompt_template_sha256;  // of the template files
  std::string prompt_sha256;           // of the exact text sent (system + messages)
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t estimated_input_tokens = 0;
  double cost_usd = 0;                 // tokens x the provider's configured prices (0: not priced)
  std::int64_t latency_ms = 0;
  std::vector<std::string> errors;     // validation errors, the call's error, or the leak found
  std::vector<std::string> failed_providers;  // "name: error" of providers the chain skipped
};
const char* to_string(AnalysisAttempt::Outcome outcome);

struct AnalyzeOutcome {
  analysis::AnalysisOutput output;     // validated; placeholders not yet restored
  std::string produced_by;             // "llm:<provider>" or "builtin"
  bool fallback = false;               // the built-in analyst stood in for a configured LLM
  std::string fallback_reason;         // why (no LLM answer, invalid twice, prompt blocked)
  std::vector<AnalysisAttempt> attempts;
  std::vector<std::string> notes;      // the validator's corrections (retired ids, dropped IOCs)
};

// A provider's prices, USD per million tokens (llm.providers[].usd_per_million_*).
struct LlmPrice {
  double input_per_million = 0;
  double output_per_million = 0;
};

struct AnalyzeStageConfig {
  std::map<std::string, LlmPrice> prices;  // by provider name; a provider not listed costs 0
  int max_output_tokens = 2048;
  std::int64_t call_timeout_ms = 120'000;  // each LLM call (the chain included)
  bool repair = true;                      // one corrective call after an invalid answer
};

class AnalyzeStage {
 public:
  // `llm` may be null: the built-in analyst answers. Every pointer/reference must outlive the stage.
  // `secrets` are values that must never reach a model whatever the redactor did (API keys, tokens).
  AnalyzeStage(const analysis::PromptTemplate& prompt, LlmProvider* llm, const analysis::BuiltinAnalyst& builtin,
               const analysis::AttackCatalog& catalog, analysis::ActionPolicy policy, std::vector<std::string> secrets,
               AnalyzeStageConfig config = {});

  boost::asio::awaitable<AnalyzeOutcome> run(const analysis::EvidencePack& pack, const privacy::Vault& vault,
                                             std::optional<TraceContext> trace) const;

  // The first raw value or secret found in `text`, if any: what the pre-send check refuses.
  std::optional<std::string> find_leak(std::string_view text, const privacy::Vault& vault) const;

 private:
  AnalyzeOutcome fall_back(const analysis::EvidencePack& pack, std::string reason,
                           std::vector<AnalysisAttempt> attempts, bool llm_configured) const;

  const analysis::PromptTemplate& prompt_;
  LlmProvider* llm_;
  const analysis::BuiltinAnalyst& builtin_;
  const analysis::AttackCatalog& catalog_;
  analysis::ActionPolicy policy_;
  std::vector<std::string> secrets_;
  AnalyzeStageConfig config_;
};

}  // namespace triagent
