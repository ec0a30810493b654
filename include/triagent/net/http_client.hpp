#pragma once
// HttpClient: every outbound HTTP call of the daemon (SentinelOne, DataSet, LLM providers, tickets).
// One libcurl multi handle driven by one dedicated thread: no thread per request, connections and
// TLS sessions reused, HTTP/2 multiplexed where the server offers it (ALPN), TLS verified.
// Coroutines use http_client_awaitable.hpp (`co_await async_send(client, req, deadline, use_awaitable)`);
// this header is the callback core and has no Boost or curl in it.
//
//   auto client = make_curl_http_client(HttpClientConfig{});
//   HttpRequestId id = client->send(std::move(req), deadline_after(10s), [](HttpResult r) { ... });
//   client->cancel(id);   // the callback then gets HttpErrorKind::cancelled, unless it already ran
//
// Threads: send() and cancel() may be called from any thread. The callback runs exactly once, on the
// client's own thread (never inside send()), or on the destroying thread for requests still open
// when the client is destroyed (they get HttpErrorKind::shutdown). Keep callbacks short: post the
// result elsewhere, as the awaitable adapter does. Destroy the client before the executors its
// callbacks post to.
//
// Proxy: with `proxy` unset, libcurl itself reads http_proxy, HTTPS_PROXY/https_proxy, ALL_PROXY
// and NO_PROXY from the environment for every transfer; `proxy = ""` disables proxies, any other
// value is the proxy URL (http://, https://, socks5h://). https:// targets are tunnelled (CONNECT).
//
// Name resolution uses libcurl's threaded resolver: a short-lived helper thread per lookup that is
// not in the DNS cache (60 s). IP-literal URLs never start one.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "triagent/core/result.hpp"
#include "triagent/net/http_types.hpp"

namespace triagent {

struct HttpClientConfig {
  int max_connections_per_host = 16;   // more requests queue inside libcurl (0: unlimited)
  int max_total_connections = 256;     // (0: unlimited)
  // Connections kept open between calls (libcurl's connection cache); 0: libcurl's default. Below
  // the number of calls in flight at peak, a burst's connections are closed as they finish and the
  // next burst opens them again: at 100 workers a cache of 64 cost pipeline_bench 9% of the
  // daemon's CPU and 18% of the simulator's, so it defaults to the total cap.
  int max_idle_connections = 256;
  std::int64_t connect_timeout_ms = 10'000;  // also bounded by each request's deadline
  std::uint64_t max_response_bytes = 16 * 1024 * 1024;  // body cap after decompression
  std::uint64_t max_response_header_bytes = 64 * 1024;
  bool http2 = true;                   // offer h2 over TLS (ALPN); plain http stays HTTP/1.1
  bool verify_tls = true;              // peer certificate and host name; off only for local testing
  std::string ca_file;                 // PEM bundle; empty: the system store
  std::string ca_path;                 // directory of hashed CA certificates; empty: the system store
  std::optional<std::string> proxy;    // see the header comment; may hold credentials: never log it
  std::optional<std::string> no_proxy; // comma-separated hosts that bypass the proxy
  std::string user_agent = "triagent/0.1";
  bool accept_compressed = true;       // send Accept-Encoding and decode gzip/deflate/br
  int handle_pool_size = 32;           // idle curl easy handles kept for reuse
};

// Ranges only; names the key as "http_client.<key>".
Result<void> validate(const HttpClientConfig& config);

using HttpRequestId = std::uint64_t;
using HttpCallback = std::function<void(HttpResult)>;

struct HttpClientStats {
  std::int64_t started_total = 0;
  std::int64_t succeeded_total = 0;  // any HTTP status
  std::int64_t failed_total = 0;     // transport errors, including cancelled and timeouts
  std::int64_t cancelled_total = 0;
  std::int64_t in_flight = 0;
  std::int64_t connections_opened_total = 0;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // The deadline bounds the whole exchange, including time queued behind connection limits.
  virtual HttpRequestId send(HttpRequest request, Deadline deadline, HttpCallback done) = 0;
  // Finishes the request with `cancelled` if it has not finished; unknown ids are ignored.
  virtual void cancel(HttpRequestId id) = 0;
  virtual HttpClientStats stats() const = 0;
};

// Starts the client's thread. Throws std::invalid_argument for an invalid config and
// std::runtime_error when libcurl cannot be initialised (start-up only).
std::unique_ptr<HttpClient> make_curl_http_client(HttpClientConfig config);

}  // namespace triagent
