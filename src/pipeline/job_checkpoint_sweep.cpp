#include "triagent/pipeline/job_checkpoint_sweep.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "triagent/observability/log.hpp"

namespace triagent {

namespace asio = boost::asio;

asio::awaitable<void> sweep_job_checkpoints(JobCheckpointStore* store, JobCheckpointSweepConfig config,
                                            asio::steady_timer* timer, const std::atomic<bool>* stopped,
                                            std::function<asio::awaitable<void>(std::function<void()>)> run_blocking,
                                            const Clock* clock) {
  while (!stopped->load()) {
    const std::int64_t cutoff = clock->now_ms() - config.retention.count();
    Result<std::int64_t> pruned = std::int64_t{0};
    // Named, not a temporary inside co_await (GCC 12 miscompiles capturing temporaries there).
    std::function<void()> prune = [&pruned, store, cutoff] { pruned = store->prune_created_before(cutoff); };
    co_await run_blocking(std::move(prune));
    if (!pruned) {
      log::warn("pipeline", "checkpoint retention sweep failed", {}, {{"error", pruned.error().message}});
    } else if (*pruned > 0) {
      log::info("pipeline", "old job checkpoints deleted", {}, {{"deleted", *pruned}});
    }
    timer->expires_after(config.interval);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace triagent
