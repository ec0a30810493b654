#include "llm_call.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "triagent/core/json_safety.hpp"

namespace triagent::llm_detail {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr std::size_t kMaxQuotedBody = 300;

bool is_success(int status) { return status >= 200 && status < 300; }

std::string printable(std::string_view text) { return upstream_text(text); }

bool valid_schema_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A positive token count from a rate-limit header. Zero and negative values are ignored: Azure
// sends -1 or 0 where it has no figure, and the next call would wait for nothing.
std::optional<double> remaining_tokens(const HttpResponse& response, const std::string& header) {
  auto value = response.header(header);
  if (!value) return std::nullopt;
  std::string_view text = *value;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

// The provider's rate-limit header, when present, is the truth and replaces the estimate outright
// (so no usage correction on top); otherwise a success's usage corrects the estimate.
std::function<std::optional<double>(const HttpResponse&)> token_feedback(
    UpstreamPolicy* policy, std::function<std::optional<double>(const nlohmann::json&)> used, std::string header) {
  return [policy, used = std::move(used), header = std::move(header)](const HttpResponse& r) -> std::optional<double> {
    if (policy && !header.empty()) {
      if (auto left = remaining_tokens(r, header)) {
        policy->sync_remaining_tokens(*left);
        return std::nullopt;
      }
    }
    if (!used || !is_success(r.status)) return std::nullopt;
    auto body = parse_untrusted_json(r.body);
    if (!body || !body->is_object()) return std::nullopt;
    return used(*body);
  };
}

ErrorCode code_for_status(int status) {
  switch (status) {
    case 400:
    case 422: return ErrorCode::invalid_argument;
    case 401: return ErrorCode::unauthenticated;
    case 403: return ErrorCode::forbidden;
    case 404: return ErrorCode::not_found;
    case 409: return ErrorCode::conflict;
    case 413: return ErrorCode::too_large;
    case 408:
    case 429: return ErrorCode::unavailable;
    default: break;
  }
  return status >= 400 && status < 500 ? ErrorCode::invalid_argument : ErrorCode::unavailable;
}

// Anthropic's error.type, for an error envelope that came with a 2xx status.
ErrorCode code_for_error_type(std::string_view type) {
  if (type == "invalid_request_error") return ErrorCode::invalid_argument;
  if (type == "authentication_error") return ErrorCode::unauthenticated;
  if (type == "permission_error") return ErrorCode::forbidden;
  if (type == "not_found_error") return ErrorCode::not_found;
  if (type == "request_too_large") return ErrorCode::too_large;
  return ErrorCode::unavailable;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return {};
}

// OpenAI {"error":{message,type,param,code}}, Anthropic {"type":"error","error":{type,message,
// details:{error_code}}}, and the {"error":"text"} of some compatible servers.
// Authentication failures leave the message out: OpenAI's quotes part of the key it was given.
std::string describe_error_body(const nlohmann::json& body, bool auth_failure) {
  if (!body.is_object()) return {};
  std::string type, code, message;
  auto it = body.find("error");
  if (it != body.end() && it->is_object()) {
    type = string_field(*it, "type");
    if (auto c = it->find("code"); c != it->end()) code = scalar_text(*c);
    if (auto d = it->find("details"); d != it->end() && d->is_object()) {
      std::string detail = string_field(*d, "error_code");
      if (!detail.empty()) code = code.empty() ? detail : code + ", " + detail;
    }
    message = string_field(*it, "message");
  } else if (it != body.end() && it->is_string()) {
    message = it->get<std::string>();
  } else {
    message = string_field(body, "message");
  }
  std::string out;
  if (!type.empty()) out += printable(type);
  if (!code.empty()) out += (out.empty() ? "" : " ") + std::string("(") + printable(code) + ")";
  if (!message.empty() && !auth_failure) out += (out.empty() ? "" : ": ") + printable(message);
  return out;
}

Error status_error(const LlmProviderConfig& config, const HttpResponse& response, const Result<nlohmann::json>& body) {
  bool auth_failure = response.status == 401 || response.status == 403;
  std::string what = "HTTP " + std::to_string(response.status);
  std::string detail = body ? describe_error_body(*body, auth_failure) : std::string();
  if (detail.empty() && !auth_failure && !response.body.empty()) detail = printable(response.body);
  if (!detail.empty()) what += ": " + detail;
  Error e = provider_error(config, code_for_status(response.status), what);
  e.upstream_status = response.status;
  return e;
}

}  // namespace

std::string upstream_text(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxQuotedBody)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  if (text.size() > kMaxQuotedBody) out += "...";
  return out;
}

std::string scrub_secret(std::string text, const Secret& key) {
  const std::string& k = key.reveal();
  if (k.empty()) return text;
  for (std::size_t at = text.find(k); at != std::string::npos; at = text.find(k, at)) {
    text.replace(at, k.size(), "<redacted>");
    at += 10;
  }
  return text;
}

Error provider_error(const LlmProviderConfig& config, ErrorCode code, std::string_view what) {
  return Error{code, scrub_secret("llm " + config.name + ": " + std::string(what), config.api_key)};
}

Result<void> check_request(const LlmRequest& request, const LlmProviderConfig& config) {
  if (request.messages.empty()) return provider_error(config, ErrorCode::invalid_argument, "request has no messages");
  for (const LlmMessage& m : request.messages) {
    if (m.content.empty()) return provider_error(config, ErrorCode::invalid_argument, "request has an empty message");
  }
  if (request.json_schema) {
    if (!request.json_schema->is_object()) {
      return provider_error(config, ErrorCode::invalid_argument, "json_schema must be a JSON object");
    }
    if (!valid_schema_name(request.schema_name)) {
      return provider_error(config, ErrorCode::invalid_argument, "schema_name must match [A-Za-z0-9_-]{1,64}");
    }
  }
  if (request.max_output_tokens < 0) {
    return provider_error(config, ErrorCode::invalid_argument, "max_output_tokens must be >= 0");
  }
  if (request.temperature && !(std::isfinite(*request.temperature) && *request.temperature >= 0)) {
    return provider_error(config, ErrorCode::invalid_argument, "temperature must be a number >= 0");
  }
  return {};
}

int output_budget(const LlmRequest& request, const LlmProviderConfig& config) {
  return request.max_output_tokens > 0 ? request.max_output_tokens : config.max_output_tokens;
}

HttpHeaders json_headers(const LlmProviderConfig& config) {
  HttpHeaders headers{{"content-type", "application/json"}};
  headers.insert(headers.end(), config.extra_headers.begin(), config.extra_headers.end());
  return headers;
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string string_field(const nlohmann::json& object, const char* key, std::string fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::int64_t int_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_unsigned()) return static_cast<std::int64_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(), std::numeric_limits<std::int64_t>::max()));
  return 0;
}

boost::asio::awaitable<Result<LlmHttpAnswer>> send_llm_call(const Upstream& upstream, const LlmProviderConfig& config,
                                                            LlmHttpCall call, const LlmRequest& request) {
  CallOptions options;
  // The provider's own timeout always applies; the caller's deadline can only shorten it (a chain
  // hands each provider what is left of the caller's budget).
  options.deadline = deadline_after(milliseconds(config.request_timeout_ms));
  if (request.deadline && *request.deadline < options.deadline) options.deadline = *request.deadline;
  options.trace = request.trace;
  options.estimated_tokens = call.estimated_tokens;
  options.used_tokens = token_feedback(upstream.policy, std::move(call.used_tokens), std::move(call.remaining_tokens_header));

  const auto started = steady_clock::now();
  Result<HttpResponse> result = co_await call_upstream(upstream, std::move(call.request), std::move(options));
  const std::int64_t latency_ms = std::chrono::duration_cast<milliseconds>(steady_clock::now() - started).count();
  if (!result) {
    Error e = result.error();
    e.message = scrub_secret(std::move(e.message), config.api_key);
    co_return e;
  }

  const HttpResponse& response = *result;
  Result<nlohmann::json> body = parse_untrusted_json(response.body);
  if (!is_success(response.status)) co_return status_error(config, response, body);
  if (!body || !body->is_object()) {
    Error e = provider_error(config, ErrorCode::unavailable,
                             "malformed response: " + (body ? std::string("not a JSON object") : body.error().message));
    e.upstream_status = response.status;
    co_return e;
  }
  if (string_field(*body, "type") == "error") {
    // Anthropic's error envelope; normally with a 4xx/5xx, but never read it as an answer.
    auto err = body->find("error");
    std::string type = err != body->end() ? string_field(*err, "type") : std::string();
    bool auth_failure = type == "authentication_error" || type == "permission_error";
    Error e = provider_error(config, code_for_error_type(type),
                             "error response: " + describe_error_body(*body, auth_failure));
    e.upstream_status = response.status;
    co_return e;
  }
  co_return LlmHttpAnswer{std::move(body).value(), latency_ms};
}

}  // namespace triagent::llm_detail
