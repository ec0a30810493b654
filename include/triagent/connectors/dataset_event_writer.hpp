#pragma once
// DataSetEventWriter: structured ingestion into DataSet through POST /api/addEvents (A.9) for one
// session: a random session id per writer, the same sessionInfo on every request, `ts` strictly
// increasing across the session (nanoseconds as a string; bumped by 1 ns when the clock repeats or
// goes back), request bodies split under add_events.max_batch_bytes, and exactly one request in
// flight: concurrent add() calls wait their turn as suspended coroutines, first come first served.
// `Authorization: Bearer <write_key>`; each request goes through call_upstream (retries, breaker).
//
//   DataSetEventWriter audit(cfg, Upstream{http, &policy, cfg.base_url}, SystemClock::instance(),
//                            DataSetSessionInfo{"triaged-01", "triaged/audit", "triaged-audit"});
//   DataSetEvent e;
//   e.attrs = {{"message", "note posted"}, {"action", "s1.note.post"}};
//   Result<DataSetAddEventsReceipt> r = co_await audit.add({e});
//   if (!r && r.error().retry_after_ms) requeue(*r.error().retry_after_ms);
//
// One add() is all or nothing only when it fits one request: when a later request of a split call
// fails, the earlier ones stay accepted and the error message says how many events were. An event
// that alone does not fit a request fails the whole call (too_large) before anything is sent.
// Parallel senders use separate writers (separate sessions). The writer must outlive its calls.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

struct DataSetEvent {
  std::string thread;  // optional thread id; listed in the request's `threads` (name = id)
  int sev = 3;         // 0..6 = finest, finer, fine, info, warning, error, fatal
  // Flat attributes; `message` makes the event full-text searchable. null counts as {}.
  nlohmann::json attrs = nlohmann::json::object();
  // When set, the event's time instead of the clock's (still bumped to stay strictly increasing).
  std::optional<std::int64_t> ts_ns;
};

// The session's special attributes (sent in sessionInfo).
struct DataSetSessionInfo {
  std::string server_host;
  std::string logfile;
  std::string parser;
};

// config.add_events.{server_host, logfile, parser}.
DataSetSessionInfo default_session_info(const DataSetConfig& config);

struct DataSetAddEventsReceipt {
  std::int64_t events = 0;    // events accepted
  std::int64_t bytes = 0;     // request body bytes of the accepted requests
  std::int64_t requests = 0;
};

struct DataSetWriterStats {
  std::int64_t events_sent = 0;      // accepted by DataSet
  std::int64_t bytes_sent = 0;       // request body bytes of accepted requests
  std::int64_t requests_sent = 0;    // accepted requests
  std::int64_t requests_failed = 0;  // requests that ended in an error (after call_upstream's retries)
  std::int64_t events_rejected = 0;  // events of calls refused before sending (too large, malformed)
  std::int64_t bytes_charged = 0;    // the sum of the answers' bytesCharged
  std::int64_t calls_waiting = 0;    // add() calls waiting for the session's turn right now
};

class DataSetEventWriter {
 public:
  DataSetEventWriter(DataSetConfig config, Upstream upstream, const Clock& clock);
  DataSetEventWriter(DataSetConfig config, Upstream upstream, const Clock& clock, DataSetSessionInfo session);
  ~DataSetEventWriter();
  DataSetEventWriter(const DataSetEventWriter&) = delete;
  DataSetEventWriter& operator=(const DataSetEventWriter&) = delete;

  // Sends `events` in order, in as many requests as the byte cap needs. Errors: invalid_argument for
  // a malformed event or an "error/client..." answer; too_large for an event over the cap;
  // unavailable with retry_after_ms for "error/server..."; unauthenticated without a write key or on
  // 401; others as call_upstream returns them.
  boost::asio::awaitable<Result<DataSetAddEventsReceipt>> add(std::vector<DataSetEvent> events);

  const std::string& session_id() const;
  const DataSetSessionInfo& session_info() const;
  DataSetWriterStats stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace triagent
