#include "triagent/connectors/llm_anthropic.hpp"

#include <utility>

#include "llm_call.hpp"
#include "triagent/connectors/llm_token_estimate.hpp"

namespace triagent {

namespace {

using llm_detail::int_field;
using llm_detail::provider_error;
using llm_detail::string_field;
using llm_detail::upstream_text;

const char* kRemainingTokensHeader = "anthropic-ratelimit-tokens-remaining";
const char* kDefaultToolDescription = "Record the answer. Its input is the complete answer, as JSON matching input_schema.";

nlohmann::json messages_body(const LlmRequest& request, const LlmProviderConfig& config) {
  nlohmann::json messages = nlohmann::json::array();
  for (const LlmMessage& m : request.messages) messages.push_back({{"role", to_string(m.role)}, {"content", m.content}});

  nlohmann::json body = nlohmann::json::object();
  body["model"] = config.model;
  body["max_tokens"] = llm_detail::output_budget(request, config);
  if (!request.system.empty()) body["system"] = request.system;
  body["messages"] = std::move(messages);
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.json_schema) {
    // Anthropic has no response_format: a single forced tool whose input is the answer does the job.
    std::string description = request.schema_description.empty() ? kDefaultToolDescription : request.schema_description;
    body["tools"] = nlohmann::json::array(
        {{{"name", request.schema_name}, {"description", description}, {"input_schema", *request.json_schema}}});
    body["tool_choice"] = {{"type", "tool"}, {"name", request.schema_name}};
  }
  return body;
}

std::optional<double> usage_tokens(const nlohmann::json& body) {
  auto usage = body.find("usage");
  if (usage == body.end() || !usage->is_object()) return std::nullopt;
  std::int64_t used = int_field(*usage, "input_tokens") + int_field(*usage, "output_tokens");
  return used > 0 ? std::optional<double>(static_cast<double>(used)) : std::nullopt;
}

// The forced tool call's input, as JSON text.
std::optional<std::string> tool_input(const nlohmann::json& content, const std::string& tool) {
  for (const nlohmann::json& block : content) {
    if (string_field(block, "type") != "tool_use" || string_field(block, "name") != tool) continue;
    auto input = block.find("input");
    if (input != block.end() && input->is_object()) return llm_detail::dump_json(*input);
  }
  return std::nullopt;
}

std::optional<std::string> joined_text(const nlohmann::json& content) {
  std::string text;
  bool any = false;
  for (const nlohmann::json& block : content) {
    if (string_field(block, "type") != "text") continue;
    auto t = block.find("text");
    if (t == block.end() || !t->is_string()) continue;
    text += t->get<std::string>();
    any = true;
  }
  return any ? std::optional<std::string>(std::move(text)) : std::nullopt;
}

Result<LlmResponse> read_message(const nlohmann::json& body, const LlmRequest& request, const LlmProviderConfig& config) {
  auto content = body.find("content");
  if (content == body.end() || !content->is_array()) {
    return provider_error(config, ErrorCode::unavailable, "malformed response: no content array");
  }
  LlmResponse out;
  out.finish_reason = string_field(body, "stop_reason");
  if (out.finish_reason == "refusal") {
    return provider_error(config, ErrorCode::invalid_argument, "model refused (stop_reason refusal)");
  }
  out.truncated = out.finish_reason == "max_tokens" || out.finish_reason == "model_context_window_exceeded";
  std::optional<std::string> text =
      request.json_schema ? tool_input(*content, request.schema_name) : joined_text(*content);
  if (!text) {
    std::string missing = request.json_schema ? "no tool_use block for " + request.schema_name : "no text content";
    return provider_error(config, ErrorCode::unavailable,
                          "response has " + missing + " (stop_reason " + upstream_text(out.finish_reason) + ")");
  }
  out.text = std::move(*text);
  if (auto usage = body.find("usage"); usage != body.end() && usage->is_object()) {
    out.usage.input_tokens = int_field(*usage, "input_tokens");
    out.usage.output_tokens = int_field(*usage, "output_tokens");
  }
  out.model = string_field(body, "model", config.model);
  return out;
}

}  // namespace

AnthropicProvider::AnthropicProvider(LlmProviderConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

boost::asio::awaitable<Result<LlmResponse>> AnthropicProvider::complete(LlmRequest request) {
  if (auto ok = llm_detail::check_request(request, config_); !ok) co_return ok.error();

  llm_detail::LlmHttpCall call;
  call.request.method = "POST";
  call.request.url = upstream_.url("/v1/messages");
  call.request.headers = llm_detail::json_headers(config_);
  call.request.headers.emplace_back("x-api-key", config_.api_key.reveal());
  call.request.headers.emplace_back("anthropic-version", config_.anthropic_version);
  call.request.body = llm_detail::dump_json(messages_body(request, config_));
  call.estimated_tokens = estimate_llm_tokens(request, llm_detail::output_budget(request, config_));
  call.used_tokens = usage_tokens;
  call.remaining_tokens_header = kRemainingTokensHeader;

  Result<llm_detail::LlmHttpAnswer> answer = co_await llm_detail::send_llm_call(upstream_, config_, std::move(call), request);
  if (!answer) co_return answer.error();
  Result<LlmResponse> out = read_message(answer->body, request, config_);
  if (!out) co_return out.error();
  out->provider = config_.name;
  out->latency_ms = answer->latency_ms;
  co_return std::move(out);
}

}  // namespace triagent
