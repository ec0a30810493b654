#pragma once
// AuditShipper: sends the audit chain (<dir>/audit.jsonl) to an AuditSink in seq order, batch by
// batch, and remembers the last seq the sink acknowledged in <dir>/ship-<name>.cursor, so a
// restart resumes right after it: no gaps, and no duplicates except after a crash between the
// sink's acknowledgement and the cursor write (then that one batch is offered again).
//
//   audit::AuditShipper::Options o;
//   o.dir = cfg.data_dir + "/audit";
//   o.config = cfg.audit.ship;
//   o.durable_seq = [log = audit_log.get()] { return log->durable_seq(); };
//   o.run_blocking = blocking_runner;                 // file reads and the cursor's fsync
//   auto shipper = std::make_unique<audit::AuditShipper>(o, *dataset_sink);
//   asio::co_spawn(ioc, shipper->run(), asio::detached);
//   ... shipper->stop();                              // at shutdown, from any thread
//   AuditShipperStats s = shipper->stats();           // shipped, failed, lag for /metrics
//
// run() polls every interval_ms while caught up, sends back to back while behind, and after a
// failure waits (interval doubling per failure, at most 5 minutes, at least the error's
// retry_after_ms) and offers the same records again: it never skips one. Records above
// durable_seq() (written but not yet synced) are not shipped. A cursor that no longer matches the
// file (the chain was moved aside and a new one started) stops shipping with an error naming the
// cursor file to move aside; nothing is skipped or sent twice on a guess.
// ship_once() and run() must not run at the same time (one shipper per sink and cursor).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "triagent/audit/audit_shipping_config.hpp"
#include "triagent/audit/audit_sink.hpp"
#include "triagent/core/result.hpp"

namespace triagent::audit {

struct AuditShipperStats {
  std::int64_t shipped_records = 0;   // acknowledged by the sink since start
  std::int64_t shipped_batches = 0;
  std::int64_t failed_batches = 0;    // sends (or cursor and file problems) that failed
  std::int64_t shipped_seq = 0;       // the last seq acknowledged (the cursor)
  std::int64_t lag_records = 0;       // durable records not yet shipped (as of the last look)
  std::string last_error;             // empty after a success
};

class AuditShipper {
 public:
  using BlockingRunner = std::function<boost::asio::awaitable<void>(std::function<void()>)>;

  struct Options {
    std::string dir;              // the audit directory (AuditLogOptions::dir)
    std::string name = "dataset"; // names the cursor file: ship-<name>.cursor
    AuditShippingConfig config;
    // The highest seq that is durable (AuditLog::durable_seq); empty: every complete line.
    std::function<std::int64_t()> durable_seq;
    // Runs file reads and the cursor's write + fsync off the reactor; empty: inline.
    BlockingRunner run_blocking;
  };

  AuditShipper(Options options, AuditSink& sink);
  ~AuditShipper();
  AuditShipper(const AuditShipper&) = delete;
  AuditShipper& operator=(const AuditShipper&) = delete;

  // One step: reads the next batch after the cursor, sends it, and on acknowledgement writes the
  // cursor. Returns the number of records shipped (0: nothing new), or the error: nothing advanced,
  // except when only the cursor write failed (the records count as shipped in this process and the
  // next success writes the cursor; a restart before that sends them again).
  boost::asio::awaitable<Result<std::size_t>> ship_once();

  // ship_once() in a loop until stop(); returns after the step in progress ends.
  boost::asio::awaitable<void> run();
  // Thread-safe; run() notices at its next wait (an ongoing send is not interrupted).
  void stop();

  AuditShipperStats stats() const;
  std::string cursor_path() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace triagent::audit
