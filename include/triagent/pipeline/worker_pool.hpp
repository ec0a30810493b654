#pragma once
// WorkerPool: N coroutines that lease jobs, run them through a JobRunner and ack, retry or
// dead-letter them. notify() (a new job was queued) wakes one idle worker; a busy worker leases
// again when its job ends. Idle workers also wake every poll interval (for jobs whose retry delay
// has passed).
//
// stop() is the drain step of a graceful shutdown: no new leases; jobs in flight may finish until
// the deadline; leases of jobs still running then are released (not counted as an attempt) so
// another process or the next start picks them up at once.
//
//   WorkerPool pool(ioc, queue, runner, cfg.workers, "host-1234");
//   pool.start();
//   pool.stop(std::chrono::seconds(20), [] { /* all workers are gone */ });

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "triagent/config/config.hpp"
#include "triagent/pipeline/job_runner.hpp"
#include "triagent/queue/job_queue.hpp"

namespace boost::asio {
class io_context;
}

namespace triagent {

struct WorkerStats {
  std::uint64_t completed = 0;
  std::uint64_t retried = 0;
  std::uint64_t failed = 0;      // sent to dead-letter (or retried by the queue if attempts remain)
  std::uint64_t lost_leases = 0; // ack refused by fencing: the lease had expired
  std::uint64_t in_flight = 0;
};

class WorkerPool {
 public:
  WorkerPool(boost::asio::io_context& ioc, JobQueue& queue, JobRunner& runner, WorkersConfig cfg,
             std::string owner_prefix);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  void notify();
  void stop(std::chrono::milliseconds deadline, std::function<void()> done);
  WorkerStats stats() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace triagent
