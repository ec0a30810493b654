#pragma once
// Test harness for the Singularity connectors: a ScriptedHttpClient behind a real UpstreamPolicy
// (fast retries, no budget), a valid SingularityConfig, and run() to drive one connector coroutine
// to completion on a private io_context.
//
//   S1Harness h([](const HttpRequest& r) -> HttpResult { return json_response(200, api_sample("x.json")); });
//   SingularityThreats threats(h.config, h.upstream);
//   Result<Threat> t = h.run(threats.get_threat("7"));
//   EXPECT_EQ(h.request(0).url, "https://s1.test/web/api/v2.1/threats?ids=7");

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "support/scripted_http_client.hpp"
#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::testing {

inline constexpr const char* kS1Token = "s1-secret-token-0123456789";

inline UpstreamPolicyConfig s1_test_policy() {
  UpstreamPolicyConfig cfg;
  cfg.name = "singularity";
  cfg.retry.max_attempts = 2;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 2;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

inline SingularityConfig s1_test_config() {
  SingularityConfig cfg;
  cfg.base_url = "https://s1.test";
  cfg.api_token = Secret(kS1Token);
  cfg.deep_visibility.poll_interval_ms = 1;
  cfg.deep_visibility.status_requests_per_second = 1000;
  return cfg;
}

// Wraps a connector's awaitable so its Result (which has no default constructor) can be stored.
template <class T>
boost::asio::awaitable<void> store_result(boost::asio::awaitable<Result<T>> op, std::optional<Result<T>>* out) {
  out->emplace(co_await std::move(op));
}

struct S1Harness {
  explicit S1Harness(ScriptedHttpClient::Handler handler, UpstreamPolicyConfig policy_config = s1_test_policy())
      : http(std::move(handler)), policy(std::move(policy_config), clock, rng) {
    upstream.client = &http;
    upstream.policy = &policy;
    upstream.base_url = config.base_url;
  }

  template <class T>
  Result<T> run(boost::asio::awaitable<Result<T>> op) {
    std::optional<Result<T>> out;
    boost::asio::co_spawn(io, store_result(std::move(op), &out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    io.restart();
    return std::move(*out);
  }

  HttpRequest request(std::size_t i) const { return http.requests().at(i); }
  std::size_t request_count() const { return http.requests().size(); }
  // The JSON body of request i (null when it does not parse).
  nlohmann::json body(std::size_t i) const { return nlohmann::json::parse(request(i).body, nullptr, false); }
  std::string header(std::size_t i, std::string_view name) const {
    HttpRequest r = request(i);
    auto v = find_header(r.headers, name);
    return v ? std::string(*v) : std::string();
  }

  SingularityConfig config = s1_test_config();
  ScriptedHttpClient http;
  SystemClock clock;
  SeededRandom rng{11};
  UpstreamPolicy policy;
  Upstream upstream;
  boost::asio::io_context io;
};

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace triagent::testing
