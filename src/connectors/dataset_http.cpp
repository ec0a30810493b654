#include "connectors/dataset_http.hpp"

#include <chrono>
#include <cmath>

#include "connectors/dataset_json.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::dataset {

namespace {

bool is_2xx(int status) { return status >= 200 && status < 300; }

ErrorCode code_for_status(int status) {
  switch (status) {
    case 400:
      return ErrorCode::invalid_argument;
    case 401:
      return ErrorCode::unauthenticated;
    case 403:
      return ErrorCode::forbidden;
    case 404:
      return ErrorCode::not_found;
    case 413:
      return ErrorCode::too_large;
    default:
      return ErrorCode::unavailable;
  }
}

// error/server/backoff answers may say how long the CPU bucket needs (A.11).
std::int64_t server_retry_delay(const nlohmann::json& body, std::int64_t fallback_ms) {
  const nlohmann::json* wait = member(member(body, "rateLimit"), "cpuUsageSecondsToWait");
  if (wait != nullptr && wait->is_number()) {
    double seconds = wait->get<double>();
    if (std::isfinite(seconds) && seconds > 0 && seconds < 86'400) {
      return static_cast<std::int64_t>(std::ceil(seconds * 1000));
    }
  }
  return fallback_ms;
}

Error retry_later(std::string message, int status, std::int64_t delay_ms) {
  Error e{ErrorCode::unavailable, std::move(message)};
  e.upstream_status = status;
  e.retry_after_ms = delay_ms;
  return e;
}

}  // namespace

HttpHeaders headers(const Secret& key, const std::string& scope, bool has_body) {
  HttpHeaders h{{"Accept", "application/json"}, {"Authorization", "Bearer " + key.reveal()}};
  if (has_body) h.emplace_back("Content-Type", "application/json");
  if (!scope.empty()) h.emplace_back("S1-Scope", scope);
  return h;
}

std::string to_body(const nlohmann::json& body) { return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

boost::asio::awaitable<Result<HttpResponse>> send(const Upstream& upstream, const Secret& key, const std::string& scope,
                                                  std::string method, std::string url, std::string body,
                                                  std::int64_t timeout_ms, HttpHeaders extra) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers = headers(key, scope, !body.empty());
  for (auto& h : extra) request.headers.push_back(std::move(h));
  request.body = std::move(body);
  CallOptions options;
  options.deadline = deadline_after(std::chrono::milliseconds(timeout_ms));
  Result<HttpResponse> r = co_await call_upstream(upstream, std::move(request), std::move(options));
  if (!r) co_return scrubbed(r.error(), key);
  co_return r;
}

void add_account_selector(nlohmann::json& body, const DataSetConfig& config) {
  if (!config.account_ids.empty()) {
    body["tenant"] = false;
    body["accountIds"] = config.account_ids;
  } else if (config.tenant.has_value()) {
    body["tenant"] = *config.tenant;
  }
}

std::string scrub(std::string text, const Secret& key) {
  const std::string& value = key.reveal();
  if (value.empty()) return text;
  for (std::size_t at = text.find(value); at != std::string::npos; at = text.find(value, at)) {
    text.replace(at, value.size(), "<redacted>");
    at += 10;
  }
  return text;
}

Error scrubbed(Error error, const Secret& key) {
  error.message = scrub(std::move(error.message), key);
  return error;
}

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  if (text.size() > max) out += "...";
  return out;
}

Error http_error(const HttpResponse& response, std::string_view what, const Secret& key) {
  Error e{code_for_status(response.status), scrub(describe_failure(response, what), key)};
  e.upstream_status = response.status;
  return e;
}

Error missing_key(std::string_view what, std::string_view key_name) {
  return Error{ErrorCode::unauthenticated,
               std::string(what) + ": connectors.dataset." + std::string(key_name) + " is not set"};
}

Result<nlohmann::json> read_v1_answer(const HttpResponse& response, std::string_view what, const Secret& key,
                                      std::int64_t server_retry_ms) {
  if (!is_2xx(response.status)) return http_error(response, what, key);
  Result<nlohmann::json> body = parse_untrusted_json(response.body);
  // An empty or unreadable 200 is what a proxy or an overloaded front end sends: try again later.
  if (!body || !body->is_object()) {
    std::string why = body ? "answer is not a JSON object" : body.error().message;
    return retry_later(std::string(what) + ": unreadable answer (" + why + ")", response.status, server_retry_ms);
  }
  std::string status = text(member(*body, "status"));
  if (status.starts_with("success")) return body;
  std::string message = std::string(what) + ": " + printable(status, 100);
  std::string detail = text(member(*body, "message"));
  if (!detail.empty()) message += ": " + printable(detail);
  message = scrub(std::move(message), key);
  if (status.starts_with("error/client")) {
    Error e{ErrorCode::invalid_argument, std::move(message)};
    e.upstream_status = response.status;
    return e;
  }
  if (status.empty()) message = std::string(what) + ": answer has no status";
  return retry_later(std::move(message), response.status, server_retry_delay(*body, server_retry_ms));
}

Result<nlohmann::json> read_json_answer(const HttpResponse& response, std::string_view what, const Secret& key) {
  if (!is_2xx(response.status)) return http_error(response, what, key);
  Result<nlohmann::json> body = parse_untrusted_json(response.body);
  if (!body || !body->is_object()) {
    Error e{ErrorCode::unavailable, std::string(what) + ": unreadable answer (" +
                                        (body ? std::string("answer is not a JSON object") : body.error().message) + ")"};
    e.upstream_status = response.status;
    return e;
  }
  return body;
}

}  // namespace triagent::dataset
