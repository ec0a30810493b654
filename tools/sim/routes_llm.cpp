// LLM routes (apis.md Part C): OpenAI chat completions, Azure OpenAI (deployment path and the
// OpenAI-compatible /openai/v1 form) and Anthropic messages. Answers come from llm_answer.hpp;
// these functions only speak each provider's envelope.
#include <mutex>

#include "api_errors.hpp"
#include "llm_answer.hpp"
#include "route_util.hpp"
#include "router.hpp"
#include "sim_auth.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

constexpr std::size_t kKeptPromptBytes = 64 * 1024;

// Text of a message's content: a string, or a list of {type: "text", text} blocks.
std::string content_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& block : content) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") && block["text"].is_string()) {
        if (!out.empty()) out += "\n";
        out += block["text"].get<std::string>();
      }
    }
  }
  return out;
}

struct Prompt {
  std::string system, user, model;
};

std::size_t tokens(std::size_t bytes) { return std::max<std::size_t>(1, bytes / 4); }

std::string take_mode(SimContext& ctx, const char* provider) {
  std::lock_guard lock(ctx.state.mu);
  return ctx.state.take_llm_mode(provider);
}

void record(SimContext& ctx, const char* provider, const SimRequest& req, const Prompt& p, const LlmAnswer& a) {
  std::lock_guard lock(ctx.state.mu);
  auto& prompts = ctx.state.llm_prompts;
  prompts.push_back({{"provider", provider},
                     {"path", req.path},
                     {"model", p.model},
                     {"mode", a.mode},
                     {"system", p.system.substr(0, kKeptPromptBytes)},
                     {"user", p.user.substr(0, kKeptPromptBytes)},
                     {"answer", a.text.substr(0, kKeptPromptBytes)}});
  while (prompts.size() > SimState::kMaxPrompts) prompts.pop_front();
}

std::string answer_id(const char* prefix, const std::string& body) { return prefix + hex64(fnv1a64(body)); }

Result<Prompt> chat_prompt(const json& body) {
  auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    return Error(ErrorCode::invalid_argument, "'messages' must be a non-empty array");
  }
  Prompt p;
  p.model = string_field(body, "model");
  for (const auto& m : *messages) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      return Error(ErrorCode::invalid_argument, "each message needs a 'role'");
    }
    const std::string role = m["role"].get<std::string>();
    std::string& target = (role == "system" || role == "developer") ? p.system : p.user;
    if (role == "assistant" || role == "tool") continue;
    if (!target.empty()) target += "\n";
    target += content_text(m.value("content", json()));
  }
  return p;
}

// The function a chat request forces (tool_choice {"type":"function","function":{"name"}} or
// "required" with one tool), or "".
std::string forced_function(const json& body) {
  auto tools = body.find("tools");
  if (tools == body.end() || !tools->is_array() || tools->empty()) return "";
  const json choice = body.value("tool_choice", json());
  if (choice.is_object() && choice.contains("function") && choice["function"].is_object()) {
    return string_field(choice["function"], "name");
  }
  if (choice == "required") {
    const json& first = (*tools)[0];
    if (first.is_object() && first.contains("function")) return string_field(first["function"], "name");
  }
  return "";
}

SimResponse chat_completion(SimContext& ctx, const SimRequest& req, ApiFamily family, const char* provider,
                            const std::string& model_override) {
  if (auto denied = check_llm_key(ctx, req, family)) return *denied;
  auto body = json_body(req);
  if (!body) return api_error(family, 400, body.error().message);
  auto prompt = chat_prompt(*body);
  if (!prompt) return api_error(family, 400, prompt.error().message);
  if (!model_override.empty()) prompt->model = model_override;
  if (prompt->model.empty()) prompt->model = ctx.scenario.llm_model;
  const std::string mode = take_mode(ctx, provider);
  const LlmAnswer a = ctx.llm_answer(mode, prompt->system, prompt->user);
  record(ctx, provider, req, *prompt, a);
  const std::string function = forced_function(*body);
  json message{{"role", "assistant"}, {"content", nullptr}, {"refusal", nullptr}};
  std::string finish = "stop";
  if (a.refusal) {
    message["refusal"] = a.text;
  } else if (!function.empty() && !a.truncated) {
    message["tool_calls"] = json::array(
        {{{"id", answer_id("call_", req.body)}, {"type", "function"}, {"function", {{"name", function}, {"arguments", a.text}}}}});
    finish = "tool_calls";
  } else {
    message["content"] = a.text;
    if (a.truncated) finish = "length";
  }
  const std::size_t prompt_tokens = tokens(prompt->system.size() + prompt->user.size());
  const std::size_t completion_tokens = tokens(a.text.size());
  json choice{{"index", 0}, {"message", message}, {"logprobs", nullptr}, {"finish_reason", finish}};
  json answer{{"id", answer_id("chatcmpl-sim", req.body)},
              {"object", "chat.completion"},
              {"created", ctx.scenario.now() / 1000000000LL},
              {"model", prompt->model},
              {"choices", json::array({choice})},
              {"usage", {{"prompt_tokens", prompt_tokens}, {"completion_tokens", completion_tokens}, {"total_tokens", prompt_tokens + completion_tokens}}},
              {"system_fingerprint", "fp_triagent_sim"}};
  if (family == ApiFamily::azure) {
    const json filtered{{"hate", {{"filtered", false}, {"severity", "safe"}}},
                        {"self_harm", {{"filtered", false}, {"severity", "safe"}}},
                        {"sexual", {{"filtered", false}, {"severity", "safe"}}},
                        {"violence", {{"filtered", false}, {"severity", "safe"}}}};
    answer["prompt_filter_results"] = json::array({{{"prompt_index", 0}, {"content_filter_results", filtered}}});
    answer["choices"][0]["content_filter_results"] = filtered;
  }
  return SimResponse::json(200, answer);
}

SimResponse openai_chat(SimContext& ctx, const SimRequest& req, const PathParams&) {
  return chat_completion(ctx, req, ApiFamily::openai, "openai", "");
}

SimResponse azure_chat(SimContext& ctx, const SimRequest& req, const PathParams& params) {
  if (auto denied = check_llm_key(ctx, req, ApiFamily::azure)) return *denied;
  if (!req.param("api-version")) {
    return SimResponse::json(404, {{"error", {{"code", "404"}, {"message", "Resource not found"}}}});
  }
  const std::string& deployment = params.at("deployment");
  const auto& allowed = ctx.scenario.azure_deployments;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), deployment) == allowed.end()) {
    return SimResponse::json(404, {{"error",
                                    {{"code", "DeploymentNotFound"},
                                     {"message", "The API deployment for this resource does not exist. If you created the "
                                                 "deployment within the last 5 minutes, please wait a moment and try again."}}}});
  }
  return chat_completion(ctx, req, ApiFamily::azure, "azure", deployment);
}

SimResponse azure_v1_chat(SimContext& ctx, const SimRequest& req, const PathParams&) {
  return chat_completion(ctx, req, ApiFamily::azure, "azure", "");
}

SimResponse anthropic_messages(SimContext& ctx, const SimRequest& req, const PathParams&) {
  const ApiFamily family = ApiFamily::anthropic;
  if (auto denied = check_llm_key(ctx, req, family)) return *denied;
  auto body = json_body(req);
  if (!body) return api_error(family, 400, body.error().message);
  if (!int_field(*body, "max_tokens")) return api_error(family, 400, "max_tokens: Field required");
  if (string_field(*body, "model").empty()) return api_error(family, 400, "model: Field required");
  auto messages = body->find("messages");
  if (messages == body->end() || !messages->is_array() || messages->empty()) {
    return api_error(family, 400, "messages: at least one message is required");
  }
  Prompt p;
  p.model = string_field(*body, "model");
  p.system = content_text(body->value("system", json()));
  for (const auto& m : *messages) {
    if (!m.is_object() || m.value("role", "") != "user") continue;
    if (!p.user.empty()) p.user += "\n";
    p.user += content_text(m.value("content", json()));
  }
  const std::string mode = take_mode(ctx, "anthropic");
  const LlmAnswer a = ctx.llm_answer(mode, p.system, p.user);
  record(ctx, "anthropic", req, p, a);
  // A forced tool ({"type":"tool","name"} or {"type":"any"}) makes the answer a tool_use block.
  std::string tool;
  const json tools = body->value("tools", json::array());
  const json choice = body->value("tool_choice", json());
  if (tools.is_array() && !tools.empty() && choice.is_object()) {
    const std::string type = string_field(choice, "type");
    if (type == "tool") tool = string_field(choice, "name");
    else if (type == "any" && tools[0].is_object()) tool = string_field(tools[0], "name");
  }
  json content = json::array();
  std::string stop = "end_turn";
  if (a.refusal) {
    content.push_back({{"type", "text"}, {"text", a.text}});
    stop = "refusal";
  } else if (a.truncated) {
    content.push_back({{"type", "text"}, {"text", a.text}});
    stop = "max_tokens";
  } else if (!tool.empty()) {
    content.push_back({{"type", "tool_use"}, {"id", answer_id("toolu_sim", req.body)}, {"name", tool}, {"input", a.json}});
    stop = "tool_use";
  } else {
    content.push_back({{"type", "text"}, {"text", a.text}});
  }
  return SimResponse::json(200, {{"id", answer_id("msg_sim", req.body)},
                                 {"type", "message"},
                                 {"role", "assistant"},
                                 {"model", p.model},
                                 {"content", content},
                                 {"stop_reason", stop},
                                 {"stop_sequence", nullptr},
                                 {"usage", {{"input_tokens", tokens(p.system.size() + p.user.size())}, {"output_tokens", tokens(a.text.size())}}}});
}

}  // namespace

void add_llm_routes(Router& r) {
  r.add("POST", "/v1/chat/completions", ApiFamily::openai, openai_chat, RouteKind::self_locking);
  r.add("POST", "/openai/deployments/{deployment}/chat/completions", ApiFamily::azure, azure_chat, RouteKind::self_locking);
  r.add("POST", "/openai/v1/chat/completions", ApiFamily::azure, azure_v1_chat, RouteKind::self_locking);
  r.add("POST", "/v1/messages", ApiFamily::anthropic, anthropic_messages, RouteKind::self_locking);
}

}  // namespace triagent::sim
