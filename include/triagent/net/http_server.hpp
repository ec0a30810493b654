#pragma once
// HttpServer: the inbound HTTP/1.1 server (Boost.Beast, C++20 coroutines), with or without TLS.
//
// Every connection runs as one coroutine on its own strand. Limits come from ServerConfig:
// header and body sizes (413 is answered from Content-Length, before the body is read), one
// deadline for each request's headers + body (slow clients are dropped, they hold no worker),
// a keep-alive idle timeout, a connection cap (503 over it) and a request cap per connection.
//
// Shutdown is two-step: begin_shutdown() stops accepting, answers in-flight requests with
// "Connection: close" and closes idle keep-alive connections; on_drained() reports when the last
// connection is gone, force-closing stragglers at the deadline.
//
//   auto server = HttpServer::start(ioc, cfg.server, handler);   // binds now: the port is known
//   std::cout << "listening on " << (*server)->port();
//
// Beast stays inside the .cpp: this header only forward-declares io_context.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "triagent/config/config.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/server_types.hpp"

namespace boost::asio {
class io_context;
}

namespace triagent {

struct HttpServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_rejected = 0;  // over max_connections
  std::uint64_t requests = 0;
  std::uint64_t timeouts = 0;              // a client too slow to send its request
  std::uint64_t too_large = 0;             // 413 and 431 answers
  std::uint64_t bad_requests = 0;          // unparseable HTTP
};

class HttpServer {
 public:
  // Binds and listens on cfg.listen now; connections are served by whoever runs `ioc`.
  // cfg.threads must be the number of threads that run `ioc` (a resolved count, not auto): with
  // exactly 1, connections run without a strand.
  static Result<std::unique_ptr<HttpServer>> start(boost::asio::io_context& ioc, const ServerConfig& cfg,
                                                   Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::string host() const;
  std::uint16_t port() const;
  bool tls() const;

  void begin_shutdown();
  void on_drained(std::chrono::milliseconds deadline, std::function<void()> done);

  std::size_t connection_count() const;
  HttpServerStats stats() const;

  class Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// Splits "host:port", "[v6]:port" or ":port"; error names what is wrong.
Result<std::pair<std::string, std::uint16_t>> parse_listen_address(const std::string& listen);

}  // namespace triagent
