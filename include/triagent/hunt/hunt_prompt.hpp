#pragma once
// The hunt prompt: the system text (config/prompts/hunt.v1.system.txt with the field catalogue,
// the allowed commands and template examples filled in), the user turn (the question fenced as
// data, and the time window), the repair turns, and the parsing of the answer {query, rationale}.
// The static material sits in the system prompt so the only untrusted text is the fenced question.
//
//   auto system = load_hunt_system_prompt("config/prompts", catalogue, templates, policy);
//   LlmRequest req = hunt_request(*system, question, window);
//   auto answer = parse_hunt_answer(response.text);   // invalid_argument when not {query, rationale}
//   add_repair_turn(req, response.text, "position 3: unknown field 'x'");

#include <string>
#include <string_view>

#include "triagent/connectors/llm_types.hpp"
#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_policy.hpp"
#include "triagent/hunt/hunt_templates.hpp"
#include "triagent/hunt/hunt_window.hpp"

namespace triagent::hunt {

struct HuntLlmAnswer {
  std::string query;
  std::string rationale;
};

// Reads <dir>/hunt.v1.system.txt and fills {{fields}}, {{examples}}, {{allowed_commands}},
// {{max_limit}}.
Result<std::string> load_hunt_system_prompt(const std::string& prompts_dir, const FieldCatalogue& catalogue,
                                            const HuntTemplates& templates, const HuntPolicy& policy);
std::string render_hunt_system_prompt(std::string_view text, const FieldCatalogue& catalogue,
                                      const HuntTemplates& templates, const HuntPolicy& policy);

LlmRequest hunt_request(const std::string& system, std::string_view question, const HuntWindow& window,
                        int max_output_tokens);
// Adds the previous answer and what was wrong with it (validator errors or DataSet's message).
void add_repair_turn(LlmRequest& request, const std::string& previous_answer, std::string_view problem);

Result<HuntLlmAnswer> parse_hunt_answer(std::string_view text);

// The question with anything that could close the fence or confuse a reader neutralised.
std::string fence_question(std::string_view question);

}  // namespace triagent::hunt
