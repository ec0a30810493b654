#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>

#include "support/scripted_http_client.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent {
namespace {

using testing::json_response;
using testing::ScriptedHttpClient;
using testing::transport_error;

UpstreamPolicyConfig fast_policy() {
  UpstreamPolicyConfig cfg;
  cfg.name = "s1";
  cfg.retry.max_attempts = 3;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 2;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

struct Harness {
  explicit Harness(ScriptedHttpClient::Handler h, UpstreamPolicyConfig cfg = fast_policy())
      : http(std::move(h)), policy(std::move(cfg), clock, rng) {
    upstream.client = &http;
    upstream.policy = &policy;
    upstream.base_url = "https://s1.test";
  }
  Result<HttpResponse> call(std::string path = "/web/api/v2.1/threats", CallOptions options = {}) {
    HttpRequest req;
    req.url = upstream.url(path);
    std::optional<Result<HttpResponse>> out;
    auto body = [&]() -> boost::asio::awaitable<void> {
      out.emplace(co_await call_upstream(upstream, std::move(req), std::move(options)));
    };
    boost::asio::co_spawn(io, body(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    io.restart();
    return std::move(*out);
  }

  ScriptedHttpClient http;
  SystemClock clock;
  SeededRandom rng{7};
  UpstreamPolicy policy;
  Upstream upstream;
  boost::asio::io_context io;
};

TEST(CallUpstream, ReturnsASuccessfulResponse) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, R"({"data":[]})"); });
  auto r = h.call();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(h.http.requests().size(), 1u);
  EXPECT_EQ(h.http.requests()[0].url, "https://s1.test/web/api/v2.1/threats");
}

TEST(CallUpstream, RetriesServerErrorsThenSucceeds) {
  int calls = 0;
  Harness h([&](const HttpRequest&) -> HttpResult { return json_response(++calls < 3 ? 503 : 200, "{}"); });
  auto r = h.call();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(CallUpstream, HandsClientErrorsToTheConnector) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(404, R"({"errors":[{"title":"x"}]})"); });
  auto r = h.call();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(CallUpstream, LongRetryAfterRequeuesInsteadOfSleeping) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(429, "{}", {{"Retry-After", "90"}}); });
  auto r = h.call();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().upstream_status, 429);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_EQ(*r.error().retry_after_ms, 90'000);
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(CallUpstream, CallerCanRefuseToRetryAnAnswer) {
  Harness h([](const HttpRequest&) -> HttpResult {
    return json_response(429, R"({"error":{"code":"insufficient_quota"}})");
  });
  CallOptions options;
  options.should_retry = [](const HttpResponse& r) -> std::optional<bool> {
    if (r.body.find("insufficient_quota") != std::string::npos) return false;
    return std::nullopt;
  };
  auto r = h.call("/v1/chat/completions", options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(h.http.requests().size(), 1u);
}

TEST(CallUpstream, TransportFailuresExhaustTheAttempts) {
  Harness h([](const HttpRequest&) -> HttpResult { return transport_error(HttpErrorKind::connect, "refused"); });
  auto r = h.call();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_FALSE(r.error().retry_after_ms.has_value());
  EXPECT_NE(r.error().message.find("refused"), std::string::npos);
  EXPECT_EQ(h.http.requests().size(), 3u);
}

TEST(CallUpstream, OpenBreakerRequeuesWithoutCalling) {
  UpstreamPolicyConfig cfg = fast_policy();
  cfg.retry.max_attempts = 1;
  cfg.breaker.consecutive_failures = 2;
  cfg.breaker.open_ms = 60'000;
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(500, "{}"); }, cfg);
  EXPECT_FALSE(h.call());
  EXPECT_FALSE(h.call());
  auto r = h.call();
  ASSERT_FALSE(r);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_GT(*r.error().retry_after_ms, 1'000);
  EXPECT_EQ(h.http.requests().size(), 2u);
}

TEST(DescribeFailure, CapsAndCleansTheBody) {
  HttpResponse r;
  r.status = 401;
  r.body = std::string("{\"errors\":\n[\"Authentication Failed\"]}") + std::string(1000, 'x');
  std::string s = describe_failure(r, "get threat");
  EXPECT_EQ(s.rfind("get threat: HTTP 401: {\"errors\": [", 0), 0u) << s;
  EXPECT_LT(s.size(), 400u);
}

}  // namespace
}  // namespace triagent
