#pragma once
// FaultServer: a scripted HTTP/1.1 server on 127.0.0.1 (port 0), optionally over TLS, for testing
// clients against the failures real upstreams produce. One thread, non-blocking POSIX sockets and
// poll(); the script is chosen by the request path, so one server serves every behaviour:
//
//   /ok                          200 "ok" (also any unknown path), keep-alive
//   /echo                        200, body = "METHOD TARGET\n" + "name: value\n" per header + "\n" + body
//   /status?code=429&retry_after=2&retry_after_ms=150&should_retry=false
//                                that status, with those headers when given
//   /stall?ms=N                  waits N ms (default: an hour) before the response headers
//   /slow?bytes=N&interval_ms=M  Content-Length N, then one byte every M ms
//   /bytes?n=N[&chunked=1]       N bytes of 'x', with Content-Length or chunked
//   /big-headers?n=N             N response headers of about 115 bytes each
//   /reset                       headers promising 1000 bytes, 10 bytes, then a TCP RST
//   /hangup                      closes the connection without answering
//   /close                       200 "ok" with Connection: close
//
// A request whose target is an absolute URL (what a client sends to a proxy) is served the same
// way, so the server doubles as a forward proxy for plain-HTTP proxy tests. CONNECT (a tunnel
// request for https:// through a proxy) is recorded and refused with 403.
//
//   FaultServer server;
//   client.get(server.url("/status?code=503"));
//   EXPECT_EQ(server.connections_accepted(), 1);

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace triagent::test {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const;
};

class FaultServer {
 public:
  struct Options {
    // Both set: serve TLS with this PEM certificate chain and key.
    std::string cert_file;
    std::string key_file;
  };

  FaultServer();
  explicit FaultServer(Options options);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port><path>" (https:// when serving TLS).
  std::string url(std::string_view path) const;

  int connections_accepted() const { return accepted_.load(); }
  int connections_open() const { return open_.load(); }
  int requests_served() const { return served_.load(); }
  int tls_handshakes_failed() const { return handshake_failures_.load(); }
  std::vector<RecordedRequest> requests() const;
  RecordedRequest last_request() const;

  // Waits until `condition(*this)` holds, re-checking whenever the server's state changes; false
  // on timeout. For synchronising tests with the server without sleeping.
  bool wait_for(const std::function<bool(const FaultServer&)>& condition, std::chrono::milliseconds timeout) const;

  struct Impl;  // public for the implementation files only

 private:
  void run();

  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  std::atomic<int> accepted_{0}, open_{0}, served_{0}, handshake_failures_{0};
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;  // guarded by mutex_
  mutable std::condition_variable changed_;
  std::uint64_t generation_ = 0;  // guarded by mutex_; bumped after every loop turn
  std::thread thread_;
};

}  // namespace triagent::test
