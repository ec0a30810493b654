// backup_bench: what an online backup of a large queue (POST /v1/admin/backup) costs the webhooks
// answered meanwhile. Fills a queue file with N jobs of 2 KB, starts the real daemon on it, keeps
// 4 keep-alive clients sending webhooks, takes a backup in the middle, and prints the backup's time
// and size and the webhooks' latency before, during and after it.
//
//   build/release/bench/backup_bench [--jobs 400000]   (needs twice the queue, 3.4 GB, free in $TMPDIR)
//
// The backup copies 256 pages between two group commits and syncs the copy off the queue's writer
// thread (docs/operations.md); what webhooks wait for meanwhile is the step in front of them, and
// the disk they share with the copy.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace triagent::testing;

constexpr int kClients = 4;

// The queue file, filled in process (through the same queue code as the daemon's) far faster
// than webhooks could.
void fill_queue(const std::string& path, std::size_t jobs) {
  triagent::SqliteQueueOptions options;
  options.path = path;
  options.max_depth = static_cast<std::int64_t>(jobs) + 1'000'000;
  auto queue = triagent::open_sqlite_job_queue(options, triagent::SystemClock::instance());
  if (!queue) throw std::runtime_error(queue.error().message);
  const std::string pad(2048, 'p');
  constexpr std::size_t kInFlight = 4096;
  for (std::size_t done = 0; done < jobs;) {
    const std::size_t n = std::min(kInFlight, jobs - done);
    std::vector<std::promise<bool>> acks(n);
    for (std::size_t i = 0; i < n; ++i) {
      triagent::NewJob job;
      job.dedupe_key = "generic:fill-" + std::to_string(done + i);
      job.payload = R"({"source":"generic","external_id":"fill","title":"fill","raw":{"pad":")" + pad + R"("}})";
      (*queue)->enqueue(std::move(job), [&acks, i](triagent::Result<triagent::EnqueueOutcome> r) {
        acks[i].set_value(r.has_value());
      });
    }
    for (auto& ack : acks) {
      if (!ack.get_future().get()) throw std::runtime_error("filling the queue failed");
    }
    done += n;
  }
  (*queue)->close();
}

struct Sample {
  double at_s;  // when the request was sent, seconds since the load began
  double ms;    // its latency
};

// One keep-alive client sending webhooks until `stop`, one at a time.
void send_until(std::uint16_t port, int client, const std::atomic<bool>& stop, Clock::time_point origin,
                std::vector<Sample>& samples, std::atomic<int>& failed) {
  HttpTestClient c("127.0.0.1", port);
  if (!c.connect()) {
    failed++;
    return;
  }
  for (int i = 0; !stop.load(); ++i) {
    const std::string body =
        R"({"id":"live-)" + std::to_string(client) + "-" + std::to_string(i) + R"(","title":"during backup"})";
    const auto start = Clock::now();
    const bool sent = c.send_raw(HttpTestClient::build_request(
        "POST", "/v1/webhooks/generic", body,
        {{"Authorization", std::string("Bearer ") + kWebhookToken}, {"Content-Type", "application/json"}}, true));
    const auto response = sent ? c.read_response(std::chrono::seconds(30)) : HttpTestResponse{};
    if (response.status != 202) {
      failed++;
      return;
    }
    samples.push_back({std::chrono::duration<double>(start - origin).count(),
                       std::chrono::duration<double, std::milli>(Clock::now() - start).count()});
    // The daemon ends a connection after server.max_requests_per_connection.
    if (auto it = response.headers.find("connection"); it != response.headers.end() && it->second == "close") {
      c.disconnect();
      if (!c.connect()) {
        failed++;
        return;
      }
    }
  }
}

void print_window(const char* name, std::vector<double> ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) { return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))]; };
  std::printf("%-22s %8zu webhooks  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms\n", name, ms.size(), at(0.5), at(0.99),
              ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t jobs = 400'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--jobs") jobs = std::stoul(argv[i + 1]);
  }
  TempDir dir;
  const std::string data = dir.path() + "/var";
  const auto fill_start = Clock::now();
  fill_queue(data + "/triagent.db", jobs);
  std::printf("queue filled with %zu jobs of 2 KB in %.1f s\n", jobs,
              std::chrono::duration<double>(Clock::now() - fill_start).count());

  // No workers: the jobs stay queued, and only intake and the backup use the queue.
  DaemonProcess daemon(TestConfig{}.with("data_dir", data).with("workers.count", "0").with("log.level", "warn")
                           .with("queue.max_depth", std::to_string(jobs + 1'000'000)),
                       dir.path());
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0};
  std::vector<std::vector<Sample>> samples(kClients);
  const auto origin = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] { send_until(daemon.port(), c, stop, origin, samples[static_cast<std::size_t>(c)], failed); });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the load's steady state, before the backup
  HttpTestClient admin("127.0.0.1", daemon.port());
  const double backup_start = std::chrono::duration<double>(Clock::now() - origin).count();
  admin.connect();
  admin.send_raw(HttpTestClient::build_request("POST", "/v1/admin/backup", "",
                                               {{"Authorization", std::string("Bearer ") + kAdminToken}}, false));
  const auto backup = admin.read_response(std::chrono::minutes(10));
  const double backup_end = std::chrono::duration<double>(Clock::now() - origin).count();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // and after it
  stop = true;
  for (auto& t : clients) t.join();
  daemon.send_signal(SIGTERM);
  daemon.wait_exit(std::chrono::seconds(60));

  if (backup.status != 200) {
    std::printf("backup failed: %d %s\n", backup.status, backup.body.c_str());
    return 1;
  }
  const auto report = backup.json();
  std::printf("backup: %.2f s, %.0f MB, %s\n", backup_end - backup_start,
              report.value("bytes", 0.0) / 1e6, report.value("path", std::string()).c_str());
  std::vector<double> before, during, after;
  for (const auto& client : samples) {
    for (const Sample& s : client) {
      (s.at_s < backup_start ? before : s.at_s < backup_end ? during : after).push_back(s.ms);
    }
  }
  print_window("before the backup", before);
  print_window("during the backup", during);
  print_window("after the backup", after);
  std::printf("failed requests: %d\n", failed.load());
  return failed.load() == 0 ? 0 : 1;
}
