#include "triagent/net/http_server.hpp"

#include <atomic>
#include <iterator>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "net/await_callback.hpp"
#include "net/response_bytes.hpp"
#include "triagent/observability/log.hpp"

namespace triagent {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::use_awaitable;
constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

Result<std::pair<std::string, std::uint16_t>> parse_listen_address(const std::string& listen) {
  std::string host;
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return make_error(ErrorCode::invalid_argument, "listen address '" + listen + "' is not [ipv6]:port");
    }
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return make_error(ErrorCode::invalid_argument, "listen address '" + listen + "' has no :port");
    }
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  if (host.empty()) host = "0.0.0.0";
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos || std::stoul(port_text) > 65535) {
    return make_error(ErrorCode::invalid_argument, "listen address '" + listen + "' has an invalid port");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(std::stoul(port_text)));
}

namespace {

// What the server can ask of any connection, whatever its stream type.
class Connection {
 public:
  virtual ~Connection() = default;
  // Closes the connection if it is waiting for a new request; otherwise it closes itself after
  // answering the current one (the session sees the server shutting down).
  virtual void close_if_idle() = 0;
  virtual void force_close() = 0;
};

struct AtomicStats {
  std::atomic<std::uint64_t> accepted{0}, rejected{0}, requests{0}, timeouts{0}, too_large{0}, bad{0};
};

// A co_spawn completion that logs an escaped exception instead of terminating.
auto log_exception(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("http", std::string(what) + " failed", {}, {{"error", ex.what()}});
    }
  };
}

// True for errors of Beast's HTTP parser (a malformed request), as opposed to socket errors.
bool is_http_parse_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// The answer when a handler drops its callback without calling it. Every request carries one and
// almost none uses it, so it is copied from a constant: building it as a JSON object and dumping it
// was 2.6% of the io threads' time in intake_bench.
ServerResponse dropped_response() {
  static const std::string body = R"({"error":"internal error: the request was dropped without an answer"})";
  ServerResponse r;
  r.status = 500;
  r.body = body;
  return r;
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(net::io_context& ioc, ServerConfig cfg, Handler handler)
      : ioc_(ioc), cfg_(std::move(cfg)), handler_(std::move(handler)), acceptor_(net::make_strand(ioc)) {}

  Result<void> open() {
    auto addr = parse_listen_address(cfg_.listen);
    if (!addr) return addr.error();
    host_ = addr->first;
    boost::system::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(addr->first, std::to_string(addr->second),
                                    tcp::resolver::numeric_service | tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return make_error(ErrorCode::invalid_argument, "cannot resolve listen host '" + addr->first + "': " + ec.message());
    }
    tcp::endpoint endpoint = results.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return make_error(ErrorCode::unavailable, "cannot listen on " + cfg_.listen + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    if (cfg_.tls.enabled) {
      tls_.emplace(net::ssl::context::tls_server);
      tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                        net::ssl::context::single_dh_use);
      tls_->use_certificate_chain_file(cfg_.tls.cert_file, ec);
      if (ec) return make_error(ErrorCode::invalid_argument, "TLS certificate " + cfg_.tls.cert_file + ": " + ec.message());
      tls_->use_private_key_file(cfg_.tls.key_file, net::ssl::context::pem, ec);
      if (ec) return make_error(ErrorCode::invalid_argument, "TLS key " + cfg_.tls.key_file + ": " + ec.message());
    }
    return {};
  }

  // Each connection's handlers run one at a time: a strand when several threads run the
  // io_context; with one thread that is already true, and the strand would only add a lock and
  // reference counting to every handler.
  net::any_io_executor connection_executor() {
    if (cfg_.threads == 1) return ioc_.get_executor();
    return net::make_strand(ioc_);
  }

  void start_accepting() {
    net::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()), log_exception("accept loop"));
  }

  static net::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    net::steady_timer backoff(self->acceptor_.get_executor());
    for (;;) {
      auto [ec, socket] = co_await self->acceptor_.async_accept(self->connection_executor(), as_tuple_awaitable);
      if (self->shutting_down_.load() || ec == net::error::operation_aborted) co_return;
      if (ec) {
        // Out of descriptors or a transient network error: pause instead of spinning.
        log::warn("http", "accept failed", {}, {{"error", ec.message()}});
        backoff.expires_after(std::chrono::milliseconds(100));
        co_await backoff.async_wait(as_tuple_awaitable);
        continue;
      }
      if (self->connection_count_.load() >= static_cast<std::size_t>(self->cfg_.max_connections)) {
        self->stats_.rejected++;
        reject_overloaded(std::move(socket));
        continue;
      }
      self->stats_.accepted++;
      self->connection_count_++;
      if (self->tls_) {
        auto conn = std::make_shared<StreamConnection<beast::ssl_stream<beast::tcp_stream>>>(self, std::move(socket), *self->tls_);
        net::co_spawn(conn->executor(), run_tls_session(self, conn), log_exception("session"));
      } else {
        auto conn = std::make_shared<StreamConnection<beast::tcp_stream>>(self, std::move(socket));
        net::co_spawn(conn->executor(), run_session(self, conn), log_exception("session"));
      }
    }
  }

  // Over the connection cap: a canned 503 written without waiting, then close.
  static void reject_overloaded(tcp::socket socket) {
    static constexpr std::string_view response =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nContent-Length: 33\r\n\r\n{\"error\":\"too many connections\"}\n";
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(net::buffer(response.data(), response.size()), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  template <class Stream>
  class StreamConnection final : public Connection, public std::enable_shared_from_this<StreamConnection<Stream>> {
   public:
    template <class... TlsArgs>
    StreamConnection(std::shared_ptr<Impl> server, tcp::socket socket, TlsArgs&... tls)
        : server_(std::move(server)), stream_(std::move(socket), tls...) {
      boost::system::error_code ec;
      auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
      if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }

    net::any_io_executor executor() { return beast::get_lowest_layer(stream_).get_executor(); }
    Stream& stream() { return stream_; }
    const std::string& remote() const { return remote_; }
    bool idle = false;

    void close_if_idle() override {
      net::post(executor(), [self = this->shared_from_this()] {
        if (self->idle) self->close_socket();
      });
    }
    void force_close() override {
      net::post(executor(), [self = this->shared_from_this()] { self->close_socket(); });
    }
    void close_socket() {
      boost::system::error_code ec;
      auto& sock = beast::get_lowest_layer(stream_).socket();
      sock.shutdown(tcp::socket::shutdown_both, ec);
      sock.close(ec);
    }

   private:
    std::shared_ptr<Impl> server_;
    Stream stream_;
    std::string remote_;
  };

  template <class Stream>
  std::uint64_t register_connection(const std::shared_ptr<StreamConnection<Stream>>& conn) {
    std::lock_guard lock(mu_);
    auto id = next_id_++;
    connections_[id] = conn;
    return id;
  }

  void unregister_connection(std::uint64_t id) {
    std::function<void()> drained;
    {
      std::lock_guard lock(mu_);
      connections_.erase(id);
      connection_count_--;
      if (connections_.empty() && drained_) drained = std::exchange(drained_, nullptr);
    }
    if (drained) drained();
  }

  static net::awaitable<void> run_tls_session(std::shared_ptr<Impl> self,
                                              std::shared_ptr<StreamConnection<beast::ssl_stream<beast::tcp_stream>>> conn) {
    auto id = self->register_connection(conn);
    auto& stream = conn->stream();
    beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(self->cfg_.read_timeout_ms));
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, as_tuple_awaitable);
    if (!ec) {
      co_await serve_requests(self, conn);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(as_tuple_awaitable);
    }
    conn->close_socket();
    self->unregister_connection(id);
  }

  static net::awaitable<void> run_session(std::shared_ptr<Impl> self,
                                          std::shared_ptr<StreamConnection<beast::tcp_stream>> conn) {
    auto id = self->register_connection(conn);
    co_await serve_requests(self, conn);
    conn->close_socket();
    self->unregister_connection(id);
  }

  template <class Stream>
  static net::awaitable<void> write_response(std::shared_ptr<Impl> self, Stream& stream, ServerResponse response,
                                             unsigned version, bool keep_alive) {
    const std::string bytes = render_response(response, version, keep_alive);
    beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(self->cfg_.read_timeout_ms));
    co_await net::async_write(stream, net::buffer(bytes), as_tuple_awaitable);
  }

  // Parses what `buffer` already holds into `parser` without waiting for the socket: a small
  // request's body usually arrives with its headers, and an async_read would still go round the
  // scheduler once to find that out. True when the message is complete; `ec` has a parse error.
  static bool parse_buffered_body(http::request_parser<http::string_body>& parser, beast::flat_buffer& buffer,
                                  boost::system::error_code& ec) {
    parser.eager(true);
    while (!parser.is_done() && buffer.size() > 0) {
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
    return parser.is_done();
  }

  // Serves requests on one connection until it closes, errs, times out, hits a limit or the
  // server shuts down.
  template <class Stream>
  static net::awaitable<void> serve_requests(std::shared_ptr<Impl> self, std::shared_ptr<StreamConnection<Stream>> conn) {
    auto& stream = conn->stream();
    beast::flat_buffer buffer;
    for (int served = 0; served < self->cfg_.max_requests_per_connection; ++served) {
      if (self->shutting_down_.load()) co_return;
      // Wait for the next request: the keep-alive timeout covers the idle gap, then the read
      // timeout covers headers and body together.
      auto& lowest = beast::get_lowest_layer(stream);
      lowest.expires_after(std::chrono::milliseconds(served == 0 ? self->cfg_.read_timeout_ms
                                                                 : self->cfg_.keepalive_timeout_ms));
      conn->idle = buffer.size() == 0;
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(self->cfg_.max_header_bytes));
      parser.body_limit(self->cfg_.max_body_bytes);
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, as_tuple_awaitable);
      conn->idle = false;
      if (ec == http::error::header_limit) {
        self->stats_.too_large++;
        co_await write_response(self, stream, ServerResponse::error(431, "request headers too large"), 11, false);
        co_return;
      }
      if (ec == http::error::body_limit) {
        // Beast checks Content-Length against the body limit while reading the headers.
        self->stats_.too_large++;
        auto too_large = ServerResponse::error(413, "request body exceeds " + std::to_string(self->cfg_.max_body_bytes) + " bytes");
        co_await write_response(self, stream, std::move(too_large), 11, false);
        co_return;
      }
      if (ec == beast::error::timeout) {
        if (served == 0 || buffer.size() > 0) self->stats_.timeouts++;
        co_return;
      }
      if (ec) {
        if (ec != http::error::end_of_stream && is_http_parse_error(ec)) {
          self->stats_.bad++;
          co_await write_response(self, stream, ServerResponse::error(400, "malformed HTTP request"), 11, false);
        }
        co_return;
      }
      lowest.expires_after(std::chrono::milliseconds(self->cfg_.read_timeout_ms));
      auto content_length = parser.content_length();
      unsigned version = parser.get().version();
      if (content_length && *content_length > self->cfg_.max_body_bytes) {
        // Refuse before reading: the body never enters memory.
        self->stats_.too_large++;
        co_await write_response(self, stream,
                                ServerResponse::error(413, "request body exceeds " +
                                                               std::to_string(self->cfg_.max_body_bytes) + " bytes"),
                                version, false);
        co_return;
      }
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, version};
        co_await http::async_write(stream, cont, as_tuple_awaitable);
      }
      boost::system::error_code body_ec;
      if (!parse_buffered_body(parser, buffer, body_ec) && !body_ec) {
        auto [read_ec, body_n] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
        body_ec = read_ec;
      }
      if (body_ec == http::error::body_limit) {
        self->stats_.too_large++;
        co_await write_response(self, stream, ServerResponse::error(413, "request body too large"), version, false);
        co_return;
      }
      if (body_ec == beast::error::timeout) {
        self->stats_.timeouts++;
        co_return;
      }
      if (body_ec) {
        if (is_http_parse_error(body_ec) && body_ec != http::error::end_of_stream) {
          self->stats_.bad++;
          co_await write_response(self, stream, ServerResponse::error(400, "malformed HTTP request"), version, false);
        }
        co_return;
      }
      self->stats_.requests++;
      auto req = parser.release();
      bool keep_alive = req.keep_alive();
      ServerRequest request = to_server_request(std::move(req), conn->remote());
      // Handlers run outside this strand and answer through a callback; the response is resumed here.
      // A named local, not a temporary inside the co_await expression: GCC 12 double-frees
      // capturing lambdas there.
      auto start_handler = [self, request = std::move(request)](std::function<void(ServerResponse)> respond) mutable {
        self->invoke_handler(std::move(request), std::move(respond));
      };
      ServerResponse response = co_await await_callback<ServerResponse>(
          std::move(start_handler), dropped_response());
      keep_alive = keep_alive && !self->shutting_down_.load() && served + 1 < self->cfg_.max_requests_per_connection;
      co_await write_response(self, stream, std::move(response), version, keep_alive);
      if (!keep_alive) co_return;
    }
  }

  void invoke_handler(ServerRequest&& request, std::function<void(ServerResponse)> respond) {
    try {
      handler_(std::move(request), Responder(respond));  // a copy: the catch below may still need it
    } catch (const std::exception& e) {
      log::error("http", "handler threw", {}, {{"error", e.what()}});
      respond(ServerResponse::error(500, "internal error"));
    }
  }

  static ServerRequest to_server_request(http::request<http::string_body> req, const std::string& remote) {
    ServerRequest out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    auto q = out.target.find('?');
    out.path = out.target.substr(0, q);
    if (q != std::string::npos) out.query = out.target.substr(q + 1);
    // Sized once, and lower-cased without a libc call per byte (header names are ASCII tokens):
    // the growth and tolower() were a third of this function.
    out.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = std::move(req.body());
    out.remote_address = remote;
    return out;
  }

  void begin_shutdown() {
    if (shutting_down_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      self->acceptor_.close(ec);
    });
    for (auto& c : snapshot()) c->close_if_idle();
  }

  void on_drained(std::chrono::milliseconds deadline, std::function<void()> done) {
    auto once = std::make_shared<std::once_flag>();
    auto finish = [once, done = std::move(done)] { std::call_once(*once, done); };
    {
      std::lock_guard lock(mu_);
      if (connections_.empty()) {
        net::post(ioc_, finish);
        return;
      }
      drained_ = finish;
    }
    auto timer = std::make_shared<net::steady_timer>(ioc_, deadline);
    timer->async_wait([self = shared_from_this(), timer, finish](boost::system::error_code) {
      auto conns = self->snapshot();
      if (!conns.empty()) log::warn("http", "drain deadline passed; closing connections", {}, {{"open", conns.size()}});
      for (auto& c : conns) c->force_close();
      finish();
    });
  }

  std::vector<std::shared_ptr<Connection>> snapshot() {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Connection>> out;
    for (auto& [id, c] : connections_) {
      if (auto locked = c.lock()) out.push_back(std::move(locked));
    }
    return out;
  }

  net::io_context& ioc_;
  ServerConfig cfg_;
  Handler handler_;
  tcp::acceptor acceptor_;
  std::optional<net::ssl::context> tls_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::atomic<bool> shutting_down_{false};
  std::atomic<std::size_t> connection_count_{0};
  AtomicStats stats_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
  std::uint64_t next_id_ = 1;
  std::function<void()> drained_;
};

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  if (impl_) impl_->begin_shutdown();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(net::io_context& ioc, const ServerConfig& cfg, Handler handler) {
  auto impl = std::make_shared<Impl>(ioc, cfg, std::move(handler));
  try {
    if (auto opened = impl->open(); !opened) return opened.error();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::unavailable, std::string("cannot start HTTP server: ") + e.what());
  }
  impl->start_accepting();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::string HttpServer::host() const { return impl_->host_; }
std::uint16_t HttpServer::port() const { return impl_->port_; }
bool HttpServer::tls() const { return impl_->tls_.has_value(); }
void HttpServer::begin_shutdown() { impl_->begin_shutdown(); }
void HttpServer::on_drained(std::chrono::milliseconds deadline, std::function<void()> done) {
  impl_->on_drained(deadline, std::move(done));
}
std::size_t HttpServer::connection_count() const { return impl_->connection_count_.load(); }

HttpServerStats HttpServer::stats() const {
  const auto& s = impl_->stats_;
  return HttpServerStats{s.accepted.load(), s.rejected.load(), s.requests.load(),
                         s.timeouts.load(), s.too_large.load(), s.bad.load()};
}

}  // namespace triagent
