// AuditShipper's loop: ship while behind, wait while caught up, back off after failures.
#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "audit/audit_shipper_state.hpp"

namespace triagent::audit {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t kMaxBackoffMs = 5 * 60 * 1000;

// interval, 2x, 4x ... per failure in a row, capped, and never under what the upstream asked for.
std::int64_t backoff_ms(std::int64_t interval_ms, int failures, const std::optional<std::int64_t>& retry_after_ms) {
  std::int64_t wait = interval_ms;
  for (int i = 1; i < failures && wait < kMaxBackoffMs; ++i) wait *= 2;
  wait = std::min(wait, kMaxBackoffMs);
  return std::max(wait, retry_after_ms.value_or(0));
}

}  // namespace

asio::awaitable<void> AuditShipper::run() {
  State& st = *state_;
  auto executor = co_await asio::this_coro::executor;
  {
    std::lock_guard lock(st.mutex);
    st.strand = std::make_shared<asio::strand<asio::any_io_executor>>(asio::make_strand(executor));
    st.timer = std::make_shared<asio::steady_timer>(*st.strand);
  }
  auto strand = st.strand;
  auto timer = st.timer;
  int failures = 0;
  while (!st.stopping.load()) {
    Result<std::size_t> step = co_await ship_once();
    std::int64_t wait_ms = st.options.config.interval_ms;
    if (!step) {
      ++failures;
      wait_ms = backoff_ms(st.options.config.interval_ms, failures, step.error().retry_after_ms);
    } else {
      failures = 0;
      if (*step > 0 && stats().lag_records > 0) continue;  // behind: next batch right away
    }
    if (st.stopping.load()) break;
    // Armed on the strand after checking `stopping` there: stop() sets the flag and then cancels
    // on the same strand, so its wake-up cannot fall between the check and the wait.
    auto arm = [&st, strand, timer, wait_ms](auto handler) {
      asio::post(*strand, [&st, timer, wait_ms, h = std::move(handler)]() mutable {
        if (st.stopping.load()) {
          auto ex = asio::get_associated_executor(h);
          asio::post(ex, asio::append(std::move(h), boost::system::error_code{}));
          return;
        }
        timer->expires_after(std::chrono::milliseconds(wait_ms));
        timer->async_wait(std::move(h));
      });
    };
    boost::system::error_code ec;  // operation_aborted when stop() cancelled the wait
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(arm, token);
  }
}

void AuditShipper::stop() {
  State& st = *state_;
  st.stopping.store(true);
  std::lock_guard lock(st.mutex);
  if (st.strand && st.timer) {
    auto timer = st.timer;
    asio::post(*st.strand, [timer] { timer->cancel(); });
  }
}

}  // namespace triagent::audit
