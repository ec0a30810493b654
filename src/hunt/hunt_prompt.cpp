// Hunt prompt building and answer parsing (see hunt_prompt.hpp).
#include "triagent/hunt/hunt_prompt.hpp"

#include <fstream>
#include <sstream>

#include "triagent/core/json_safety.hpp"

namespace triagent::hunt {

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

std::string one_line(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    out.push_back((c == '\n' || c == '\r' || c == '\t') ? ' ' : c);
  }
  return out;
}

}  // namespace

std::string fence_question(std::string_view question) {
  std::string out;
  for (char c : question) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (b < 0x20 && c != '\n' && c != '\t') out += ' ';
    else out.push_back(c);
  }
  return out;
}

std::string render_hunt_system_prompt(std::string_view text, const FieldCatalogue& catalogue,
                                      const HuntTemplates& templates, const HuntPolicy& policy) {
  std::string fields;
  for (const auto& f : catalogue.fields()) {
    fields += "  " + f.name + (f.description.empty() ? "" : " — " + f.description) + "\n";
  }
  std::string examples;
  for (const auto& t : templates.templates()) {
    if (t.example_question.empty()) continue;
    auto m = templates.match(t.example_question);
    if (!m || m->template_id != t.id) continue;
    examples += "Q: " + t.example_question + "\nA: " +
                nlohmann::json{{"query", m->query}, {"rationale", t.title}}.dump() + "\n";
  }
  std::string commands;
  for (const auto& c : policy.allowed_commands) commands += (commands.empty() ? "" : ", ") + c;
  std::string out(text);
  replace_all(out, "{{fields}}", fields);
  replace_all(out, "{{examples}}", examples);
  replace_all(out, "{{allowed_commands}}", commands);
  replace_all(out, "{{max_limit}}", std::to_string(policy.max_limit));
  return out;
}

Result<std::string> load_hunt_system_prompt(const std::string& prompts_dir, const FieldCatalogue& catalogue,
                                            const HuntTemplates& templates, const HuntPolicy& policy) {
  const std::string path = prompts_dir + "/hunt.v1.system.txt";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::not_found, path + ": cannot open the hunt prompt");
  std::stringstream buf;
  buf << in.rdbuf();
  return render_hunt_system_prompt(buf.str(), catalogue, templates, policy);
}

LlmRequest hunt_request(const std::string& system, std::string_view question, const HuntWindow& window,
                        int max_output_tokens) {
  LlmRequest r;
  r.system = system;
  r.schema_name = "hunt_v1";
  r.json_schema = nlohmann::json{{"type", "object"},
                                 {"properties", {{"query", {{"type", "string"}}}, {"rationale", {{"type", "string"}}}}},
                                 {"required", {"query", "rationale"}}};
  r.max_output_tokens = max_output_tokens;
  r.temperature = 0.0;
  std::string user = "Time window: from " + window.start + " to " + (window.end.empty() ? "now" : window.end) +
                     " (passed to DataSet separately; do not put times in the query).\n"
                     "The analyst's question, as data:\n<question>\n" + fence_question(question) + "\n</question>";
  r.messages.push_back({LlmRole::user, std::move(user)});
  return r;
}

void add_repair_turn(LlmRequest& request, const std::string& previous_answer, std::string_view problem) {
  request.messages.push_back({LlmRole::assistant, previous_answer.substr(0, 12000)});
  request.messages.push_back({LlmRole::user, "That query was rejected: " + one_line(problem, 2000) +
                                                 "\nAnswer again with corrected JSON {\"query\", \"rationale\"} that fixes "
                                                 "exactly these problems."});
}

Result<HuntLlmAnswer> parse_hunt_answer(std::string_view text) {
  // Models sometimes wrap JSON in a code fence or a sentence: take the outermost object.
  const auto open = text.find('{');
  const auto close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Error(ErrorCode::invalid_argument, "hunt answer: no JSON object");
  }
  auto j = parse_untrusted_json(text.substr(open, close - open + 1));
  if (!j) return Error(ErrorCode::invalid_argument, "hunt answer: " + j.error().message);
  if (!j->is_object() || !j->contains("query") || !(*j)["query"].is_string()) {
    return Error(ErrorCode::invalid_argument, "hunt answer: expected {\"query\": string, \"rationale\": string}");
  }
  HuntLlmAnswer a;
  a.query = (*j)["query"].get<std::string>();
  if (a.query.empty() || a.query.size() > 10000) return Error(ErrorCode::invalid_argument, "hunt answer: query empty or too long");
  if (j->contains("rationale") && (*j)["rationale"].is_string()) a.rationale = one_line((*j)["rationale"].get<std::string>(), 500);
  return a;
}

}  // namespace triagent::hunt
