// pipeline_bench: N incidents through the whole enrichment pipeline of the real daemon (assist mode)
// against the simulator with realistic latencies, at a fixed worker concurrency. Prints cases per
// second and the ratio to the ideal, the prompt tokens per case and the share of IOCs retained.
//
//   ./pipeline_bench [--cases 1000] [--concurrency 100] [--llm-ms 800] [--dv-poll-ms 200]
//                    [--dataset-ms 150]
//
// Each case is its own threat (the shipped scenario's first threat cloned with new ids), so every
// case resolves, queries Deep Visibility (three status polls) and DataSet, asks the LLM, and posts a
// note and tags. The ideal is what the latencies alone allow: every case needs the Deep Visibility
// polls (DataSet runs beside them and is shorter) and then the LLM, so
//   ideal cases/s = concurrency / (3 x dv_poll + llm)
// and the ratio says how much the daemon's own work (queue, SQLite, analysis, redaction, HTTP)
// costs on top.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <signal.h>
#include <unistd.h>
#include <stop_token>
#include <thread>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"

namespace {

using nlohmann::json;
using namespace triagent::testing;
using Clock = std::chrono::steady_clock;

constexpr int kDvStatusPolls = 3;  // the scenario's dv_running_polls (2) + the one that finishes

struct Options {
  int cases = 1000;
  int concurrency = 100;
  int llm_ms = 800;
  int dv_poll_ms = 200;
  int dataset_ms = 150;
  std::string threads = "2";  // the daemon's io threads ("auto": half the cores, as shipped)
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--threads") o.threads = argv[i + 1];
    else if (a == "--cases") o.cases = v;
    else if (a == "--concurrency") o.concurrency = v;
    else if (a == "--llm-ms") o.llm_ms = v;
    else if (a == "--dv-poll-ms") o.dv_poll_ms = v;
    else if (a == "--dataset-ms") o.dataset_ms = v;
    else {
      std::fprintf(stderr, "usage: pipeline_bench [--cases N] [--concurrency C] [--llm-ms L] [--dv-poll-ms P] "
                           "[--dataset-ms D] [--threads N|auto]\n");
      std::exit(64);
    }
  }
  return o;
}

std::string threat_id(int i) { return std::to_string(2287651234567800000LL + i); }

// The shipped scenario with its first threat cloned `cases` times (new ids, same agent and story).
std::string write_scenario(const std::string& dir, int cases) {
  YAML::Node scenario = YAML::LoadFile(std::string(TRIAGENT_SOURCE_DIR) + "/tools/sim/scenarios/windows-workstation-attack.yaml");
  YAML::Node first = YAML::Clone(scenario["threats"][0]);
  YAML::Node threats(YAML::NodeType::Sequence);
  for (int i = 0; i < cases; ++i) {
    YAML::Node t = YAML::Clone(first);
    t["id"] = threat_id(i);
    threats.push_back(t);
  }
  scenario["threats"] = threats;
  scenario["singularity"]["dv_running_polls"] = kDvStatusPolls - 1;
  std::string path = dir + "/bench-scenario.yaml";
  std::ofstream(path) << YAML::Dump(scenario) << "\n";
  return path;
}

std::string write_faults(const std::string& dir, const Options& o) {
  json rules = json::array({
      {{"route", "POST /v1/chat/completions"}, {"latency_ms", o.llm_ms}},
      {{"route", "GET /web/api/v2.1/dv/query-status"}, {"latency_ms", o.dv_poll_ms}},
      {{"route", "POST /api/query"}, {"latency_ms", o.dataset_ms}},
      {{"route", "POST /api/powerQuery"}, {"latency_ms", o.dataset_ms}},
  });
  std::string path = dir + "/bench-faults.json";
  std::ofstream(path) << json{{"faults", rules}}.dump(2) << "\n";
  return path;
}

std::string daemon_yaml(const std::string& sim_url, int concurrency) {
  const std::string c = std::to_string(concurrency * 4);
  const std::string open_policy = "{max_concurrency: " + c + ", rate: {requests_per_second: 0}}";
  // Every upstream is the one simulator here, so the per-host connection cap (meant for one real
  // upstream each) must cover them all, and so must the total and the idle cache, as an operator
  // running this many workers would set them.
  return "http_client:\n"
         "  max_connections_per_host: " + c + "\n"
         "  max_total_connections: " + c + "\n"
         "  max_idle_connections: " + c + "\n"
         "connectors:\n"
         "  singularity:\n"
         "    base_url: " + sim_url + "\n"
         "    api_token: " + std::string(kSimS1Token) + "\n"
         "    deep_visibility: {poll_interval_ms: 1, status_requests_per_second: 1000}\n"
         "  dataset:\n"
         "    base_url: " + sim_url + "\n"
         "    read_key: " + std::string(kSimDatasetReadKey) + "\n"
         "    write_key: " + std::string(kSimDatasetWriteKey) + "\n"
         "    tenant: true\n"
         "llm:\n"
         "  providers:\n"
         "    - name: sim-openai\n"
         "      kind: openai\n"
         "      base_url: " + sim_url + "\n"
         "      model: sim-analyst-1\n"
         "      api_key: " + std::string(kSimLlmKey) + "\n"
         "upstreams:\n"
         "  singularity: " + open_policy + "\n"
         "  deep_visibility: " + open_policy + "\n"
         "  dataset: " + open_policy + "\n"
         "  dataset_ingest: " + open_policy + "\n"
         "  sim-openai: " + open_policy + "\n";
}

// CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat.
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// Mean seconds per job of each stage, from the daemon's triagent_stage_duration_seconds histogram:
// where a case's time goes beyond the upstream latencies the ideal counts.
std::string stage_means(const std::string& exposition) {
  std::map<std::string, std::pair<double, double>> by_stage;  // stage -> (sum, count)
  std::istringstream in(exposition);
  for (std::string line; std::getline(in, line);) {
    const std::string prefix = "triagent_stage_duration_seconds_";
    if (line.rfind(prefix, 0) != 0) continue;
    const bool sum = line.compare(prefix.size(), 4, "sum{") == 0;
    if (!sum && line.compare(prefix.size(), 6, "count{") != 0) continue;
    const auto open = line.find("stage=\"");
    const auto close = open == std::string::npos ? open : line.find('"', open + 7);
    const auto space = line.rfind(' ');
    if (close == std::string::npos || space == std::string::npos) continue;
    auto& slot = by_stage[line.substr(open + 7, close - open - 7)];
    (sum ? slot.first : slot.second) = std::atof(line.c_str() + space + 1);
  }
  std::string out;
  for (const auto& [stage, v] : by_stage) {
    if (v.second <= 0) continue;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.0f ms", out.empty() ? "" : ", ", stage.c_str(), 1000 * v.first / v.second);
    out += buf;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  TempDir dir;
  SimOptions sim_options;
  sim_options.scenario = write_scenario(dir.path(), o.cases);
  sim_options.faults = write_faults(dir.path(), o);
  sim_options.extra_args = {"--threads", "2"};
  SimProcess sim(sim_options);

  TestConfig config;
  config.with("mode", "assist")
      .with("workers.count", std::to_string(o.concurrency))
      .with("server.threads", o.threads)
      .with("queue.lease_seconds", "300")
      .with("log.level", "warn")
      .with("pipeline.context_deadline_ms", "60000");
  config.extra_yaml = daemon_yaml(sim.base_url(), o.concurrency);
  TempDir data;
  DaemonProcess daemon(config, data.path());

  std::printf("pipeline_bench: %d cases, concurrency %d, LLM %d ms, DV %d polls of %d ms, DataSet %d ms\n", o.cases,
              o.concurrency, o.llm_ms, kDvStatusPolls, o.dv_poll_ms, o.dataset_ms);
  const double daemon_cpu0 = cpu_seconds(daemon.pid()), sim_cpu0 = cpu_seconds(sim.pid());
  const auto start = Clock::now();
  // How long the daemon takes to answer while the cases run: a GET /livez every 20 ms on its own
  // connection. Every request, webhooks included, waits for an io thread, so a stage that holds one
  // (CPU work on the reactor) shows here.
  std::vector<double> probe_ms;
  std::jthread probe([&](std::stop_token stop) {  // a jthread: stopped and joined on every way out
    HttpTestClient c("127.0.0.1", daemon.port());
    while (!stop.stop_requested()) {
      const auto t0 = Clock::now();
      if (c.request("GET", "/livez").status == 200) {
        probe_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  HttpTestClient client("127.0.0.1", daemon.port());
  for (int i = 0; i < o.cases; ++i) {
    auto r = client.request("POST", "/v1/webhooks/singularity", json{{"threatId", threat_id(i)}}.dump(),
                            bearer(kWebhookToken));
    if (r.status != 202) {
      std::fprintf(stderr, "webhook %d answered %d: %s\n", i, r.status, r.body.c_str());
      return 1;
    }
  }
  const double posted_s = std::chrono::duration<double>(Clock::now() - start).count();

  // Progress by the queue's counts; a poll every 100 ms costs nothing next to 1.4 s cases.
  const auto give_up = start + std::chrono::minutes(10);
  while (true) {
    auto r = client.request("GET", "/readyz?verbose", "", {});
    json q = r.status == 200 ? r.json()["queue"] : json::object();
    if (q.is_object() && q.value("ready", 1) == 0 && q.value("leased", 1) == 0) break;
    if (Clock::now() > give_up) {
      std::fprintf(stderr, "gave up waiting: %s\n", r.body.c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  probe.request_stop();
  probe.join();
  const double daemon_cpu = cpu_seconds(daemon.pid()) - daemon_cpu0, sim_cpu = cpu_seconds(sim.pid()) - sim_cpu0;

  auto listed = client.request("GET", "/v1/jobs?state=done&limit=1000", "", bearer(kAdminToken));
  json jobs = listed.json()["jobs"];
  std::vector<double> tokens;
  long iocs_total = 0, iocs_kept = 0;
  int llm_cases = 0, degraded = 0;
  for (const auto& job : jobs) {
    const json& result = job["result"];
    double in = 0;
    for (const auto& a : result.value("llm_attempts", json::array())) in += a.value("input_tokens", 0.0);
    if (result.value("produced_by", "") != "builtin") ++llm_cases;
    if (result.value("degraded", false)) ++degraded;
    tokens.push_back(in);
    iocs_total += result["stats"].value("iocs_total", 0L);
    iocs_kept += result["stats"].value("iocs_kept", 0L);
  }
  auto dead = client.request("GET", "/v1/jobs?state=dead&limit=1000", "", bearer(kAdminToken)).json();

  const double ideal_case_s = (kDvStatusPolls * o.dv_poll_ms + o.llm_ms) / 1000.0;
  const double ideal_rate = o.concurrency / ideal_case_s;
  const double rate = static_cast<double>(jobs.size()) / elapsed_s;
  std::printf("  done %zu, dead %zu, answered by the LLM %d, degraded %d (webhooks posted in %.2f s)\n", jobs.size(),
              dead["jobs"].size(), llm_cases, degraded, posted_s);
  std::printf("  elapsed %.2f s: %.1f cases/s; ideal %.1f cases/s (%.2f s per case); ratio %.3f (target >= 0.9)\n",
              elapsed_s, rate, ideal_rate, ideal_case_s, rate / ideal_rate);
  std::printf("  CPU per case: daemon %.1f ms, simulator %.1f ms (%ld cores)\n", 1000 * daemon_cpu / o.cases,
              1000 * sim_cpu / o.cases, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("  mean stage time per case: %s\n",
              stage_means(client.request("GET", "/metrics", "", bearer(kAdminToken)).body).c_str());
  std::sort(probe_ms.begin(), probe_ms.end());
  if (!probe_ms.empty()) {
    std::printf("  GET /livez while the cases ran: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu probes)\n",
                percentile(probe_ms, 0.5), percentile(probe_ms, 0.99), probe_ms.back(), probe_ms.size());
  }
  std::printf("  prompt tokens per case: median %.0f, p95 %.0f (target <= 3000)\n", percentile(tokens, 0.5),
              percentile(tokens, 0.95));
  std::printf("  IOCs retained: %ld of %ld (%.1f%%, target 100%%)\n", iocs_kept, iocs_total,
              iocs_total > 0 ? 100.0 * static_cast<double>(iocs_kept) / static_cast<double>(iocs_total) : 100.0);
  // A graceful stop, so a profiler the daemon runs under (TRIAGENT_DAEMON_WRAPPER) writes its data.
  daemon.send_signal(SIGTERM);
  daemon.wait_exit(std::chrono::seconds(120));
  return jobs.size() == static_cast<std::size_t>(o.cases) ? 0 : 1;
}
