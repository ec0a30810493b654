// Throughput of the SQLite job queue on a real file (durable: WAL, synchronous=FULL).
//
//   build/release/bench/queue_bench                     # files under $TMPDIR or /tmp
//   TRIAGENT_BENCH_DIR=/var/lib/triagent build/release/bench/queue_bench   # the disk that matters
//
// BM_Enqueue/<n>: enqueues with n requests in flight (as n concurrent webhooks would), each one
// complete only when durable. Group commit shares each fsync among the requests waiting for it.
// BM_LeaseAck/<k>: a worker leases k jobs at a time and acks each of them.

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <mutex>
#include <string>

#include "triagent/core/clock.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"

namespace {

using namespace triagent;

// A fresh queue file in a fresh directory, removed afterwards.
class BenchQueue {
 public:
  BenchQueue() {
    const char* base = std::getenv("TRIAGENT_BENCH_DIR");
    std::string pattern =
        (std::filesystem::path(base != nullptr ? base : std::filesystem::temp_directory_path().c_str()) /
         "triagent-queue-bench-XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
    SqliteQueueOptions options;
    options.path = (dir_ / "queue.db").string();
    options.max_depth = 100'000'000;
    auto q = open_sqlite_job_queue(options, SystemClock::instance());
    if (!q) std::abort();
    queue_ = std::move(*q);
  }
  ~BenchQueue() {
    queue_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  JobQueue& operator*() { return *queue_; }
  JobQueue* operator->() { return queue_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<JobQueue> queue_;
};

// Bounds the operations in flight and waits for the last ones.
class InFlight {
 public:
  explicit InFlight(int limit) : limit_(limit) {}
  void acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return count_ < limit_; });
    ++count_;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      --count_;
    }
    cv_.notify_all();
  }
  void drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
  const int limit_;
};

NewJob make_job(std::int64_t n) {
  NewJob job;
  job.dedupe_key = "bench:" + std::to_string(n);
  job.payload = R"({"title":"Suspicious PowerShell","severity":"high","host":"ws-042","user":"alice"})";
  return job;
}

void BM_Enqueue(benchmark::State& state) {
  BenchQueue queue;
  InFlight in_flight(static_cast<int>(state.range(0)));
  std::atomic<std::int64_t> failures{0};
  std::int64_t n = 0;
  for (auto _ : state) {
    in_flight.acquire();
    queue->enqueue(make_job(n++), [&](Result<EnqueueOutcome> r) {
      if (!r) failures.fetch_add(1);
      in_flight.release();
    });
  }
  in_flight.drain();
  state.SetItemsProcessed(state.iterations());
  state.counters["failures"] = static_cast<double>(failures.load());
}
BENCHMARK(BM_Enqueue)->Arg(1)->Arg(8)->Arg(64)->Arg(512)->UseRealTime()->MinTime(2.0);

void fill(JobQueue& queue, std::int64_t& next, int count) {
  InFlight in_flight(512);
  for (int i = 0; i < count; ++i) {
    in_flight.acquire();
    queue.enqueue(make_job(next++), [&](Result<EnqueueOutcome>) { in_flight.release(); });
  }
  in_flight.drain();
}

void BM_LeaseAck(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  BenchQueue queue;
  std::int64_t next = 0;
  std::int64_t processed = 0;
  for (auto _ : state) {
    std::vector<LeasedJob> jobs;
    for (;;) {
      std::latch leased(1);
      queue->lease("bench-worker", batch, [&](Result<std::vector<LeasedJob>> r) {
        if (r) jobs = std::move(*r);
        leased.count_down();
      });
      leased.wait();
      if (!jobs.empty()) break;
      state.PauseTiming();
      fill(*queue, next, 20'000);
      state.ResumeTiming();
    }
    std::latch acked(static_cast<std::ptrdiff_t>(jobs.size()));
    for (const auto& job : jobs) {
      queue->ack(job, R"({"verdict":"benign"})", [&](Result<bool>) { acked.count_down(); });
    }
    acked.wait();
    processed += static_cast<std::int64_t>(jobs.size());
  }
  state.SetItemsProcessed(processed);
}
BENCHMARK(BM_LeaseAck)->Arg(1)->Arg(16)->Arg(64)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
