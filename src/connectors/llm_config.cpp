#include "triagent/connectors/llm_config.hpp"

#include <array>

#include "llm_config_checks.hpp"

namespace triagent {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Names that end up in URLs (deployment, api-version) or labels (name): no escaping ever needed.
bool url_safe(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

// RFC 9110 token characters, for header names.
bool header_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_alnum(c) && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool has_control(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool reserved_header(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kReserved = {
      "authorization", "api-key", "x-api-key", "content-type", "content-length", "host", "anthropic-version", "traceparent"};
  std::string l = lower(name);
  for (std::string_view r : kReserved) {
    if (l == r) return true;
  }
  return false;
}

Result<void> check_base_url(std::string_view url) {
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return Error{ErrorCode::invalid_argument, "must start with http:// or https://"};
  }
  if (rest.empty() || rest.front() == '/') return Error{ErrorCode::invalid_argument, "has no host"};
  for (char c : url) {
    if (c == '?' || c == '#' || c == ' ' || has_control(std::string_view(&c, 1))) {
      return Error{ErrorCode::invalid_argument, "must not contain a query, a fragment, spaces or control characters"};
    }
  }
  return {};
}

}  // namespace

const char* to_string(LlmProviderKind kind) {
  switch (kind) {
    case LlmProviderKind::openai: return "openai";
    case LlmProviderKind::azure_openai: return "azure_openai";
    case LlmProviderKind::anthropic: return "anthropic";
    case LlmProviderKind::builtin: return "builtin";
  }
  return "openai";
}

std::optional<LlmProviderKind> parse_llm_provider_kind(std::string_view text) {
  for (LlmProviderKind k : {LlmProviderKind::openai, LlmProviderKind::azure_openai, LlmProviderKind::anthropic,
                            LlmProviderKind::builtin}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

std::string effective_base_url(const LlmProviderConfig& config) {
  std::string url = config.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!url.empty()) return url;
  if (config.kind == LlmProviderKind::openai) return "https://api.openai.com";
  if (config.kind == LlmProviderKind::anthropic) return "https://api.anthropic.com";
  return url;
}

Result<void> validate(const LlmProviderConfig& config, std::size_t index) {
  return llm_detail::check_llm_provider_config(config, "llm.providers[" + std::to_string(index) + "]");
}

namespace llm_detail {

Result<void> check_llm_provider_config(const LlmProviderConfig& c, const std::string& prefix) {
  auto bad = [&](const std::string& key, const std::string& rule) -> Result<void> {
    return Error{ErrorCode::invalid_argument, prefix + "." + key + ": " + rule};
  };
  const std::string kind = to_string(c.kind);

  if (!url_safe(c.name)) return bad("name", "required; letters, digits, '_', '-' and '.' only");
  if (c.kind == LlmProviderKind::builtin) return {};  // served by the pipeline; nothing else applies

  if (c.base_url.empty() && c.kind == LlmProviderKind::azure_openai) {
    return bad("base_url", "required for kind azure_openai (https://{resource}.openai.azure.com)");
  }
  if (!c.base_url.empty()) {
    if (auto ok = check_base_url(c.base_url); !ok) return bad("base_url", ok.error().message);
  }
  if (c.kind == LlmProviderKind::azure_openai) {
    if (c.deployment.empty() && c.model.empty()) {
      return bad("deployment", "required for kind azure_openai (or set model to use the /openai/v1 API)");
    }
    if (!c.deployment.empty() && !url_safe(c.deployment)) {
      return bad("deployment", "letters, digits, '_', '-' and '.' only");
    }
    if (!c.deployment.empty() && !url_safe(c.api_version)) {
      return bad("api_version", "required with a deployment, e.g. 2024-10-21; letters, digits, '_', '-' and '.' only");
    }
  } else if (c.model.empty()) {
    return bad("model", "required for kind " + kind);
  }
  if (has_control(c.model)) return bad("model", "must not contain control characters");
  if (c.api_key.empty() && c.kind != LlmProviderKind::openai) return bad("api_key", "required for kind " + kind);
  if (has_control(c.api_key.reveal())) return bad("api_key", "must not contain control characters or newlines");
  if (c.request_timeout_ms < 1) return bad("request_timeout_ms", "must be >= 1");
  if (c.max_output_tokens < 1 || c.max_output_tokens > 1'000'000) {
    return bad("max_output_tokens", "must be within [1, 1000000]");
  }
  if (c.max_tokens_field != "max_completion_tokens" && c.max_tokens_field != "max_tokens") {
    return bad("max_tokens_field", "must be max_completion_tokens or max_tokens");
  }
  if (c.kind == LlmProviderKind::anthropic && (c.anthropic_version.empty() || has_control(c.anthropic_version))) {
    return bad("anthropic_version", "required, e.g. 2023-06-01");
  }
  for (const auto& [name, value] : c.extra_headers) {
    if (!header_token(name)) return bad("extra_headers", "'" + name + "' is not a valid header name");
    if (reserved_header(name)) {
      return bad("extra_headers." + name, "is set by the connector; put credentials in api_key");
    }
    if (has_control(value)) return bad("extra_headers." + name, "must not contain control characters or newlines");
  }
  return {};
}

}  // namespace llm_detail

}  // namespace triagent
