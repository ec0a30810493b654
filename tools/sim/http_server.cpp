#include "http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <array>
#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include "router.hpp"
#include "sim_context.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds kWriteTimeout{30};

struct Shared {
  const ServerOptions& options;
  SimContext& ctx;
  const Router& router;
};

// Logs an exception that escaped a connection coroutine instead of losing it.
struct LogEscaped {
  void operator()(std::exception_ptr e) const {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::cerr << "triagent-sim: connection failed: " << ex.what() << "\n";
    }
  }
};

SimRequest to_sim_request(http::request<http::string_body>& msg, const ServerOptions& options, std::string& error) {
  SimRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  const auto q = req.target.find('?');
  req.path = percent_decode(std::string_view(req.target).substr(0, q), false);
  if (q != std::string::npos) req.query = parse_query_string(std::string_view(req.target).substr(q + 1));
  for (const auto& field : msg) req.headers[to_lower(field.name_string())] = std::string(field.value());
  req.body = std::move(msg.body());
  const std::string encoding = to_lower(req.header("content-encoding").value_or(""));
  if (encoding == "gzip" || encoding == "deflate") {
    auto inflated = gunzip(req.body, options.max_inflated_bytes);
    if (!inflated) error = "the " + encoding + " request body is corrupt or inflates past the limit";
    else req.body = std::move(*inflated);
  }
  return req;
}

std::string reason_phrase(int status) {
  std::string_view r = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
  return r.empty() || r == "<unknown-status>" ? "Status" : std::string(r);
}

// The status line and headers, for the fault paths that write bytes by hand.
std::string raw_head(const SimResponse& r, std::size_t content_length, bool keep_alive) {
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) + "\r\nServer: triagent-sim\r\n";
  if (!r.content_type.empty()) head += "Content-Type: " + r.content_type + "\r\n";
  for (const auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
  head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return head;
}

// Head and body in one gather write: cheaper than Beast's serializer on the hot path, and the
// head is the same text the fault paths send.
net::awaitable<bool> write_response(beast::tcp_stream& stream, const SimResponse& r, bool keep_alive) {
  const std::string head = raw_head(r, r.body.size(), keep_alive);
  const std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(r.body)};
  stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await net::async_write(stream, buffers, use_tuple);
  co_return !ec;
}

net::awaitable<bool> write_raw(beast::tcp_stream& stream, std::string_view bytes) {
  stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await net::async_write(stream, net::buffer(bytes.data(), bytes.size()), use_tuple);
  co_return !ec;
}

net::awaitable<void> pause(std::chrono::milliseconds delay) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(use_tuple);
}

net::awaitable<void> pause_until(std::chrono::steady_clock::time_point deadline) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_at(deadline);
  co_await timer.async_wait(use_tuple);
}

// The body a few bytes at a time (fault slow_body); true when the connection is still usable.
net::awaitable<bool> write_slowly(beast::tcp_stream& stream, const SimResponse& r, bool keep_alive, int bytes, int interval_ms) {
  if (!co_await write_raw(stream, raw_head(r, r.body.size(), keep_alive))) co_return false;
  const std::size_t step = static_cast<std::size_t>(std::max(1, bytes));
  for (std::size_t off = 0; off < r.body.size(); off += step) {
    co_await pause(std::chrono::milliseconds(interval_ms));
    if (!co_await write_raw(stream, std::string_view(r.body).substr(off, step))) co_return false;
  }
  co_return true;
}

void close_with_reset(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().set_option(net::socket_base::linger(true, 0), ec);  // close() now sends RST
  stream.socket().close(ec);
}

void close_gracefully(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

SimResponse limit_error(int status, const std::string& message) {
  return SimResponse::json(status, {{"error", message}, {"status", status == 413 ? "error/client/requestTooLarge" : "error/client/badParam"}});
}

net::awaitable<void> serve_connection(tcp::socket socket, Shared* shared) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  beast::flat_buffer buffer;
  const ServerOptions& opt = shared->options;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser.body_limit(opt.max_body_bytes);
    // Wait for the next request's header.
    stream.expires_after(opt.idle_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      const bool body = ec == http::error::body_limit;
      co_await write_response(stream, limit_error(body ? 413 : 431, body ? "request body too large" : "request header too large"), false);
      close_gracefully(stream);
      co_return;
    }
    if (ec) {
      if (ec != http::error::end_of_stream && ec != net::error::eof && ec != beast::error::timeout &&
          ec != net::error::connection_reset && ec != net::error::operation_aborted) {
        co_await write_response(stream, limit_error(400, "malformed HTTP request: " + ec.message()), false);
      }
      close_gracefully(stream);
      co_return;
    }
    // curl asks before sending large bodies; answer so it does not wait a second.
    if (auto expect = parser.get()[http::field::expect]; beast::iequals(expect, "100-continue")) {
      if (!co_await write_raw(stream, "HTTP/1.1 100 Continue\r\n\r\n")) co_return;
    }
    // Read the body.
    if (!parser.is_done()) {
      stream.expires_after(opt.idle_timeout);
      auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (body_ec == http::error::body_limit) {
        co_await write_response(stream, limit_error(413, "request body too large"), false);
        close_gracefully(stream);
        co_return;
      }
      if (body_ec) {
        close_gracefully(stream);
        co_return;
      }
    }
    // Added latency counts from here, so the time spent answering is part of it, not on top.
    const auto received = std::chrono::steady_clock::now();
    http::request<http::string_body> msg = parser.release();
    const bool keep_alive = msg.keep_alive();
    std::string decode_error;
    SimRequest req = to_sim_request(msg, opt, decode_error);
    Dispatch d;
    if (!decode_error.empty()) {
      d.response = limit_error(400, decode_error);
    } else {
      d = shared->router.dispatch(shared->ctx, req);
    }
    // Added latency: a timer, so a waiting request costs no thread.
    if (d.fault.latency_ms > 0) co_await pause_until(received + std::chrono::milliseconds(d.fault.latency_ms));
    switch (d.fault.kind) {
      case FaultKind::reset:
        close_with_reset(stream);
        co_return;
      case FaultKind::truncated_body: {
        // Announce the whole length, send half, then close: the client sees a short body.
        const std::string head = raw_head(d.response, std::max<std::size_t>(d.response.body.size(), 1), false);
        co_await write_raw(stream, head + d.response.body.substr(0, d.response.body.size() / 2));
        close_gracefully(stream);
        co_return;
      }
      case FaultKind::slow_body:
        if (!co_await write_slowly(stream, d.response, keep_alive, d.fault.slow_bytes, d.fault.slow_interval_ms)) co_return;
        break;
      default:
        if (!co_await write_response(stream, d.response, keep_alive)) co_return;
        break;
    }
    if (!keep_alive) {
      close_gracefully(stream);
      co_return;
    }
  }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, Shared* shared) {
  auto& ioc = static_cast<net::io_context&>(acceptor.get_executor().context());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: back off briefly instead of spinning.
      co_await pause(std::chrono::milliseconds(10));
      continue;
    }
    auto executor = socket.get_executor();
    net::co_spawn(executor, serve_connection(std::move(socket), shared), LogEscaped{});
  }
}

}  // namespace

int run_server(const ServerOptions& options, SimContext& ctx, const Router& router,
               const std::function<void(std::uint16_t)>& on_listening) {
  std::signal(SIGPIPE, SIG_IGN);
  net::io_context ioc(options.threads);
  Shared shared{options, ctx, router};
  tcp::endpoint endpoint(net::ip::make_address(options.listen_host), options.listen_port);
  tcp::acceptor acceptor(ioc);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  // A signal stops the loop; connections and the acceptor are then destroyed with it (a test
  // double needs no drain, and exit code 0 tells the test harness the stop was clean).
  signals.async_wait([&ioc](const beast::error_code&, int) { ioc.stop(); });
  net::co_spawn(ioc, accept_loop(acceptor, &shared), LogEscaped{});
  on_listening(acceptor.local_endpoint().port());
  std::vector<std::thread> extra;
  for (int i = 1; i < options.threads; ++i) extra.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : extra) t.join();
  return 0;
}

}  // namespace triagent::sim
