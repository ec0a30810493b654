// AuditShipper's one step: cursor, read, send, cursor again.
#include <algorithm>
#include <limits>

#include "audit/audit_shipper_state.hpp"
#include "audit/ship_cursor.hpp"
#include "triagent/audit/audit_reader.hpp"

namespace triagent::audit {

namespace asio = boost::asio;

AuditShipper::State::State(Options o, AuditSink& s)
    : options(std::move(o)), sink(s), cursor_path(options.dir + "/ship-" + options.name + ".cursor") {}

Result<void> AuditShipper::State::load_cursor() {
  auto cursor = load_ship_cursor(cursor_path);
  if (!cursor) return cursor.error();
  if (!*cursor) return {};
  const ShipCursor& c = **cursor;
  // The cursor must name a record of this chain; otherwise resuming from its seq would skip or
  // repeat records of a different chain.
  auto at = read_records(options.dir, c.seq, 1);
  if (!at && at.error().code != ErrorCode::not_found) return at.error();
  const bool matches = at && !at->empty() && at->front().seq == c.seq && at->front().hash == c.hash;
  if (!matches) {
    return make_error(ErrorCode::conflict, cursor_path + " says seq " + std::to_string(c.seq) +
                                               " was shipped, but the audit file does not hold that record: the chain "
                                               "was replaced; move the cursor aside to ship the new chain from seq 1");
  }
  shipped_seq = c.seq;
  shipped_hash = c.hash;
  highest_seen = std::max(highest_seen, c.seq);
  return {};
}

Error AuditShipper::State::failed(Error error) {
  std::lock_guard lock(mutex);
  ++stats.failed_batches;
  stats.last_error = error.message;
  return error;
}

void AuditShipper::State::set_lag(std::int64_t lag) {
  std::lock_guard lock(mutex);
  stats.lag_records = std::max<std::int64_t>(lag, 0);
  stats.shipped_seq = shipped_seq;
}

AuditShipper::AuditShipper(Options options, AuditSink& sink)
    : state_(std::make_unique<State>(std::move(options), sink)) {}

AuditShipper::~AuditShipper() = default;

std::string AuditShipper::cursor_path() const { return state_->cursor_path; }

AuditShipperStats AuditShipper::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

asio::awaitable<Result<std::size_t>> AuditShipper::ship_once() {
  State& st = *state_;
  if (!st.cursor_loaded) {
    auto load = [&st] { return st.load_cursor(); };  // named: GCC 12 mishandles lambda temporaries in co_await
    Result<void> loaded = co_await st.blocking(load);
    if (!loaded) co_return st.failed(loaded.error());
    st.cursor_loaded = true;
    st.set_lag(st.highest_seen - st.shipped_seq);
  }

  const std::int64_t limit = st.options.durable_seq ? st.options.durable_seq() : std::numeric_limits<std::int64_t>::max();
  if (limit <= st.shipped_seq) {
    st.set_lag(0);
    co_return std::size_t{0};
  }
  const std::int64_t want = std::min<std::int64_t>(st.options.config.batch_size, limit - st.shipped_seq);
  const std::int64_t from = st.shipped_seq + 1;
  auto read = [&st, from, want] { return read_records(st.options.dir, from, static_cast<std::size_t>(want)); };
  auto page = co_await st.blocking(read);
  if (!page && page.error().code == ErrorCode::not_found) {
    st.set_lag(0);  // no audit file yet: nothing written, nothing behind
    co_return std::size_t{0};
  }
  if (!page) co_return st.failed(page.error());
  for (std::size_t i = 0; i < page->size(); ++i) {
    if ((*page)[i].seq != from + static_cast<std::int64_t>(i)) {
      co_return st.failed(make_error(ErrorCode::unavailable,
                                     "audit file: expected seq " + std::to_string(from + static_cast<std::int64_t>(i)) +
                                         " next, found " + std::to_string((*page)[i].seq) + "; run `triagent audit verify`"));
    }
  }
  if (!page->empty()) st.highest_seen = std::max(st.highest_seen, page->back().seq);
  const std::int64_t known = st.options.durable_seq ? limit : st.highest_seen;
  if (page->empty()) {
    st.set_lag(known - st.shipped_seq);
    co_return std::size_t{0};
  }

  // The byte cap is measured on the records' own lines; the sink keeps its exact request cap.
  std::vector<AuditRecord> batch;
  std::int64_t bytes = 0;
  for (AuditRecord& r : *page) {
    const auto size = static_cast<std::int64_t>(record_line(r).size());
    if (!batch.empty() && bytes + size > st.options.config.max_batch_bytes) break;
    bytes += size;
    batch.push_back(std::move(r));
  }

  Result<std::size_t> sent = co_await st.sink.send(batch);
  if (!sent) {
    st.set_lag(known - st.shipped_seq);
    co_return st.failed(sent.error());
  }
  const std::size_t n = std::clamp<std::size_t>(*sent, 1, batch.size());
  st.shipped_seq = batch[n - 1].seq;
  st.shipped_hash = batch[n - 1].hash;
  {
    std::lock_guard lock(st.mutex);
    st.stats.shipped_records += static_cast<std::int64_t>(n);
    st.stats.shipped_batches += 1;
  }
  st.set_lag(known - st.shipped_seq);

  // Acknowledged records stay shipped even if the cursor cannot be written: this process goes on
  // from memory and the next success writes the cursor; only a restart before then re-sends them.
  const ShipCursor cursor{st.shipped_seq, st.shipped_hash};
  auto store = [&st, &cursor] { return store_ship_cursor(st.cursor_path, cursor); };
  Result<void> stored = co_await st.blocking(store);
  if (!stored) co_return st.failed(stored.error());
  {
    std::lock_guard lock(st.mutex);
    st.stats.last_error.clear();
  }
  co_return n;
}

}  // namespace triagent::audit
