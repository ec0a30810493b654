#include "llm_chat_completions.hpp"

#include <utility>

#include "llm_call.hpp"
#include "triagent/connectors/llm_token_estimate.hpp"

namespace triagent::llm_detail {

namespace {

const char* kRemainingTokensHeader = "x-ratelimit-remaining-tokens";

nlohmann::json response_format(const LlmRequest& request) {
  nlohmann::json schema{{"name", request.schema_name}, {"schema", *request.json_schema}, {"strict", request.strict_schema}};
  if (!request.schema_description.empty()) schema["description"] = request.schema_description;
  return {{"type", "json_schema"}, {"json_schema", std::move(schema)}};
}

// Content is a string; a few compatible servers send an array of {type: "text", text} parts.
std::optional<std::string> message_text(const nlohmann::json& message) {
  auto it = message.find("content");
  if (it == message.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (!it->is_array()) return std::nullopt;
  std::string text;
  bool any = false;
  for (const nlohmann::json& part : *it) {
    if (string_field(part, "type") != "text") continue;
    auto t = part.find("text");
    if (t == part.end() || !t->is_string()) continue;
    text += t->get<std::string>();
    any = true;
  }
  return any ? std::optional<std::string>(std::move(text)) : std::nullopt;
}

std::optional<double> usage_tokens(const nlohmann::json& body) {
  auto usage = body.find("usage");
  if (usage == body.end() || !usage->is_object()) return std::nullopt;
  std::int64_t used = int_field(*usage, "prompt_tokens") + int_field(*usage, "completion_tokens");
  if (used <= 0) used = int_field(*usage, "total_tokens");
  return used > 0 ? std::optional<double>(static_cast<double>(used)) : std::nullopt;
}

}  // namespace

nlohmann::json chat_completions_body(const LlmRequest& request, const LlmProviderConfig& config, bool model_in_body) {
  nlohmann::json messages = nlohmann::json::array();
  if (!request.system.empty()) messages.push_back({{"role", "system"}, {"content", request.system}});
  for (const LlmMessage& m : request.messages) messages.push_back({{"role", to_string(m.role)}, {"content", m.content}});

  nlohmann::json body = nlohmann::json::object();
  if (model_in_body) body["model"] = config.model;
  body["messages"] = std::move(messages);
  body[config.max_tokens_field] = output_budget(request, config);
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.json_schema) body["response_format"] = response_format(request);
  return body;
}

Result<LlmResponse> read_chat_completion(const nlohmann::json& body, const LlmProviderConfig& config) {
  auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    return provider_error(config, ErrorCode::unavailable, "malformed response: no choices");
  }
  const nlohmann::json& choice = (*choices)[0];
  auto message = choice.find("message");
  if (message == choice.end() || !message->is_object()) {
    return provider_error(config, ErrorCode::unavailable, "malformed response: choices[0] has no message");
  }

  LlmResponse out;
  out.finish_reason = string_field(choice, "finish_reason");
  std::string refusal = string_field(*message, "refusal");
  if (!refusal.empty()) {
    return provider_error(config, ErrorCode::invalid_argument, "model refused: " + upstream_text(refusal));
  }
  if (out.finish_reason == "content_filter") {
    return provider_error(config, ErrorCode::invalid_argument, "answer withheld by the content filter");
  }
  std::optional<std::string> text = message_text(*message);
  if (!text) {
    return provider_error(config, ErrorCode::unavailable,
                          "response has no message content (finish_reason " + upstream_text(out.finish_reason) + ")");
  }
  out.text = std::move(*text);
  out.truncated = out.finish_reason == "length";
  if (auto usage = body.find("usage"); usage != body.end() && usage->is_object()) {
    out.usage.input_tokens = int_field(*usage, "prompt_tokens");
    out.usage.output_tokens = int_field(*usage, "completion_tokens");
  }
  out.model = string_field(body, "model", config.model.empty() ? config.deployment : config.model);
  return out;
}

boost::asio::awaitable<Result<LlmResponse>> complete_chat(const Upstream& upstream, const LlmProviderConfig& config,
                                                          ChatCompletionsEndpoint endpoint, LlmRequest request) {
  if (auto ok = check_request(request, config); !ok) co_return ok.error();

  LlmHttpCall call;
  call.request.method = "POST";
  call.request.url = std::move(endpoint.url);
  call.request.headers = json_headers(config);
  call.request.headers.insert(call.request.headers.end(), endpoint.credentials.begin(), endpoint.credentials.end());
  call.request.body = dump_json(chat_completions_body(request, config, endpoint.model_in_body));
  call.estimated_tokens = estimate_llm_tokens(request, output_budget(request, config));
  call.used_tokens = usage_tokens;
  call.remaining_tokens_header = kRemainingTokensHeader;

  Result<LlmHttpAnswer> answer = co_await send_llm_call(upstream, config, std::move(call), request);
  if (!answer) co_return answer.error();
  Result<LlmResponse> out = read_chat_completion(answer->body, config);
  if (!out) co_return out.error();
  out->provider = config.name;
  out->latency_ms = answer->latency_ms;
  co_return std::move(out);
}

}  // namespace triagent::llm_detail
