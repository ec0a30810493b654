// The curl multi client: one thread owns the multi handle and every easy handle. Other threads
// talk to it only through a mutex-protected inbox plus curl_multi_wakeup (libcurl-thread.md: a
// handle must never be used from two threads at once).
#include <curl/curl.h>
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
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

  const HttpClientConfig config_;
  CURLM* multi_ = nullptr;

  std::mutex mutex_;
  std::vector<Command> inbox_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  std::atomic<HttpRequestId> next_id_{1};

  std::unordered_map<HttpRequestId, std::unique_ptr<Transfer>> active_;
  std::vector<CURL*> idle_handles_;

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
  thread_ = std::thread([this] { run(); });
}

CurlHttpClient::~CurlHttpClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_);
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
  curl_multi_wakeup(multi_);
  return id;
}

void CurlHttpClient::cancel(HttpRequestId id) {
  {
    std::lock_guard lock(mutex_);
    inbox_.emplace_back(CancelCommand{id});
  }
  curl_multi_wakeup(multi_);
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

    int running = 0;
    CURLMcode mc = curl_multi_perform(multi_, &running);
    if (mc == CURLM_OK) {
      reap_finished();
    } else {
      // After a multi-level error no transfer's state can be trusted.
      fail_all_active(HttpErrorKind::transport, curl_multi_strerror(mc));
    }
    // Sleeps until a socket is ready, libcurl's next timeout, or curl_multi_wakeup; a wakeup that
    // arrived since the inbox was read makes this return at once.
    curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
  }
  fail_all_active(HttpErrorKind::shutdown, "the HTTP client was stopped");
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
