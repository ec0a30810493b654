// The fault server's event loop: accept, TLS handshake, read requests, write timed response steps.
#include "support/fault_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <list>
#include <stdexcept>

#include "support/fault_server_plan.hpp"

namespace triagent::test {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kMaxBufferedInput = 16 * 1024 * 1024;

struct Conn {
  int fd = -1;
  SSL* ssl = nullptr;
  bool handshaking = false;
  bool ssl_wants_write = false;
  bool dead = false;
  std::string in;
  std::string out;
  std::size_t out_off = 0;
  bool responding = false;
  fault::Plan plan;
  std::size_t next_step = 0;
  SteadyClock::time_point next_at;
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("FaultServer: " + what + ": " + std::strerror(errno)); }

}  // namespace

struct FaultServer::Impl {
  FaultServer& owner;
  int listen_fd = -1;
  int wake_read = -1;
  int wake_write = -1;
  SSL_CTX* ctx = nullptr;
  std::list<Conn> conns;

  explicit Impl(FaultServer& o) : owner(o) {}
  ~Impl() {
    for (Conn& c : conns) drop(c, false);
    if (listen_fd >= 0) close(listen_fd);
    if (wake_read >= 0) close(wake_read);
    if (wake_write >= 0) close(wake_write);
    if (ctx) SSL_CTX_free(ctx);
  }

  void drop(Conn& c, bool reset) {
    if (c.fd < 0) return;
    if (reset) {
      linger hard{1, 0};  // close() then sends RST instead of FIN
      setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    } else if (c.ssl && !c.handshaking) {
      SSL_shutdown(c.ssl);
    }
    if (c.ssl) SSL_free(c.ssl);
    close(c.fd);
    c.fd = -1;
    c.ssl = nullptr;
    c.dead = true;
    --owner.open_;
  }

  void accept_all() {
    for (;;) {
      int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      ++owner.accepted_;
      ++owner.open_;
      Conn& c = conns.emplace_back();
      c.fd = fd;
      if (ctx) {
        c.ssl = SSL_new(ctx);
        SSL_set_fd(c.ssl, fd);
        SSL_set_accept_state(c.ssl);
        c.handshaking = true;
      }
    }
  }

  void handshake(Conn& c) {
    ERR_clear_error();
    int r = SSL_do_handshake(c.ssl);
    if (r == 1) {
      c.handshaking = false;
      c.ssl_wants_write = false;
      return;
    }
    int err = SSL_get_error(c.ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      c.ssl_wants_write = err == SSL_ERROR_WANT_WRITE;
      return;
    }
    ++owner.handshake_failures_;
    drop(c, false);
  }

  // Reads everything available; EOF or an error ends the connection.
  void read_all(Conn& c) {
    char buf[16 * 1024];
    for (;;) {
      if (c.ssl) {
        ERR_clear_error();
        int n = SSL_read(c.ssl, buf, sizeof buf);
        if (n > 0) {
          c.in.append(buf, static_cast<std::size_t>(n));
        } else {
          int err = SSL_get_error(c.ssl, n);
          if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
          drop(c, false);
          return;
        }
      } else {
        ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
          c.in.append(buf, static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
          break;
        } else {
          drop(c, false);
          return;
        }
      }
      if (c.in.size() > kMaxBufferedInput) {
        drop(c, false);
        return;
      }
    }
  }

  // Writes pending output; true when all of it is out.
  bool flush(Conn& c) {
    while (c.out_off < c.out.size()) {
      const char* p = c.out.data() + c.out_off;
      std::size_t len = c.out.size() - c.out_off;
      if (c.ssl) {
        ERR_clear_error();
        int n = SSL_write(c.ssl, p, static_cast<int>(std::min<std::size_t>(len, 1 << 20)));
        if (n > 0) {
          c.out_off += static_cast<std::size_t>(n);
          continue;
        }
        int err = SSL_get_error(c.ssl, n);
        if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) return false;
      } else {
        ssize_t n = send(c.fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
          c.out_off += static_cast<std::size_t>(n);
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
      }
      drop(c, false);  // the client went away mid-response
      return false;
    }
    return true;
  }

  void start_next_request(Conn& c, SteadyClock::time_point now) {
    RecordedRequest request;
    fault::ParseStatus status = fault::parse_request(c.in, request);
    if (status == fault::ParseStatus::incomplete) return;
    fault::Plan plan;
    if (status == fault::ParseStatus::malformed) {
      plan.steps.push_back({0, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"});
      plan.ending = fault::Ending::close;
    } else {
      plan = fault::plan_for(request);
      std::lock_guard lock(owner.mutex_);
      owner.requests_.push_back(std::move(request));
    }
    ++owner.served_;
    c.plan = std::move(plan);
    c.next_step = 0;
    c.responding = true;
    c.out.clear();
    c.out_off = 0;
    c.next_at = now + std::chrono::milliseconds(c.plan.steps.empty() ? 0 : c.plan.steps[0].delay_ms);
  }

  // Moves the connection's script forward as far as time and the socket allow.
  void pump(Conn& c, SteadyClock::time_point now) {
    while (!c.dead) {
      if (!c.responding) {
        if (c.handshaking) return;
        start_next_request(c, now);
        if (!c.responding) return;
        continue;
      }
      if (c.out_off < c.out.size()) {
        if (!flush(c)) return;
        if (c.next_step < c.plan.steps.size()) {
          c.next_at = now + std::chrono::milliseconds(c.plan.steps[c.next_step].delay_ms);
        }
        continue;
      }
      if (c.next_step == c.plan.steps.size()) {
        c.responding = false;
        if (c.plan.ending == fault::Ending::reset) drop(c, true);
        if (c.plan.ending == fault::Ending::close) drop(c, false);
        continue;
      }
      if (now < c.next_at) return;
      c.out = c.plan.steps[c.next_step++].bytes;
      c.out_off = 0;
      if (c.out.empty() && c.next_step < c.plan.steps.size()) {
        c.next_at = now + std::chrono::milliseconds(c.plan.steps[c.next_step].delay_ms);
      }
    }
  }

  int poll_timeout_ms(SteadyClock::time_point now) const {
    long long timeout = 1000;
    for (const Conn& c : conns) {
      if (c.responding && c.out_off == c.out.size() && c.next_step < c.plan.steps.size()) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(c.next_at - now).count() + 1;
        timeout = std::max(0LL, std::min(timeout, static_cast<long long>(ms)));
      }
    }
    return static_cast<int>(timeout);
  }

  void loop() {
    std::vector<pollfd> fds;
    std::vector<Conn*> polled;
    for (;;) {
      fds.assign({{wake_read, POLLIN, 0}, {listen_fd, POLLIN, 0}});
      polled.clear();
      for (Conn& c : conns) {
        short events = POLLIN;
        if (c.out_off < c.out.size() || (c.handshaking && c.ssl_wants_write)) events |= POLLOUT;
        fds.push_back({c.fd, events, 0});
        polled.push_back(&c);
      }
      int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms(SteadyClock::now()));
      if (ready < 0 && errno != EINTR) fail("poll");
      if (fds[0].revents & POLLIN) return;  // asked to stop
      auto now = SteadyClock::now();
      for (std::size_t i = 0; i < polled.size(); ++i) {
        Conn& c = *polled[i];
        short revents = fds[i + 2].revents;
        if (revents & (POLLIN | POLLOUT | POLLERR | POLLHUP)) {
          if (c.handshaking) handshake(c);
          if (!c.dead && !c.handshaking && (revents & (POLLIN | POLLERR | POLLHUP))) read_all(c);
        }
        pump(c, now);
      }
      conns.remove_if([](const Conn& c) { return c.dead; });
      if (fds[1].revents & POLLIN) accept_all();
      {
        std::lock_guard lock(owner.mutex_);
        ++owner.generation_;
      }
      owner.changed_.notify_all();
    }
  }
};

FaultServer::FaultServer() : FaultServer(Options{}) {}

FaultServer::FaultServer(Options options) : impl_(std::make_unique<Impl>(*this)) {
  std::signal(SIGPIPE, SIG_IGN);  // OpenSSL writes to sockets without MSG_NOSIGNAL
  tls_ = !options.cert_file.empty();
  if (tls_) {
    impl_->ctx = SSL_CTX_new(TLS_server_method());
    if (!impl_->ctx || SSL_CTX_use_certificate_chain_file(impl_->ctx, options.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(impl_->ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("FaultServer: cannot load the TLS certificate or key");
    }
    SSL_CTX_set_mode(impl_->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) fail("pipe2");
  impl_->wake_read = pipe_fds[0];
  impl_->wake_write = pipe_fds[1];

  impl_->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (impl_->listen_fd < 0) fail("socket");
  int one = 1;
  setsockopt(impl_->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (listen(impl_->listen_fd, 4096) != 0) fail("listen");
  socklen_t len = sizeof addr;
  getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

FaultServer::~FaultServer() {
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(impl_->wake_write, &byte, 1);
  thread_.join();
  impl_.reset();  // its connections update the counters below, which must still exist
}

void FaultServer::run() { impl_->loop(); }

std::string FaultServer::url(std::string_view path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<RecordedRequest> FaultServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool FaultServer::wait_for(const std::function<bool(const FaultServer&)>& condition,
                           std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    std::uint64_t seen = generation_;
    lock.unlock();  // the condition may call requests(), which locks
    bool met = condition(*this);
    lock.lock();
    if (met) return true;
    if (!changed_.wait_until(lock, deadline, [&] { return generation_ != seen; })) return false;
  }
}

RecordedRequest FaultServer::last_request() const {
  std::lock_guard lock(mutex_);
  return requests_.empty() ? RecordedRequest{} : requests_.back();
}

}  // namespace triagent::test
