// The plain-value parts of the HTTP client: header lookup, error kinds, config validation and the
// bridge to the resilience module.
#include "triagent/net/http_client.hpp"

#include "triagent/net/http_client_outcome.hpp"

namespace triagent {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

const char* to_string(HttpErrorKind kind) {
  switch (kind) {
    case HttpErrorKind::timeout: return "timeout";
    case HttpErrorKind::resolve: return "resolve";
    case HttpErrorKind::connect: return "connect";
    case HttpErrorKind::tls: return "tls";
    case HttpErrorKind::transport: return "transport";
    case HttpErrorKind::too_large: return "too_large";
    case HttpErrorKind::cancelled: return "cancelled";
    case HttpErrorKind::invalid_request: return "invalid_request";
    case HttpErrorKind::shutdown: return "shutdown";
  }
  return "unknown";
}

bool is_transient(HttpErrorKind kind) {
  switch (kind) {
    case HttpErrorKind::timeout:
    case HttpErrorKind::resolve:
    case HttpErrorKind::connect:
    case HttpErrorKind::transport:
      return true;
    case HttpErrorKind::tls:
    case HttpErrorKind::too_large:
    case HttpErrorKind::cancelled:
    case HttpErrorKind::invalid_request:
    case HttpErrorKind::shutdown:
      return false;
  }
  return false;
}

Error HttpError::to_error() const {
  ErrorCode code = ErrorCode::unavailable;
  switch (kind) {
    case HttpErrorKind::timeout: code = ErrorCode::timeout; break;
    case HttpErrorKind::cancelled: code = ErrorCode::cancelled; break;
    case HttpErrorKind::too_large: code = ErrorCode::too_large; break;
    case HttpErrorKind::invalid_request: code = ErrorCode::invalid_argument; break;
    default: break;
  }
  return make_error(code, std::string(to_string(kind)) + ": " + message);
}

Result<HttpResponse> HttpResult::to_result() && {
  if (has_value()) return std::move(*this).value();
  return error().to_error();
}

Result<void> validate(const HttpClientConfig& c) {
  auto bad = [](const char* key, const char* rule) {
    return make_error(ErrorCode::invalid_argument, std::string("http_client.") + key + ": " + rule);
  };
  if (c.max_connections_per_host < 0) return bad("max_connections_per_host", "must be >= 0 (0: unlimited)");
  if (c.max_total_connections < 0) return bad("max_total_connections", "must be >= 0 (0: unlimited)");
  if (c.max_idle_connections < 0) return bad("max_idle_connections", "must be >= 0");
  if (c.connect_timeout_ms < 1) return bad("connect_timeout_ms", "must be >= 1");
  if (c.max_response_bytes < 1) return bad("max_response_bytes", "must be >= 1");
  if (c.max_response_header_bytes < 1024) return bad("max_response_header_bytes", "must be >= 1024");
  if (c.handle_pool_size < 0) return bad("handle_pool_size", "must be >= 0");
  const std::pair<const char*, const std::string*> texts[] = {
      {"ca_file", &c.ca_file}, {"ca_path", &c.ca_path}, {"user_agent", &c.user_agent}};
  for (const auto& [key, text] : texts) {
    if (text->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return bad(key, "must not contain CR, LF or NUL");
    }
  }
  for (const auto& [key, text] : {std::pair{"proxy", &c.proxy}, std::pair{"no_proxy", &c.no_proxy}}) {
    if (*text && (*text)->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return bad(key, "must not contain CR, LF or NUL");
    }
  }
  return {};
}

AttemptOutcome to_attempt_outcome(const HttpResult& result) {
  if (!result) {
    HttpErrorKind kind = result.error().kind;
    if (kind == HttpErrorKind::cancelled || kind == HttpErrorKind::shutdown) return AttemptOutcome::cancelled();
    return is_transient(kind) ? AttemptOutcome::transient_error() : AttemptOutcome::permanent_error();
  }
  AttemptOutcome outcome = AttemptOutcome::response(result->status);
  auto copy = [&](std::string_view name, std::optional<std::string>& into) {
    if (auto v = result->header(name)) into = std::string(*v);
  };
  copy("retry-after-ms", outcome.retry_after_ms);
  copy("retry-after", outcome.retry_after);
  copy("x-should-retry", outcome.should_retry);
  return outcome;
}

}  // namespace triagent
