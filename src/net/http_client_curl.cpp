// The curl multi client: one thread owns the multi handle and every easy handle. Other threads
// talk to it only through a mutex-protected inbox plus an eventfd wakeup (libcurl-thread.md: a
// handle must never be used from two threads at once).
//
// The thread drives libcurl with curl_multi_socket_action over its own epoll set: libcurl says
// which sockets and which timeout it wants (socket and timer callbacks), and each wakeup touches
// only the sockets that are ready. curl_multi_perform + curl_multi_poll visited every transfer and
// every socket on each wakeup, which at a few hundred transfers in flight was ~14% of the daemon's
// CPU in pipeline_bench.
#include <curl/curl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "http_client_transfer.hpp"
#include "triagent/net/http_client.hpp"

namespace triagent {

namespace {

using curl_detail::Transfer;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  });
}

struct StartCommand {
  std::unique_ptr<Transfer> transfer;
};
struct CancelCommand {
  HttpRequestId id = 0;
};
using Command = std::variant<StartCommand, CancelCommand>;

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpClientConfig config);
  ~CurlHttpClient() override;

  HttpRequestId send(HttpRequest request, Deadline deadline, HttpCallback done) override;
  void cancel(HttpRequestId id) override;
  HttpClientStats stats() const override;

 private:
  // All below run on the client's thread only.
  void run();
  void start(std::unique_ptr<Transfer> t);
  void cancel_active(HttpRequestId id);
  void reap_finished();
  void fail_all_active(HttpErrorKind kind, const char* message);
  // Detaches `t` from the multi handle, returns its easy handle to the pool, then runs the callback.
  void complete(std::unique_ptr<Transfer> t, HttpResult result);
  CURL* take_handle();
  void recycle(CURL* easy);
  // Runs libcurl for one ready socket (or CURL_SOCKET_TIMEOUT), then hands out what finished.
  void drive(curl_socket_t socket, int select_flags);
  int wait_ms() const;
  void wake();  // any thread
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  const HttpClientConfig config_;
  CURLM* multi_ = nullptr;

  std::mutex mutex_;
  std::vector<Command> inbox_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  std::atomic<HttpRequestId> next_id_{1};

  std::unordered_map<HttpRequestId, std::unique_ptr<Transfer>> active_;
  std::vector<CURL*> idle_handles_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  // libcurl's requested timeout (on_timer); nullopt when it wants none.
  std::optional<std::chrono::steady_clock::time_point> timer_due_;

  struct Counters {
    std::atomic<std::int64_t> started{0}, succeeded{0}, failed{0}, cancelled{0}, connections{0};
  } counters_;

  std::thread thread_;  // last: starts after everything it uses exists
};

CurlHttpClient::CurlHttpClient(HttpClientConfig config) : config_(std::move(config)) {
  if (auto ok = validate(config_); !ok) throw std::invalid_argument(ok.error().message);
  global_init_once();
  multi_ = curl_multi_init();
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(config_.max_connections_per_host));
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(config_.max_total_connections));
  if (config_.max_idle_connections > 0) {
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(config_.max_idle_connections));
  }
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.fd = wake_fd_;
  if (epoll_fd_ < 0 || wake_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0) {
    if (epoll_fd_ >= 0) close(epoll_fd_);
    if (wake_fd_ >= 0) close(wake_fd_);
    curl_multi_cleanup(multi_);
    throw std::runtime_error("HttpClient: cannot create its epoll set");
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlHttpClient::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlHttpClient::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  thread_ = std::thread([this] { run(); });
}

CurlHttpClient::~CurlHttpClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake();
  thread_.join();
  // Requests sent while the thread was stopping never reached it.
  std::vector<Command> late;
  {
    std::lock_guard lock(mutex_);
    late.swap(inbox_);
  }
  for (Command& c : late) {
    if (auto* s = std::get_if<StartCommand>(&c)) {
      complete(std::move(s->transfer), HttpError{HttpErrorKind::shutdown, "the HTTP client was stopped", {}, {}});
    }
  }
  for (CURL* e : idle_handles_) curl_easy_cleanup(e);
  curl_multi_cleanup(multi_);
  close(epoll_fd_);
  close(wake_fd_);
}

HttpRequestId CurlHttpClient::send(HttpRequest request, Deadline deadline, HttpCallback done) {
  auto t = std::make_unique<Transfer>();
  t->id = next_id_.fetch_add(1);
  t->request = std::move(request);
  t->deadline = deadline;
  t->done = std::move(done);
  HttpRequestId id = t->id;
  counters_.started.fetch_add(1);
  {
    std::lock_guard lock(mutex_);
    inbox_.emplace_back(StartCommand{std::move(t)});
  }
  wake();
  return id;
}

void CurlHttpClient::cancel(HttpRequestId id) {
  {
    std::lock_guard lock(mutex_);
    inbox_.emplace_back(CancelCommand{id});
  }
  wake();
}

HttpClientStats CurlHttpClient::stats() const {
  HttpClientStats s;
  s.started_total = counters_.started.load();
  s.succeeded_total = counters_.succeeded.load();
  s.failed_total = counters_.failed.load();
  s.cancelled_total = counters_.cancelled.load();
  s.in_flight = s.started_total - s.succeeded_total - s.failed_total;
  s.connections_opened_total = counters_.connections.load();
  return s;
}

void CurlHttpClient::run() {
  pthread_setname_np(pthread_self(), "triagent-curl");
  for (;;) {
    std::vector<Command> batch;
    bool stop = false;
    {
      std::lock_guard lock(mutex_);
      batch.swap(inbox_);
      stop = stopping_;
    }
    // In arrival order, so a cancel always finds the start it follows.
    for (Command& c : batch) {
      if (auto* s = std::get_if<StartCommand>(&c)) {
        start(std::move(s->transfer));
      } else {
        cancel_active(std::get<CancelCommand>(c).id);
      }
    }
    if (stop) break;

    // Sleeps until a socket is ready, libcurl's timeout is due, or wake(); a wake() since the
    // inbox was read leaves the eventfd readable, so this returns at once.
    epoll_event ready[64];
    const int n = epoll_wait(epoll_fd_, ready, 64, wait_ms());
    for (int i = 0; i < n; ++i) {
      if (ready[i].data.fd == wake_fd_) {
        std::uint64_t count = 0;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof count);
        continue;
      }
      int flags = 0;
      if (ready[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
      if (ready[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (ready[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
      drive(ready[i].data.fd, flags);
    }
    if (timer_due_ && std::chrono::steady_clock::now() >= *timer_due_) {
      timer_due_.reset();  // on_timer sets the next one from inside socket_action
      drive(CURL_SOCKET_TIMEOUT, 0);
    }
  }
  fail_all_active(HttpErrorKind::shutdown, "the HTTP client was stopped");
}

void CurlHttpClient::drive(curl_socket_t socket, int select_flags) {
  int running = 0;
  CURLMcode mc = curl_multi_socket_action(multi_, socket, select_flags, &running);
  if (mc == CURLM_OK) {
    reap_finished();
  } else {
    // After a multi-level error no transfer's state can be trusted.
    fail_all_active(HttpErrorKind::transport, curl_multi_strerror(mc));
  }
}

int CurlHttpClient::wait_ms() const {
  // Capped so a lost wakeup (none is expected) costs at most a second, as curl_multi_poll's did.
  constexpr int kMaxWaitMs = 1000;
  if (!timer_due_) return kMaxWaitMs;
  const auto left = *timer_due_ - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  // Rounded up: waking a little early would spin until the timeout is due.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<std::int64_t>(ms, kMaxWaitMs));
}

void CurlHttpClient::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t r = write(wake_fd_, &one, sizeof one);  // EAGAIN: already readable
}

int CurlHttpClient::on_socket(CURL*, curl_socket_t socket, int what, void* self, void*) {
  auto* client = static_cast<CurlHttpClient*>(self);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(client->epoll_fd_, EPOLL_CTL_DEL, socket, nullptr);  // ENOENT/EBADF: already gone
    return 0;
  }
  epoll_event ev{};
  ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  ev.data.fd = socket;
  // A socket libcurl reports for the first time, or again with new interests (a closed socket's
  // number can come back for a new connection, so "new" is decided by the kernel, not by us).
  if (epoll_ctl(client->epoll_fd_, EPOLL_CTL_MOD, socket, &ev) != 0 && errno == ENOENT) {
    epoll_ctl(client->epoll_fd_, EPOLL_CTL_ADD, socket, &ev);
  }
  return 0;
}

int CurlHttpClient::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* client = static_cast<CurlHttpClient*>(self);
  if (timeout_ms < 0) {
    client->timer_due_.reset();
  } else {
    client->timer_due_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

CURL* CurlHttpClient::take_handle() {
  if (idle_handles_.empty()) return curl_easy_init();
  CURL* e = idle_handles_.back();
  idle_handles_.pop_back();
  return e;
}

void CurlHttpClient::recycle(CURL* easy) {
  if (!easy) return;
  // reset keeps nothing of the old request; connections and caches live in the multi handle.
  curl_easy_reset(easy);
  if (idle_handles_.size() < static_cast<std::size_t>(config_.handle_pool_size)) {
    idle_handles_.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
}

void CurlHttpClient::start(std::unique_ptr<Transfer> t) {
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(t->deadline - std::chrono::steady_clock::now());
  if (remaining.count() <= 0) {
    HttpResult r = curl_detail::fail(*t, HttpErrorKind::timeout, "the deadline passed before the request started");
    complete(std::move(t), std::move(r));
    return;
  }
  t->easy = take_handle();
  if (!t->easy) {
    HttpResult r = curl_detail::fail(*t, HttpErrorKind::transport, "curl_easy_init failed");
    complete(std::move(t), std::move(r));
    return;
  }
  if (auto ok = curl_detail::configure(*t, config_, remaining); !ok) {
    HttpResult r = curl_detail::fail(*t, HttpErrorKind::invalid_request, ok.error().message);
    complete(std::move(t), std::move(r));
    return;
  }
  if (CURLMcode mc = curl_multi_add_handle(multi_, t->easy); mc != CURLM_OK) {
    HttpResult r = curl_detail::fail(*t, HttpErrorKind::transport, curl_multi_strerror(mc));
    complete(std::move(t), std::move(r));
    return;
  }
  HttpRequestId id = t->id;
  active_.emplace(id, std::move(t));
}

void CurlHttpClient::cancel_active(HttpRequestId id) {
  auto it = active_.find(id);
  if (it == active_.end()) return;  // finished already, or never existed
  std::unique_ptr<Transfer> t = std::move(it->second);
  active_.erase(it);
  HttpResult r = curl_detail::fail(*t, HttpErrorKind::cancelled, "cancelled by the caller");
  complete(std::move(t), std::move(r));
}

void CurlHttpClient::reap_finished() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    void* priv = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
    auto* raw = static_cast<Transfer*>(priv);
    CURLcode code = msg->data.result;
    auto it = active_.find(raw->id);
    if (it == active_.end()) {
      std::fprintf(stderr, "HttpClient: libcurl finished a transfer it was not given\n");
      std::abort();
    }
    std::unique_ptr<Transfer> t = std::move(it->second);
    active_.erase(it);
    HttpResult r = curl_detail::finish(*t, code);
    complete(std::move(t), std::move(r));
  }
}

void CurlHttpClient::fail_all_active(HttpErrorKind kind, const char* message) {
  auto all = std::move(active_);
  active_.clear();
  for (auto& [id, t] : all) {
    HttpResult r = curl_detail::fail(*t, kind, message);
    complete(std::move(t), std::move(r));
  }
}

void CurlHttpClient::complete(std::unique_ptr<Transfer> t, HttpResult result) {
  if (t->easy) {
    long connects = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) {
      counters_.connections.fetch_add(connects);
    }
    curl_multi_remove_handle(multi_, t->easy);  // harmless for a handle that was never added
    recycle(std::exchange(t->easy, nullptr));
  }
  if (result) {
    counters_.succeeded.fetch_add(1);
  } else {
    counters_.failed.fetch_add(1);
    if (result.error().kind == HttpErrorKind::cancelled) counters_.cancelled.fetch_add(1);
  }
  HttpCallback done = std::move(t->done);
  t.reset();  // the request's memory goes before the callback can start another one
  if (done) done(std::move(result));
}

}  // namespace

std::unique_ptr<HttpClient> make_curl_http_client(HttpClientConfig config) {
  return std::make_unique<CurlHttpClient>(std::move(config));
}

}  // namespace triagent
