// outbound_bench: the outbound HTTP client (libcurl multi on one thread) against the simulator with
// added latency: N requests at concurrency C, once straight through HttpClient and once through
// call_upstream (policy: concurrency limit, breaker, retry bookkeeping). The ideal throughput is
// C / latency; the target is >= 0.9 of it.
//
//   ./outbound_bench [--requests 10000] [--concurrency 500] [--latency-ms 50] [--sim-threads 2]
//
// Connections are opened by a warm-up round of C requests (not counted), as a running daemon's are.
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/sim_process.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/net/http_client_awaitable.hpp"

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct Options {
  std::size_t requests = 10'000;
  int concurrency = 500;
  int latency_ms = 50;
  int sim_threads = 2;
};

int thread_count() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return -1;
}

struct RunResult {
  double seconds = 0;
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::vector<double> latencies_ms;
  int max_threads = 0;
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

// One request through the chosen path; true on a 200.
using SendOne = std::function<asio::awaitable<bool>(triagent::HttpRequest)>;

asio::awaitable<void> worker(const std::string& url, std::atomic<std::size_t>* next, std::size_t total,
                             std::vector<double>* latencies, std::atomic<std::size_t>* failed, const SendOne* send) {
  for (;;) {
    if (next->fetch_add(1) >= total) co_return;
    triagent::HttpRequest req;
    req.url = url;
    req.headers = {{"Authorization", std::string("ApiToken ") + triagent::testing::kSimS1Token}};
    auto start = Clock::now();
    bool ok = co_await (*send)(std::move(req));
    if (!ok) {
      failed->fetch_add(1);
      continue;
    }
    latencies->push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

RunResult run(const std::string& url, const Options& o, std::size_t total, const SendOne& send) {
  asio::io_context io(1);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failed{0};
  std::vector<std::vector<double>> per_worker(static_cast<std::size_t>(o.concurrency));
  for (auto& l : per_worker) l.reserve(total / static_cast<std::size_t>(o.concurrency) + 8);
  for (auto& l : per_worker) asio::co_spawn(io, worker(url, &next, total, &l, &failed, &send), asio::detached);
  RunResult r;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done.load()) {
      r.max_threads = std::max(r.max_threads, thread_count());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto start = Clock::now();
  io.run();
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  sampler.join();
  r.max_threads -= 1;  // the sampler itself
  for (auto& l : per_worker) r.latencies_ms.insert(r.latencies_ms.end(), l.begin(), l.end());
  std::sort(r.latencies_ms.begin(), r.latencies_ms.end());
  r.ok = r.latencies_ms.size();
  r.failed = failed.load();
  return r;
}

void print(const char* name, const RunResult& r, const Options& o) {
  const double ideal = o.concurrency / (o.latency_ms / 1000.0);
  const double rate = static_cast<double>(r.ok) / r.seconds;
  std::printf("%-24s %8.0f req/s  ideal %6.0f  ratio %.3f  p50 %6.1f ms  p99 %6.1f ms  ok %zu  failed %zu  "
              "threads %d\n",
              name, rate, ideal, rate / ideal, percentile(r.latencies_ms, 0.50), percentile(r.latencies_ms, 0.99), r.ok,
              r.failed, r.max_threads);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace triagent;
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--requests") o.requests = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--concurrency") o.concurrency = std::atoi(argv[i + 1]);
    else if (a == "--latency-ms") o.latency_ms = std::atoi(argv[i + 1]);
    else if (a == "--sim-threads") o.sim_threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: outbound_bench [--requests N] [--concurrency C] [--latency-ms L] [--sim-threads T]\n");
      return 64;
    }
  }

  char faults_path[] = "/tmp/outbound-bench-faults-XXXXXX";
  int fd = mkstemp(faults_path);
  if (fd < 0) return 1;
  std::string faults = "faults:\n  - route: \"*\"\n    latency_ms: " + std::to_string(o.latency_ms) + "\n";
  if (write(fd, faults.data(), faults.size()) != static_cast<ssize_t>(faults.size())) return 1;
  close(fd);
  testing::SimOptions sim_options;
  sim_options.faults = faults_path;
  sim_options.extra_args = {"--threads", std::to_string(o.sim_threads)};
  testing::SimProcess sim(sim_options);
  unlink(faults_path);
  const std::string url = sim.base_url() + "/web/api/v2.1/agents?ids=1834005763264471342";

  HttpClientConfig http_cfg;
  http_cfg.max_connections_per_host = o.concurrency;
  http_cfg.max_total_connections = o.concurrency + 16;
  http_cfg.max_idle_connections = o.concurrency + 16;
  auto client = make_curl_http_client(http_cfg);

  SendOne direct = [&](HttpRequest req) -> asio::awaitable<bool> {
    HttpResult r = co_await async_send(*client, std::move(req), deadline_after(std::chrono::seconds(30)),
                                       asio::use_awaitable);
    co_return r && r->status == 200;
  };

  SystemClock clock;
  SeededRandom rng(1);
  UpstreamPolicyConfig policy_cfg;
  policy_cfg.name = "singularity";
  policy_cfg.max_concurrency = o.concurrency;
  UpstreamPolicy policy(policy_cfg, clock, rng);
  Upstream upstream{client.get(), &policy, sim.base_url(), std::chrono::seconds(30)};
  SendOne policed = [&](HttpRequest req) -> asio::awaitable<bool> {
    auto r = co_await call_upstream(upstream, std::move(req));
    co_return r && r->status == 200;
  };

  std::printf("outbound_bench: %zu requests, concurrency %d, %d ms added latency, simulator with %d threads\n",
              o.requests, o.concurrency, o.latency_ms, o.sim_threads);
  std::printf("threads before the runs: %d\n", thread_count());
  run(url, o, static_cast<std::size_t>(o.concurrency), direct);  // warm-up: opens the connections
  print("HttpClient (async_send)", run(url, o, o.requests, direct), o);
  print("call_upstream (policy)", run(url, o, o.requests, policed), o);
  auto stats = client->stats();
  std::printf("connections opened in all: %lld\n", static_cast<long long>(stats.connections_opened_total));
  return 0;
}
