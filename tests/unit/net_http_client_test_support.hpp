#pragma once
// Helpers shared by the HTTP client tests: a blocking send with a generous timeout (tests wait on
// futures, never sleep), the process's thread count, and a client config that ignores any proxy
// set in the environment.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "triagent/net/http_client.hpp"

namespace triagent::test {

inline HttpClientConfig local_config() {
  HttpClientConfig c;
  c.proxy = "";  // tests talk to 127.0.0.1 directly whatever the environment says
  return c;
}

inline HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

// Sends and waits for the callback; a callback that never comes fails the test instead of hanging.
inline HttpResult send_and_wait(HttpClient& client, HttpRequest request,
                                std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
  auto promise = std::make_shared<std::promise<HttpResult>>();
  std::future<HttpResult> future = promise->get_future();
  client.send(std::move(request), deadline_after(deadline), [promise](HttpResult r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "the HTTP client never called back";
    return HttpError{HttpErrorKind::shutdown, "test: no callback within 60 s", {}, {}};
  }
  return future.get();
}

inline int thread_count() {
  int n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

}  // namespace triagent::test
