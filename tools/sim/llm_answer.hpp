#pragma once
// What the simulated LLM answers: a deterministic function of the prompt. The default answer
// conforms to config/prompts/analysis_output.schema.json and is filled by the project's own
// analyzer run on each `<evidence id="ev-3">...</evidence>` item of the prompt (or on the whole
// user text when there is none): techniques, IOCs, assets, severity, timeline, summary. A hunt
// question (the system prompt mentions PowerQuery) gets {"query", "rationale"} instead.
// Modes degrade the answer the way real models fail: invalid_json (truncated), schema_violation
// (wrong types, unknown technique T9999, missing and extra fields), injected (obeys an injection:
// isolate every host, confidence 1.0, an action outside the enum), refusal.
//
//   LlmAnswer a = make_llm_answer(analyzer, system_text, user_text, "valid");
//   a.json   // the answer object (valid, schema_violation, injected)
//   a.text   // the text the model "writes" (a.json dumped, or truncated for invalid_json)

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "triagent/analysis/analyzer.hpp"

namespace triagent::sim {

struct Evidence {
  std::string id;  // empty when the whole user text stands in for evidence
  std::string text;
};

// The <evidence id="...">...</evidence> items of `text`, in order.
std::vector<Evidence> extract_evidence(std::string_view text);

bool is_hunt_prompt(std::string_view system_text);

inline const std::vector<std::string> kLlmModes = {"valid", "invalid_json", "schema_violation", "injected", "refusal"};

struct LlmAnswer {
  std::string mode;
  bool refusal = false;
  bool truncated = false;        // invalid_json: the text stops mid-way (finish_reason "length")
  nlohmann::json json;           // the object the text encodes (null for invalid_json and refusal)
  std::string text;              // what the model writes
};

LlmAnswer make_llm_answer(const analysis::Analyzer& analyzer, std::string_view system_text, std::string_view user_text,
                          const std::string& mode);

// The valid analysis object, exposed for tests of the simulator itself.
nlohmann::json analysis_answer(const analysis::Analyzer& analyzer, std::string_view user_text);
nlohmann::json hunt_answer(const analysis::Analyzer& analyzer, std::string_view user_text);

}  // namespace triagent::sim
