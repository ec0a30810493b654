#pragma once
// HttpRequest, HttpResponse and HttpError: the values that cross the HttpClient interface.
// Plain structs with no Boost or curl types, so connectors and tests include them cheaply.
//
//   HttpRequest req;
//   req.method = "POST";
//   req.url = "https://api.example.com/v1/notes";
//   req.headers = {{"content-type", "application/json"}};
//   req.body = payload;
//   req.trace = job_trace;                       // sent as traceparent with a fresh span per attempt
//   HttpResult r = ...;                          // from HttpClient::send
//   if (r) use(r->status, r->body); else if (r.error().kind == HttpErrorKind::timeout) ...

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "triagent/core/ids.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// Header names are compared case-insensitively; order and repeats are kept as received.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The first value of `name` (any case), or nullopt.
std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name);

// When a request must be finished, on the monotonic clock (wall-clock steps do not shorten it).
using Deadline = std::chrono::steady_clock::time_point;
inline Deadline deadline_after(std::chrono::milliseconds timeout) { return std::chrono::steady_clock::now() + timeout; }

struct HttpRequest {
  std::string method = "GET";  // any token; GET, HEAD, POST, PUT, PATCH, DELETE are the usual ones
  std::string url;             // http:// or https:// only
  HttpHeaders headers;         // CR or LF in a name or value rejects the request (header injection)
  std::string body;
  // When set, the client sends `traceparent` with this trace id and a new span id for this attempt.
  std::optional<TraceContext> trace;
  // Per-request cap on the response body; 0: the client's configured cap.
  std::uint64_t max_response_bytes = 0;
};

// Times measured by libcurl from the start of the transfer, in microseconds.
struct HttpTiming {
  std::int64_t total_us = 0;
  std::int64_t name_lookup_us = 0;
  std::int64_t connect_us = 0;      // TCP connected (0 when a connection was reused)
  std::int64_t tls_us = 0;          // TLS handshake done (0 for plain HTTP or reuse)
  std::int64_t first_byte_us = 0;   // first response byte
  bool reused_connection = false;   // no new connection was opened for this request
};

struct HttpResponse {
  int status = 0;
  int http_version = 0;  // 10, 11, 20
  HttpHeaders headers;
  std::string body;
  HttpTiming timing;
  std::string span_id;  // the span id sent in traceparent, empty when no trace was set

  std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

enum class HttpErrorKind {
  timeout,          // the deadline passed (connecting, waiting or reading)
  resolve,          // the host name (or the proxy's) did not resolve
  connect,          // no TCP connection (refused, unreachable)
  tls,              // handshake failed or the certificate did not verify
  transport,        // the connection broke mid-exchange: reset, truncated body, malformed response
  too_large,        // the response (body or headers) went over the cap
  cancelled,        // the caller cancelled
  invalid_request,  // bad URL, scheme, method or header; the request was never sent
  shutdown,         // the client was stopped before the request finished
};
const char* to_string(HttpErrorKind kind);

// Worth another attempt: the same request may well succeed later (timeout, resolve, connect,
// transport). TLS failures are not: a certificate that fails to verify keeps failing.
bool is_transient(HttpErrorKind kind);

struct HttpError {
  HttpErrorKind kind = HttpErrorKind::transport;
  std::string message;  // libcurl's description; never contains request headers or bodies
  HttpTiming timing;
  std::string span_id;

  // The project-wide error, for callers that only need Result<T>.
  Error to_error() const;
};

// A response or an HttpError (Result<T> carries the core Error, which has no connect/TLS kinds).
class [[nodiscard]] HttpResult {
 public:
  HttpResult(HttpResponse response) : v_(std::in_place_index<0>, std::move(response)) {}  // NOLINT
  HttpResult(HttpError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  HttpResponse& value() & { return std::get<0>(v_); }
  const HttpResponse& value() const& { return std::get<0>(v_); }
  HttpResponse&& value() && { return std::get<0>(std::move(v_)); }
  HttpResponse& operator*() & { return value(); }
  const HttpResponse& operator*() const& { return value(); }
  HttpResponse* operator->() { return &value(); }
  const HttpResponse* operator->() const { return &value(); }
  const HttpError& error() const { return std::get<1>(v_); }

  // As a Result<HttpResponse>, for code that does not care which transport error it was.
  Result<HttpResponse> to_result() &&;

 private:
  std::variant<HttpResponse, HttpError> v_;
};

}  // namespace triagent
