#include "triagent/pipeline/worker_pool.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "net/await_callback.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/observability/log.hpp"

namespace triagent {

namespace net = boost::asio;
constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

namespace {

// One worker's wake-up bell. Both the timer and the pending flag are touched only on the worker's
// strand, so a notify() that lands while the worker is busy is not lost: the worker sees the flag
// before it next waits.
struct Worker {
  explicit Worker(net::io_context& ioc) : strand(net::make_strand(ioc)), bell(strand) {}
  net::strand<net::io_context::executor_type> strand;
  net::steady_timer bell;
  bool pending = false;
};

}  // namespace

struct WorkerPool::State {
  State(net::io_context& ioc, JobQueue& queue, JobRunner& runner, WorkersConfig cfg, std::string owner)
      : ioc(ioc), queue(queue), runner(runner), cfg(cfg), owner(std::move(owner)) {}

  net::io_context& ioc;
  JobQueue& queue;
  JobRunner& runner;
  WorkersConfig cfg;
  std::string owner;
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<bool> stopping{false};
  std::atomic<int> running{0};
  std::atomic<std::uint64_t> completed{0}, retried{0}, failed{0}, lost{0};

  // Idle workers, so a new job wakes one of them rather than all: every woken worker leases, and
  // N empty leases per webhook (one per idle worker) were most of the queue's work at intake.
  // `generation` counts notifications; a worker whose lease found nothing registers as idle only if
  // none came since it leased, so a job queued in between is never left waiting for the poll.
  std::mutex idle_mu;
  std::vector<std::size_t> idle;  // guarded by idle_mu
  std::uint64_t generation = 0;   // guarded by idle_mu

  std::mutex mu;
  std::map<std::int64_t, LeasedJob> in_flight;  // by job id
  std::function<void()> on_stopped;
  bool stop_reported = false;

  JobQueue* queue_ptr() { return &queue; }

  void worker_exited() {
    if (running.fetch_sub(1) == 1) report_stopped();
  }

  void report_stopped() {
    std::function<void()> cb;
    {
      std::lock_guard lock(mu);
      if (stop_reported || !on_stopped) return;
      stop_reported = true;
      cb = std::move(on_stopped);
    }
    cb();
  }
};

namespace {

template <class T>
Result<T> dropped() {
  return make_error(ErrorCode::unavailable, "job queue dropped the operation");
}

// Records the outcome in the queue. The callback starters are named locals, not temporaries
// inside the co_await expression: GCC 12 double-frees capturing lambdas there.
net::awaitable<Result<bool>> settle(std::shared_ptr<WorkerPool::State> st, LeasedJob job, JobOutcome outcome) {
  JobQueue* q = st->queue_ptr();
  std::function<void(std::function<void(Result<bool>)>)> start;
  switch (outcome.kind) {
    case JobOutcome::Kind::done:
      start = [q, &job, &outcome](std::function<void(Result<bool>)> cb) {
        q->ack(job, std::move(outcome.result_json), std::move(cb));
      };
      break;
    case JobOutcome::Kind::retry:
      start = [q, &job, &outcome](std::function<void(Result<bool>)> cb) {
        q->fail(job, std::move(outcome.error), true, outcome.retry_after_ms, std::move(cb));
      };
      break;
    case JobOutcome::Kind::fail:
      start = [q, &job, &outcome](std::function<void(Result<bool>)> cb) {
        q->fail(job, std::move(outcome.error), false, {}, std::move(cb));
      };
      break;
  }
  co_return co_await await_callback<Result<bool>>(std::move(start), dropped<bool>());
}

net::awaitable<void> run_one(std::shared_ptr<WorkerPool::State> st, LeasedJob job) {
  std::string job_id = std::to_string(job.id);
  auto trace = TraceContext::parse(job.traceparent);
  log::LogContext lc{.trace_id = trace ? std::string_view(trace->trace_id) : std::string_view(), .job_id = job_id};
  {
    std::lock_guard lock(st->mu);
    st->in_flight[job.id] = job;
  }
  JobOutcome outcome;
  try {
    outcome = co_await st->runner.run(job);
  } catch (const std::exception& e) {
    // A runner that throws has a bug; the job is retried, and dead-lettered if it keeps failing.
    outcome = JobOutcome::retry(std::string("pipeline error: ") + e.what());
  }
  auto kind = outcome.kind;
  std::string error = outcome.error;
  auto settled = co_await settle(st, job, std::move(outcome));
  {
    std::lock_guard lock(st->mu);
    st->in_flight.erase(job.id);
  }
  if (!settled) {
    log::error("worker", "could not record the job's outcome; it will run again when its lease expires", lc,
               {{"error", settled.error().message}});
    co_return;
  }
  if (!*settled) {
    st->lost++;
    log::warn("worker", "lease lost before the job finished; its result was discarded", lc);
    co_return;
  }
  switch (kind) {
    case JobOutcome::Kind::done:
      st->completed++;
      log::info("worker", "job done", lc, {{"attempt", job.attempts}});
      break;
    case JobOutcome::Kind::retry:
      st->retried++;
      log::warn("worker", "job failed; will retry", lc, {{"attempt", job.attempts}, {"error", error}});
      break;
    case JobOutcome::Kind::fail:
      st->failed++;
      log::error("worker", "job dead-lettered", lc, {{"attempt", job.attempts}, {"error", error}});
      break;
  }
}

std::uint64_t notification_generation(WorkerPool::State& st) {
  std::lock_guard lock(st.idle_mu);
  return st.generation;
}

// False when a notification came after `seen`: the caller leases again instead of waiting.
bool register_idle(WorkerPool::State& st, std::size_t index, std::uint64_t seen) {
  std::lock_guard lock(st.idle_mu);
  if (st.generation != seen) return false;
  st.idle.push_back(index);
  return true;
}

void unregister_idle(WorkerPool::State& st, std::size_t index) {
  std::lock_guard lock(st.idle_mu);
  std::erase(st.idle, index);
}

void ring(Worker* worker) {
  net::post(worker->strand, [worker] {
    worker->pending = true;
    worker->bell.cancel();
  });
}

net::awaitable<void> worker_loop(std::shared_ptr<WorkerPool::State> st, std::size_t index) {
  Worker& w = *st->workers[index];
  std::string owner = st->owner + "/" + std::to_string(index);
  while (!st->stopping.load()) {
    const std::uint64_t seen = notification_generation(*st);
    auto start_lease = [q = &st->queue, &owner](std::function<void(Result<std::vector<LeasedJob>>)> cb) {
      q->lease(owner, 1, std::move(cb));
    };
    auto leased = co_await await_callback<Result<std::vector<LeasedJob>>>(std::move(start_lease),
                                                                          dropped<std::vector<LeasedJob>>());
    if (leased && !leased->empty()) {
      for (auto& job : *leased) co_await run_one(st, std::move(job));
      continue;
    }
    if (!leased) log::warn("worker", "lease failed", {}, {{"error", leased.error().message}});
    if (w.pending) {
      w.pending = false;
      continue;
    }
    if (!register_idle(*st, index, seen)) continue;
    w.bell.expires_after(std::chrono::milliseconds(st->cfg.poll_interval_ms));
    co_await w.bell.async_wait(as_tuple_awaitable);
    unregister_idle(*st, index);  // woken by the poll interval, or already taken off by notify()
    w.pending = false;
  }
}

}  // namespace

WorkerPool::WorkerPool(net::io_context& ioc, JobQueue& queue, JobRunner& runner, WorkersConfig cfg,
                       std::string owner_prefix)
    : state_(std::make_shared<State>(ioc, queue, runner, cfg, std::move(owner_prefix))) {
  for (int i = 0; i < cfg.count; ++i) state_->workers.push_back(std::make_unique<Worker>(ioc));
}

WorkerPool::~WorkerPool() { state_->stopping.store(true); }

void WorkerPool::start() {
  state_->running.store(static_cast<int>(state_->workers.size()));
  for (std::size_t i = 0; i < state_->workers.size(); ++i) {
    auto st = state_;
    net::co_spawn(st->workers[i]->strand, worker_loop(st, i), [st](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("worker", "worker stopped by an exception", {}, {{"error", ex.what()}});
        }
      }
      st->worker_exited();
    });
  }
}

void WorkerPool::notify() {
  std::optional<std::size_t> woken;
  {
    std::lock_guard lock(state_->idle_mu);
    ++state_->generation;
    if (!state_->idle.empty()) {
      woken = state_->idle.back();
      state_->idle.pop_back();
    }
  }
  // No idle worker: every worker is busy and leases again when its job ends.
  if (woken) ring(state_->workers[*woken].get());
}

void WorkerPool::stop(std::chrono::milliseconds deadline, std::function<void()> done) {
  auto st = state_;
  {
    std::lock_guard lock(st->mu);
    st->on_stopped = std::move(done);
  }
  st->stopping.store(true);
  for (auto& w : st->workers) ring(w.get());
  if (st->running.load() == 0) {
    st->report_stopped();
    return;
  }
  // At the deadline, hand back the leases of jobs still running so they are not stuck until expiry.
  auto timer = std::make_shared<net::steady_timer>(st->ioc, deadline);
  timer->async_wait([st, timer](boost::system::error_code) {
    std::vector<LeasedJob> stuck;
    {
      std::lock_guard lock(st->mu);
      if (st->stop_reported) return;
      for (auto& [id, job] : st->in_flight) stuck.push_back(job);
    }
    log::warn("worker", "drain deadline passed; releasing leases of running jobs", {}, {{"jobs", stuck.size()}});
    auto remaining = std::make_shared<std::atomic<std::size_t>>(stuck.size());
    if (stuck.empty()) {
      st->report_stopped();
      return;
    }
    for (auto& job : stuck) {
      st->queue.release(job, [st, remaining](Result<bool>) {
        if (remaining->fetch_sub(1) == 1) st->report_stopped();
      });
    }
  });
}

WorkerStats WorkerPool::stats() const {
  std::lock_guard lock(state_->mu);
  return WorkerStats{state_->completed.load(), state_->retried.load(), state_->failed.load(), state_->lost.load(),
                     state_->in_flight.size()};
}

}  // namespace triagent
