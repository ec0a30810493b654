#pragma once
// PromptTemplate: one versioned prompt for the analysis step, loaded from config/prompts/ and
// named in every audit record by its id ("analysis@v1") and the SHA-256 of its content.
//
// A prompt "<name>@<version>" is four files in one directory (see config/prompts/README.md):
//   <name>.<version>.system.txt   the system prompt; {{schema}} and {{allowed_actions}}
//   <name>.<version>.user.txt     the user message; {{incident}}, {{evidence}}, {{evidence_count}},
//                                 {{evidence_ids}}, {{queries_run}}, {{degraded_sources}}
//   <name>.<version>.repair.txt   the follow-up after a rejected answer; {{previous_answer}},
//                                 {{validation_errors}}, {{evidence_ids}}, {{allowed_actions}}
//   <name>_output.schema.json     the JSON Schema of the answer (shared by the versions of a name)
// An unknown {{placeholder}} or a missing required one ({{schema}}, {{evidence}},
// {{previous_answer}}, {{validation_errors}}) fails the load, so a typo never reaches a model.
// Every untrusted value is fenced (prompt_evidence.hpp) before it is placed; placeholders are
// replaced in one pass, so data that contains "{{schema}}" is never expanded.
//
//   auto prompt = PromptTemplate::load("/etc/triagent/prompts", "analysis@v1");
//   RenderedPrompt p = prompt->render(pack, policy);
//   req.system = p.system; req.messages.push_back({LlmRole::user, p.user});
//   req.json_schema = prompt->schema();
//   audit.prompt = prompt->id() + " sha256:" + prompt->sha256();

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/analysis_output_actions.hpp"
#include "triagent/analysis/evidence.hpp"
#include "triagent/core/result.hpp"

namespace triagent::analysis {

struct RenderedPrompt {
  std::string system;
  std::string user;
};

struct PromptTexts {
  std::string system;
  std::string user;
  std::string repair;
  std::string schema;  // JSON text
};

class PromptTemplate {
 public:
  // `id` is "<name>@<version>": name [a-z0-9_-]+, version "v" followed by digits.
  // Errors: invalid_argument (bad id, bad template or schema), not_found (a missing file).
  static Result<PromptTemplate> load(const std::string& directory, std::string_view id);
  static Result<PromptTemplate> from_texts(std::string_view id, PromptTexts texts);

  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  // Lower-case hex SHA-256 over the four texts (each framed by its role and length), so any change
  // to a template or to the schema changes it.
  const std::string& sha256() const { return sha256_; }
  const nlohmann::json& schema() const { return schema_; }

  RenderedPrompt render(const EvidencePack& pack, const ActionPolicy& policy) const;
  // The user message that asks for a corrected answer; the previous answer (cut to 32 KiB) and the
  // errors are fenced like evidence, since they echo model output built from untrusted data.
  std::string render_repair(std::string_view previous_answer, const std::vector<std::string>& errors,
                            const EvidencePack& pack, const ActionPolicy& policy) const;

 private:
  PromptTemplate() = default;

  std::string id_, name_, version_, sha256_;
  PromptTexts texts_;
  nlohmann::json schema_;
  std::string schema_compact_;
};

// Tokens a text will cost, estimated as ceil(bytes / 4): about four bytes of English or JSON per
// token for the GPT and Claude tokenizers. An estimate for budgets, not a count; non-Latin text
// costs more tokens per byte, so keep a margin.
inline std::size_t estimate_tokens(std::string_view text) { return (text.size() + 3) / 4; }

}  // namespace triagent::analysis
