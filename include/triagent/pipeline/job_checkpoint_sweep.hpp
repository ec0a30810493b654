#pragma once
// The retention sweep of the job checkpoints: deletes those older than the retention now, then
// once per interval, until stopped. A checkpoint outlives its job's completion on purpose (an admin
// replay of the job delivers it again rather than a new analysis, see job_checkpoint_store.hpp),
// so without this sweep state.db would grow by one checkpoint per job forever.
//
//   asio::steady_timer timer(io);
//   std::atomic<bool> stopped{false};
//   asio::co_spawn(io, sweep_job_checkpoints(store, {.retention = 168h}, &timer, &stopped, run_blocking,
//                                            &SystemClock::instance()), asio::detached);
//   // to stop: stopped = true; timer.cancel();

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>

#include "triagent/core/clock.hpp"
#include "triagent/pipeline/job_checkpoint_store.hpp"

namespace triagent {

struct JobCheckpointSweepConfig {
  std::chrono::milliseconds retention{std::chrono::hours(168)};
  std::chrono::milliseconds interval{std::chrono::hours(1)};
};

// Store, timer, flag and clock outlive the coroutine; run_blocking moves the SQLite work off the
// reactor (as PipelineServices::run_blocking). A failed round is logged and retried next interval.
boost::asio::awaitable<void> sweep_job_checkpoints(
    JobCheckpointStore* store, JobCheckpointSweepConfig config, boost::asio::steady_timer* timer,
    const std::atomic<bool>* stopped,
    std::function<boost::asio::awaitable<void>(std::function<void()>)> run_blocking, const Clock* clock);

}  // namespace triagent
