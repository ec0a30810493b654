#pragma once
// Shared pieces of the context-stage tests (pipeline_context_*_test.cpp): an incident like the
// simulator's threat, canned upstream answers, a harness that owns one HTTP client, a policy per
// upstream and the three context connectors, and two test clients: GatedHttpClient (holds every
// answer until N requests are in flight: proves concurrency) and HangingHttpClient (never answers,
// only honours cancel: proves the deadline without timing).
//
//   ContextHarness h(std::make_unique<ScriptedHttpClient>(route_context_answers));
//   ContextResult r = h.run(h.fetcher().fetch(plan, deadline_after(std::chrono::seconds(30))));

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/scripted_http_client.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"
#include "triagent/connectors/singularity_star_alerts.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/pipeline/context_fetch.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::context_test {

using testing::api_sample;
using testing::json_response;
using testing::ScriptedHttpClient;

inline bool has(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// 2025-11-18T14:02:32.418Z, the simulator's first threat.
inline constexpr std::int64_t kThreatTimeMs = 1'763'474'552'418;

// The simulator's first threat as a complete webhook would have normalized it.
inline Incident sim_threat_incident() {
  Incident inc;
  inc.source = "singularity";
  inc.kind = "threat";
  inc.external_id = "2287651234567890101";
  inc.title = "Invoice_INV-20931.docm";
  inc.time_ms = kThreatTimeMs;
  inc.entities.hosts = {"WS-FIN-023"};
  inc.entities.agent_ids = {"1834005763264471342", "6f3b7c1d2e4a4b5c9d8e7f6a5b4c3d21"};
  inc.entities.users = {"NORTHWIND\\jsmith"};
  inc.entities.ips = {"10.20.30.45"};
  inc.entities.hashes = {"23d9bf62eff0b86199c6a77dbc018b97804604e2"};
  inc.entities.storylines = {"7D3F2A9C1B4E6F80"};
  inc.entities.threat_ids = {"2287651234567890101"};
  return inc;
}

// ---------------------------------------------------------------- canned answers

inline std::string dataset_log_answer() {
  nlohmann::json match{{"timestamp", "1763474551118000000"},
                       {"message", "Process Create: powershell.exe -NoP -W Hidden -Enc JAB3AD0A"},
                       {"severity", 3},
                       {"session", "s1"},
                       {"thread", "1"},
                       {"attributes", {{"EventID", 1}, {"User", "NORTHWIND\\jsmith"}, {"Image", "powershell.exe"}}}};
  return nlohmann::json{{"status", "success"},
                        {"matches", {match}},
                        {"sessions", {{"s1", {{"serverHost", "WS-FIN-023"}, {"logfile", "Sysmon"}}}}}}
      .dump();
}

inline std::string dv_events_answer() {
  nlohmann::json page = nlohmann::json::parse(api_sample("s1_dv_events_response_page1.json"));
  page["pagination"] = {{"nextCursor", nullptr}, {"totalItems", page["data"].size()}};
  return page.dump();
}

inline std::string notes_answer() {
  nlohmann::json note{{"id", "501"},
                      {"text", "Analyst: user confirms the invoice mail"},
                      {"creator", "Ann"},
                      {"creatorId", "9"},
                      {"createdAt", "2025-11-18T14:30:00.000000Z"},
                      {"updatedAt", "2025-11-18T14:30:00.000000Z"},
                      {"edited", false}};
  return nlohmann::json{{"data", {note}}, {"pagination", {{"nextCursor", nullptr}, {"totalItems", 1}}}}.dump();
}

// Every context endpoint answered as it should be.
inline HttpResult route_context_answers(const HttpRequest& r) {
  if (has(r.url, "/api/powerQuery")) return json_response(200, api_sample("dataset_powerQuery_response.json"));
  if (has(r.url, "/api/query")) return json_response(200, dataset_log_answer());
  if (has(r.url, "/dv/init-query")) return json_response(200, api_sample("s1_dv_init_query_response.json"));
  if (has(r.url, "/dv/query-status")) return json_response(200, api_sample("s1_dv_query_status_response.json"));
  if (has(r.url, "/dv/events")) return json_response(200, dv_events_answer());
  if (has(r.url, "/dv/cancel-query")) return json_response(200, R"({"data":{"success":true}})");
  if (has(r.url, "/notes")) return json_response(200, notes_answer());
  if (has(r.url, "/threats")) return json_response(200, api_sample("s1_threats_v21_response.json"));
  return json_response(404, R"({"errors":[{"code":4040000,"title":"Not Found"}]})");
}

// ---------------------------------------------------------------- test clients

// Holds every answer until `expected` requests have been sent, then answers through `handler`.
// If they never all arrive the gate gives up after a long failsafe (so a sequential fetch fails
// the test instead of hanging it) and `opened()` stays false.
class GatedHttpClient final : public HttpClient {
 public:
  GatedHttpClient(std::size_t expected, ScriptedHttpClient::Handler handler)
      : expected_(expected), inner_([this, handler = std::move(handler)](const HttpRequest& r) -> HttpResult {
          wait_for_all();
          return handler(r);
        }) {}

  HttpRequestId send(HttpRequest request, Deadline deadline, HttpCallback done) override {
    {
      std::lock_guard lock(mutex_);
      ++sent_;
    }
    cv_.notify_all();
    return inner_.send(std::move(request), deadline, std::move(done));
  }
  void cancel(HttpRequestId id) override { inner_.cancel(id); }
  HttpClientStats stats() const override { return {}; }

  bool opened() const {
    std::lock_guard lock(mutex_);
    return opened_;
  }
  std::vector<HttpRequest> requests() const { return inner_.requests(); }

 private:
  void wait_for_all() {
    std::unique_lock lock(mutex_);
    if (cv_.wait_for(lock, std::chrono::seconds(20), [this] { return sent_ >= expected_; })) opened_ = true;
  }

  const std::size_t expected_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t sent_ = 0;
  bool opened_ = false;
  ScriptedHttpClient inner_;
};

// Never answers a request; a cancelled one completes with HttpErrorKind::cancelled, from the
// client's own thread (as the real client does).
class HangingHttpClient final : public HttpClient {
 public:
  HangingHttpClient() : thread_([this] { loop(); }) {}
  ~HangingHttpClient() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  HttpRequestId send(HttpRequest, Deadline, HttpCallback done) override {
    std::lock_guard lock(mutex_);
    hanging_.push_back({++next_id_, std::move(done)});
    return next_id_;
  }
  void cancel(HttpRequestId id) override {
    std::lock_guard lock(mutex_);
    for (auto it = hanging_.begin(); it != hanging_.end(); ++it) {
      if (it->first != id) continue;
      cancelled_.push_back(std::move(it->second));
      hanging_.erase(it);
      ++cancels_;
      break;
    }
    cv_.notify_all();
  }
  HttpClientStats stats() const override { return {}; }
  int cancels() const {
    std::lock_guard lock(mutex_);
    return cancels_;
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return stopping_ || !cancelled_.empty(); });
      if (cancelled_.empty()) return;
      HttpCallback done = std::move(cancelled_.front());
      cancelled_.pop_front();
      lock.unlock();
      done(testing::transport_error(HttpErrorKind::cancelled, "cancelled"));
      lock.lock();
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<HttpRequestId, HttpCallback>> hanging_;
  std::deque<HttpCallback> cancelled_;
  HttpRequestId next_id_ = 0;
  int cancels_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// ---------------------------------------------------------------- harness

inline UpstreamPolicyConfig fast_policy(std::string name) {
  UpstreamPolicyConfig cfg;
  cfg.name = std::move(name);
  cfg.retry.max_attempts = 2;
  cfg.retry.base_delay_ms = 1;
  cfg.retry.max_delay_ms = 2;
  cfg.max_inline_wait_ms = 1'000;
  cfg.retry_budget.enabled = false;
  return cfg;
}

template <class T>
boost::asio::awaitable<void> store_into(boost::asio::awaitable<T> op, std::optional<T>* out) {
  out->emplace(co_await std::move(op));
}

// One HTTP client behind a dataset policy and a singularity policy, and every connector the
// context stages use. run() drives one coroutine to completion on a private io_context.
struct ContextHarness {
  explicit ContextHarness(std::unique_ptr<HttpClient> client)
      : http(std::move(client)),
        dataset_policy(fast_policy("dataset"), clock, rng),
        s1_policy(fast_policy("singularity"), clock, rng) {
    dataset_config.base_url = "https://sdl.test";
    dataset_config.read_key = Secret("read-key-0123456789abcdef");
    s1_config.base_url = "https://s1.test";
    s1_config.api_token = Secret("s1-secret-token-0123456789");
    s1_config.deep_visibility.poll_interval_ms = 1;
    s1_config.deep_visibility.status_requests_per_second = 1000;
    Upstream ds{http.get(), &dataset_policy, dataset_config.base_url, std::chrono::seconds(5)};
    Upstream s1{http.get(), &s1_policy, s1_config.base_url, std::chrono::seconds(5)};
    dataset = std::make_unique<DataSetClient>(dataset_config, ds);
    dv = std::make_unique<DeepVisibility>(s1_config, s1);
    threats = std::make_unique<SingularityThreats>(s1_config, s1);
    uam = std::make_unique<SingularityAlertsGraphql>(s1_config, s1);
    star = std::make_unique<SingularityStarAlerts>(s1_config, s1);
  }

  template <class T>
  T run(boost::asio::awaitable<T> op) {
    std::optional<T> out;
    boost::asio::co_spawn(io, store_into(std::move(op), &out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
    io.restart();
    return std::move(*out);
  }

  ContextConnectors all_connectors() const { return {dataset.get(), dv.get(), threats.get()}; }
  ContextFetcher fetcher() const { return ContextFetcher(all_connectors()); }

  std::unique_ptr<HttpClient> http;
  SystemClock clock;
  SeededRandom rng{7};
  UpstreamPolicy dataset_policy;
  UpstreamPolicy s1_policy;
  DataSetConfig dataset_config;
  SingularityConfig s1_config;
  std::unique_ptr<DataSetClient> dataset;
  std::unique_ptr<DeepVisibility> dv;
  std::unique_ptr<SingularityThreats> threats;
  std::unique_ptr<SingularityAlertsGraphql> uam;
  std::unique_ptr<SingularityStarAlerts> star;
  boost::asio::io_context io;
};

}  // namespace triagent::context_test
