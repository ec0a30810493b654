#pragma once
// ScriptedHttpClient: an HttpClient for connector unit tests. A handler decides each answer from the
// request (a recorded sample, a status, a transport error); every request is recorded for
// assertions. Answers arrive on the client's own thread, as with the real client, never inside send().
//
//   ScriptedHttpClient http([](const HttpRequest& r) -> HttpResult { return json_response(200, sample("x.json")); });
//   ... co_await connector.get_threat("7") ...
//   EXPECT_EQ(http.requests().at(0).url, "https://s1.test/web/api/v2.1/threats?ids=7");

#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "triagent/net/http_client.hpp"

namespace triagent::testing {

class ScriptedHttpClient final : public HttpClient {
 public:
  using Handler = std::function<HttpResult(const HttpRequest&)>;

  explicit ScriptedHttpClient(Handler handler) : handler_(std::move(handler)), thread_([this] { loop(); }) {}
  ~ScriptedHttpClient() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  HttpRequestId send(HttpRequest request, Deadline, HttpCallback done) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    pending_.push_back({std::move(request), std::move(done)});
    cv_.notify_all();
    return ++next_id_;
  }
  void cancel(HttpRequestId) override {}
  HttpClientStats stats() const override { return {}; }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  struct Pending {
    HttpRequest request;
    HttpCallback done;
  };

  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;
      Pending p = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      p.done(handler_(p.request));
      lock.lock();
    }
  }

  Handler handler_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;
  std::vector<HttpRequest> requests_;
  HttpRequestId next_id_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

inline HttpResponse json_response(int status, std::string body, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.http_version = 11;
  headers.emplace_back("content-type", "application/json");
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

inline HttpError transport_error(HttpErrorKind kind, std::string message = "scripted failure") {
  HttpError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

// A recorded upstream payload from tests/data/api/ (see its README for provenance).
inline std::string api_sample(const std::string& name) {
  std::ifstream in(std::string(TRIAGENT_SOURCE_DIR) + "/tests/data/api/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing API sample " + name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace triagent::testing
