#pragma once
// AuditShipper's state, shared by the one-step code (audit_shipper.cpp) and the loop
// (audit_shipper_loop.cpp). Not a public interface.

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <mutex>
#include <optional>

#include "triagent/audit/audit_shipper.hpp"

namespace triagent::audit {

struct AuditShipper::State {
  State(Options o, AuditSink& s);

  const Options options;
  AuditSink& sink;
  const std::string cursor_path;

  // Touched only by the one ship_once() in progress.
  bool cursor_loaded = false;
  std::int64_t shipped_seq = 0;
  std::string shipped_hash;
  std::int64_t highest_seen = 0;  // the highest seq read from the file so far

  mutable std::mutex mutex;
  AuditShipperStats stats;

  // The loop's wait: every timer operation runs on `strand`, so stop() from another thread is safe.
  std::atomic<bool> stopping{false};
  std::shared_ptr<boost::asio::strand<boost::asio::any_io_executor>> strand;
  std::shared_ptr<boost::asio::steady_timer> timer;

  // Runs `fn` through options.run_blocking (or inline) and returns its result.
  template <class F>
  auto blocking(F fn) -> boost::asio::awaitable<decltype(fn())> {
    std::optional<decltype(fn())> out;
    std::function<void()> work = [&out, &fn] { out.emplace(fn()); };
    if (options.run_blocking) {
      co_await options.run_blocking(work);
    } else {
      work();
    }
    co_return std::move(*out);
  }

  Result<void> load_cursor();
  Error failed(Error error);
  void set_lag(std::int64_t lag);
};

}  // namespace triagent::audit
