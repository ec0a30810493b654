#include "triagent/pipeline/analyze_stage.hpp"

#include "triagent/analysis/analysis_output_validator.hpp"
#include "triagent/audit/audit_record.hpp"

namespace triagent {

namespace asio = boost::asio;
using analysis::ValidationResult;

namespace {

// A secret shorter than this would match ordinary words; such values are refused by the config.
constexpr std::size_t kMinSecretLength = 8;

std::string conversation_text(const LlmRequest& request) {
  std::string text = request.system;
  for (const auto& m : request.messages) {
    text += '\n';
    text += m.content;
  }
  return text;
}

// What the audit shows of a leak: the kind of value, never the value itself.
std::string leak_description(const std::optional<std::string>& leak, const privacy::Vault& vault) {
  if (!leak) return "";
  if (auto ph = vault.placeholder_of(*leak)) return "raw value of " + std::string(*ph) + " present in the prompt";
  return "a configured secret is present in the prompt";
}

}  // namespace

const char* to_string(AnalysisAttempt::Outcome outcome) {
  switch (outcome) {
    case AnalysisAttempt::Outcome::accepted: return "accepted";
    case AnalysisAttempt::Outcome::rejected: return "rejected";
    case AnalysisAttempt::Outcome::failed: return "failed";
    case AnalysisAttempt::Outcome::blocked: return "blocked";
  }
  return "failed";
}

AnalyzeStage::AnalyzeStage(const analysis::PromptTemplate& prompt, LlmProvider* llm,
                           const analysis::BuiltinAnalyst& builtin, const analysis::AttackCatalog& catalog,
                           analysis::ActionPolicy policy, std::vector<std::string> secrets, AnalyzeStageConfig config)
    : prompt_(prompt), llm_(llm), builtin_(builtin), catalog_(catalog), policy_(std::move(policy)),
      secrets_(std::move(secrets)), config_(config) {
  std::erase_if(secrets_, [](const std::string& s) { return s.size() < kMinSecretLength; });
}

std::optional<std::string> AnalyzeStage::find_leak(std::string_view text, const privacy::Vault& vault) const {
  if (auto raw = vault.find_leak(text)) return raw;
  for (const auto& secret : secrets_) {
    if (text.find(secret) != std::string_view::npos) return secret;
  }
  return std::nullopt;
}

AnalyzeOutcome AnalyzeStage::fall_back(const analysis::EvidencePack& pack, std::string reason,
                                       std::vector<AnalysisAttempt> attempts, bool llm_configured) const {
  AnalyzeOutcome out;
  out.output = builtin_.analyze(pack);
  out.produced_by = "builtin";
  out.fallback = llm_configured;
  out.fallback_reason = std::move(reason);
  out.attempts = std::move(attempts);
  return out;
}

asio::awaitable<AnalyzeOutcome> AnalyzeStage::run(const analysis::EvidencePack& pack, const privacy::Vault& vault,
                                                  std::optional<TraceContext> trace) const {
  if (llm_ == nullptr) co_return fall_back(pack, "", {}, false);

  const analysis::RenderedPrompt rendered = prompt_.render(pack, policy_);
  LlmRequest request;
  request.system = rendered.system;
  request.messages.push_back({LlmRole::user, rendered.user});
  request.json_schema = prompt_.schema();
  request.schema_name = "triagent_analysis";
  request.max_output_tokens = config_.max_output_tokens;
  request.temperature = 0.0;
  request.trace = trace;

  std::vector<AnalysisAttempt> attempts;
  std::string previous_answer;
  std::vector<std::string> previous_errors;
  const int calls = config_.repair ? 2 : 1;
  for (int call = 0; call < calls; ++call) {
    if (call == 1) {
      request.messages.push_back({LlmRole::assistant, previous_answer});
      request.messages.push_back({LlmRole::user, prompt_.render_repair(previous_answer, previous_errors, pack, policy_)});
    }
    AnalysisAttempt attempt;
    attempt.repair = call == 1;
    attempt.provider = llm_->name();
    attempt.prompt_id = prompt_.id();
    attempt.prompt_template_sha256 = prompt_.sha256();
    const std::string sent = conversation_text(request);
    attempt.prompt_sha256 = audit::sha256_hex(sent);
    attempt.estimated_input_tokens = static_cast<std::int64_t>(analysis::estimate_tokens(sent));

    // The pre-send check: redaction must have caught everything, or nothing is sent at all.
    if (auto leak = find_leak(sent, vault)) {
      attempt.outcome = AnalysisAttempt::Outcome::blocked;
      attempt.errors.push_back(leak_description(leak, vault));
      attempts.push_back(std::move(attempt));
      co_return fall_back(pack, "prompt blocked by the pre-send leak check", std::move(attempts), true);
    }

    request.deadline = deadline_after(std::chrono::milliseconds(config_.call_timeout_ms));
    Result<LlmResponse> answer = co_await llm_->complete(request);
    if (!answer) {
      attempt.outcome = AnalysisAttempt::Outcome::failed;
      attempt.errors.push_back(answer.error().message);
      attempts.push_back(std::move(attempt));
      co_return fall_back(pack, "no answer from the LLM: " + answer.error().message, std::move(attempts), true);
    }
    attempt.provider = answer->provider;
    attempt.model = answer->model;
    attempt.input_tokens = answer->usage.input_tokens;
    attempt.output_tokens = answer->usage.output_tokens;
    if (auto price = config_.prices.find(attempt.provider); price != config_.prices.end()) {
      attempt.cost_usd = (static_cast<double>(attempt.input_tokens) * price->second.input_per_million +
                          static_cast<double>(attempt.output_tokens) * price->second.output_per_million) /
                         1e6;
    }
    attempt.latency_ms = answer->latency_ms;
    for (const auto& f : answer->failed_providers) attempt.failed_providers.push_back(f.provider + ": " + f.error.message);

    ValidationResult verdict = analysis::validate_analysis_output(answer->text, pack, catalog_, policy_);
    if (verdict.ok()) {
      attempt.outcome = AnalysisAttempt::Outcome::accepted;
      attempts.push_back(std::move(attempt));
      AnalyzeOutcome out;
      out.output = std::move(*verdict.output);
      out.produced_by = "llm:" + answer->provider;
      out.attempts = std::move(attempts);
      out.notes = std::move(verdict.notes);
      co_return out;
    }
    attempt.outcome = AnalysisAttempt::Outcome::rejected;
    attempt.errors = verdict.errors;
    attempts.push_back(std::move(attempt));
    previous_answer = std::move(answer->text);
    previous_errors = std::move(verdict.errors);
  }
  co_return fall_back(pack, "the LLM's answer failed validation" + std::string(config_.repair ? " twice" : ""),
                      std::move(attempts), true);
}

}  // namespace triagent
