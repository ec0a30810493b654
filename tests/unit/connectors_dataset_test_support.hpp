#pragma once
// Shared pieces of the DataSet connector tests: a test config, a fast upstream policy, a harness that
// runs one connector coroutine to completion on an io_context, and small request readers.
//
//   DataSetHarness h([](const HttpRequest&) -> HttpResult { return json_response(200, api_sample("x.json")); });
//   DataSetClient client(h.config, h.upstream);
//   auto r = h.run(client.power_query(pq("* | limit 1")));

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/scripted_http_client.hpp"
#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/dataset_query_types.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::dataset_test {

inline constexpr const char* kReadKey = "read-key-0123456789abcdef";
inline constexpr const char* kWriteKey = "write-key-0123456789abcdef";

inline DataSetConfig test_config() {
  DataSetConfig c;
  c.base_url = "https://sdl.test";
  c.read_key = Secret(kReadKey);
  c.write_key = Secret(kWriteKey);
  c.lrq.base_url = "https://console.test";
  c.lrq.poll_interval_ms = 1;
  c.lrq.max_polls = 5;
  return c;
}

// GCC warns about designated initializers that leave members to their defaults.
inline DataSetPowerQuery pq(std::string query, DataSetTimeRange range = {}) {
  DataSetPowerQuery q;
  q.query = std::move(query);
  q.range = std::move(range);
  return q;
}

inline UpstreamPolicyConfig fast_policy() {
  UpstreamPolicyConfig cfg;
  cfg.name = "dataset";
  cfg.retry.max_attempts = 3;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 2;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

template <class T>
boost::asio::awaitable<void> store_into(std::optional<T>& out, boost::asio::awaitable<T> work) {
  out.emplace(co_await std::move(work));
}

inline void rethrow(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

struct DataSetHarness {
  explicit DataSetHarness(testing::ScriptedHttpClient::Handler handler, std::string base_url = "https://sdl.test")
      : http(std::move(handler)), policy(fast_policy(), clock, rng) {
    upstream.client = &http;
    upstream.policy = &policy;
    upstream.base_url = std::move(base_url);
  }

  // Runs one coroutine to completion.
  template <class T>
  T run(boost::asio::awaitable<T> work) {
    std::optional<T> out;
    boost::asio::co_spawn(io, store_into(out, std::move(work)), rethrow);
    io.run();
    io.restart();
    return std::move(*out);
  }

  DataSetConfig config = test_config();
  testing::ScriptedHttpClient http;
  SystemClock clock;
  SeededRandom rng{11};
  UpstreamPolicy policy;
  Upstream upstream;
  boost::asio::io_context io;
};

inline std::string header_of(const HttpRequest& r, std::string_view name) {
  auto v = find_header(r.headers, name);
  return v ? std::string(*v) : std::string();
}

inline nlohmann::json body_of(const HttpRequest& r) { return nlohmann::json::parse(r.body); }

}  // namespace triagent::dataset_test
