#pragma once
// The simulator's HTTP/1.1 server: Beast on one io_context run by 1-2 threads, every connection a
// coroutine on its own strand, keep-alive, request size limits, and the transport side of fault
// injection (added latency as an asio timer, RST, slow and truncated bodies). No Beast types in
// this header.
//
//   ServerOptions opt;
//   opt.listen_port = 0;
//   int rc = run_server(opt, ctx, router, [](std::uint16_t port) {
//     std::cout << "listening on 127.0.0.1:" << port << std::endl;
//   });                                       // returns 0 after SIGTERM or SIGINT

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace triagent::sim {

struct SimContext;
class Router;

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;
  int threads = 2;                                    // io_context threads (1 or 2 is plenty)
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;       // above DataSet's 6 MB addEvents cap, so that cap is testable
  std::size_t max_inflated_bytes = 32 * 1024 * 1024;  // gzip request bodies
  std::chrono::seconds idle_timeout{120};
};

// Binds, calls on_listening(port) once accepting, serves until SIGTERM/SIGINT, returns 0.
// Throws std::system_error when the address cannot be bound.
int run_server(const ServerOptions& options, SimContext& ctx, const Router& router,
               const std::function<void(std::uint16_t)>& on_listening);

}  // namespace triagent::sim
