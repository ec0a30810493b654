#include "triagent/connectors/dataset_event_writer.hpp"

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <limits>
#include <mutex>

#include "connectors/dataset_add_events_body.hpp"
#include "connectors/dataset_http.hpp"
#include "connectors/dataset_json.hpp"
#include "connectors/dataset_session_turn.hpp"
#include "triagent/core/ids.hpp"

namespace triagent {

namespace asio = boost::asio;

namespace {

const char* const kWhat = "dataset addEvents";

// 8-4-4-4-12 lower-case hex with the version-4 and RFC 4122 variant bits, like the agents' sessions.
std::string new_session_id() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

nlohmann::json session_info_json(const DataSetSessionInfo& s) {
  return {{"serverHost", s.server_host}, {"logfile", s.logfile}, {"parser", s.parser}};
}

std::int64_t clock_ns(const Clock& clock) {
  std::int64_t ms = clock.now_ms();
  constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 1'000'000;
  return std::clamp<std::int64_t>(ms, 0, kMaxMs) * 1'000'000;
}

Error with_progress(Error e, std::int64_t accepted, std::size_t total) {
  if (accepted > 0) {
    e.message += "; " + std::to_string(accepted) + " of " + std::to_string(total) + " events were accepted before";
  }
  return e;
}

}  // namespace

struct DataSetEventWriter::State {
  State(DataSetConfig c, Upstream u, const Clock& k, DataSetSessionInfo s)
      : config(std::move(c)),
        upstream(std::move(u)),
        clock(k),
        session_id(new_session_id()),
        session_info(std::move(s)),
        bodies(session_id, session_info_json(session_info), static_cast<std::size_t>(config.add_events.max_batch_bytes)) {}

  const DataSetConfig config;
  const Upstream upstream;
  const Clock& clock;
  const std::string session_id;
  const DataSetSessionInfo session_info;
  const dataset::AddEventsBodies bodies;

  dataset::SessionTurn turn;
  // Touched only by the turn's holder; the turn's hand-over orders the accesses.
  std::int64_t last_ts = 0;

  mutable std::mutex stats_mutex;
  DataSetWriterStats stats;

  // Strictly increasing within the session, whatever the clock does.
  std::int64_t next_ts(const std::optional<std::int64_t>& wanted) {
    std::int64_t ts = wanted.value_or(clock_ns(clock));
    ts = std::max(ts, last_ts + 1);
    last_ts = ts;
    return ts;
  }

  asio::awaitable<Result<DataSetAddEventsReceipt>> send_all(std::vector<dataset::PendingEvent> pending);
};

DataSetSessionInfo default_session_info(const DataSetConfig& config) {
  return {config.add_events.server_host, config.add_events.logfile, config.add_events.parser};
}

DataSetEventWriter::DataSetEventWriter(DataSetConfig config, Upstream upstream, const Clock& clock)
    : DataSetEventWriter(config, std::move(upstream), clock, default_session_info(config)) {}

DataSetEventWriter::DataSetEventWriter(DataSetConfig config, Upstream upstream, const Clock& clock,
                                       DataSetSessionInfo session)
    : state_(std::make_unique<State>(std::move(config), std::move(upstream), clock, std::move(session))) {}

DataSetEventWriter::~DataSetEventWriter() = default;

const std::string& DataSetEventWriter::session_id() const { return state_->session_id; }
const DataSetSessionInfo& DataSetEventWriter::session_info() const { return state_->session_info; }

DataSetWriterStats DataSetEventWriter::stats() const {
  std::lock_guard lock(state_->stats_mutex);
  DataSetWriterStats s = state_->stats;
  s.calls_waiting = static_cast<std::int64_t>(state_->turn.waiting());
  return s;
}

asio::awaitable<Result<DataSetAddEventsReceipt>> DataSetEventWriter::add(std::vector<DataSetEvent> events) {
  State& st = *state_;
  if (st.config.write_key.empty()) co_return dataset::missing_key(kWhat, "write_key");
  if (events.empty()) co_return DataSetAddEventsReceipt{};

  // Refused calls do not wait for the turn: every event is checked before anything is sent.
  std::vector<dataset::PendingEvent> pending;
  pending.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    Result<dataset::PendingEvent> p = dataset::encode_event(events[i]);
    std::optional<Error> refusal;
    if (!p) {
      refusal = Error{ErrorCode::invalid_argument, std::string(kWhat) + ": event " + std::to_string(i) + ": " +
                                                       p.error().message + "; nothing was sent"};
    } else if (std::size_t need = st.bodies.alone_bytes(*p); need > st.bodies.max_bytes()) {
      refusal = Error{ErrorCode::too_large,
                      std::string(kWhat) + ": event " + std::to_string(i) + " needs " + std::to_string(need) +
                          " bytes, over the " + std::to_string(st.bodies.max_bytes()) +
                          "-byte request cap (connectors.dataset.add_events.max_batch_bytes); nothing was sent"};
    }
    if (refusal) {
      {
        std::lock_guard lock(st.stats_mutex);
        st.stats.events_rejected += static_cast<std::int64_t>(events.size());
      }
      co_return *refusal;
    }
    pending.push_back(std::move(*p));
  }
  try {
    co_return co_await st.send_all(std::move(pending));
  } catch (const boost::system::system_error& e) {
    // Asio throws operation_aborted into a coroutine whose cancellation state was set.
    if (e.code() != asio::error::operation_aborted) throw;
  }
  co_return Error{ErrorCode::cancelled, std::string(kWhat) + ": cancelled"};
}

asio::awaitable<Result<DataSetAddEventsReceipt>> DataSetEventWriter::State::send_all(
    std::vector<dataset::PendingEvent> pending) {
  std::optional<dataset::SessionTurn::Hold> hold = co_await turn.acquire();
  if (!hold) co_return Error{ErrorCode::cancelled, std::string(kWhat) + ": cancelled while waiting for the session"};

  // Stamped only now, while holding the turn, so the session's ts order is the send order.
  std::vector<dataset::StampedEvent> stamped;
  stamped.reserve(pending.size());
  for (const dataset::PendingEvent& p : pending) stamped.push_back({dataset::with_ts(p, next_ts(p.ts_ns)), p.thread});

  DataSetAddEventsReceipt receipt;
  for (dataset::AddEventsBody& b : bodies.split(stamped)) {
    std::int64_t size = static_cast<std::int64_t>(b.body.size());
    Result<HttpResponse> r = co_await dataset::send(upstream, config.write_key, "", "POST", upstream.url("/api/addEvents"),
                                                    std::move(b.body), config.add_events.request_timeout_ms);
    Result<nlohmann::json> answer =
        r ? dataset::read_v1_answer(*r, kWhat, config.write_key, config.server_error_retry_ms) : Result<nlohmann::json>(r.error());
    if (!answer) {
      {
        std::lock_guard lock(stats_mutex);
        ++stats.requests_failed;
      }
      co_return with_progress(answer.error(), receipt.events, pending.size());
    }
    std::int64_t charged = dataset::integer(dataset::member(*answer, "bytesCharged")).value_or(0);
    {
      std::lock_guard lock(stats_mutex);
      stats.events_sent += static_cast<std::int64_t>(b.events);
      stats.bytes_sent += size;
      stats.requests_sent += 1;
      stats.bytes_charged += std::max<std::int64_t>(charged, 0);
    }
    receipt.events += static_cast<std::int64_t>(b.events);
    receipt.bytes += size;
    receipt.requests += 1;
  }
  co_return receipt;
}

}  // namespace triagent
