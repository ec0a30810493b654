#include "triagent/connectors/dataset_audit_sink.hpp"

#include <algorithm>
#include <boost/system/system_error.hpp>
#include <limits>

#include "connectors/dataset_add_events_body.hpp"
#include "connectors/dataset_http.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

const char* const kWhat = "dataset addEvents (audit)";
constexpr int kMaxFlattenDepth = 4;

void flatten(const json& value, const std::string& key, int depth, json& out) {
  if (value.is_object() && !value.empty() && depth < kMaxFlattenDepth) {
    for (const auto& [k, v] : value.items()) flatten(v, key + "." + k, depth + 1, out);
  } else if (value.is_object() || value.is_array()) {
    out[key] = value.dump(-1, ' ', false, json::error_handler_t::replace);
  } else {
    out[key] = value;
  }
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex16(std::uint64_t v) {
  static const char* const digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = digits[v & 0xF];
  return out;
}

// The record's time in ns; DataSet needs a number even for a record whose time is unreadable.
std::int64_t record_ns(const audit::AuditRecord& r) {
  const std::int64_t ms = parse_rfc3339_ms(r.time);
  constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 1'000'000;
  return ms < 0 ? 0 : std::min(ms, kMaxMs) * 1'000'000;
}

}  // namespace

json audit_event_attrs(const audit::AuditRecord& record, bool with_data) {
  std::string message = "audit " + record.kind + " seq " + std::to_string(record.seq);
  if (!record.job_id.empty()) message += " job " + record.job_id;
  json attrs = {{"message", message},   {"seq", record.seq},   {"time", record.time},
                {"kind", record.kind},  {"job_id", record.job_id}, {"trace_id", record.trace_id},
                {"hash", record.hash},  {"prev", record.prev}};
  if (!record.data.is_object()) return attrs;
  if (!with_data) {
    attrs["data_omitted"] = true;
    attrs["data_bytes"] = record.data.dump(-1, ' ', false, json::error_handler_t::replace).size();
    return attrs;
  }
  for (const auto& [k, v] : record.data.items()) flatten(v, "data." + k, 1, attrs);
  return attrs;
}

DataSetAuditSink::DataSetAuditSink(DataSetConfig config, Upstream upstream, const audit::AuditShippingConfig& ship)
    : config_(std::move(config)),
      upstream_(std::move(upstream)),
      server_host_(config_.add_events.server_host),
      logfile_(ship.logfile),
      parser_(ship.parser),
      max_bytes_(std::min(ship.max_batch_bytes, config_.add_events.max_batch_bytes)) {}

std::string DataSetAuditSink::session_for(const audit::AuditRecord& first, int attempt) const {
  const std::string seed =
      first.hash + '\n' + server_host_ + '\n' + logfile_ + '\n' + parser_ + '\n' + std::to_string(attempt);
  std::string h = first.hash.substr(0, 16);
  h.resize(16, '0');
  h += hex16(fnv1a64(seed));
  // Shaped like the agents' random (version 4) session ids.
  h[12] = '4';
  h[16] = "89ab"[static_cast<unsigned char>(h[16]) % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

asio::awaitable<Result<std::size_t>> DataSetAuditSink::send(const std::vector<audit::AuditRecord>& batch) {
  if (config_.write_key.empty()) co_return dataset::missing_key(kWhat, "write_key");
  if (batch.empty()) co_return make_error(ErrorCode::invalid_argument, std::string(kWhat) + ": empty batch");

  const std::int64_t first_seq = batch.front().seq;
  const int attempt = refused_first_seq_ == first_seq ? refused_attempts_ : 0;
  const json session_info = {{"serverHost", server_host_}, {"logfile", logfile_}, {"parser", parser_}};
  const dataset::AddEventsBodies bodies(session_for(batch.front(), attempt), session_info,
                                        static_cast<std::size_t>(max_bytes_));

  std::vector<dataset::StampedEvent> stamped;
  stamped.reserve(batch.size());
  std::int64_t last_ts = -1;
  for (const audit::AuditRecord& record : batch) {
    DataSetEvent event;
    event.attrs = audit_event_attrs(record);
    Result<dataset::PendingEvent> pending = dataset::encode_event(event);
    if (pending && bodies.alone_bytes(*pending) > bodies.max_bytes()) {
      event.attrs = audit_event_attrs(record, /*with_data=*/false);
      pending = dataset::encode_event(event);
    }
    if (!pending) co_return make_error(ErrorCode::internal, std::string(kWhat) + ": " + pending.error().message);
    last_ts = std::max(record_ns(record), last_ts + 1);
    stamped.push_back({dataset::with_ts(*pending, last_ts), ""});
  }
  std::vector<dataset::AddEventsBody> parts = bodies.split(stamped);
  const std::size_t taken = parts.front().events;

  Result<json> answer = make_error(ErrorCode::cancelled, std::string(kWhat) + ": cancelled");
  try {
    Result<HttpResponse> r = co_await dataset::send(upstream_, config_.write_key, "", "POST", upstream_.url("/api/addEvents"),
                                                    std::move(parts.front().body), config_.add_events.request_timeout_ms);
    answer = r ? dataset::read_v1_answer(*r, kWhat, config_.write_key, config_.server_error_retry_ms) : Result<json>(r.error());
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
  }
  if (!answer) {
    if (answer.error().code == ErrorCode::invalid_argument) {
      refused_attempts_ = refused_first_seq_ == first_seq ? refused_attempts_ + 1 : 1;
      refused_first_seq_ = first_seq;
    }
    co_return answer.error();
  }
  refused_first_seq_ = 0;
  refused_attempts_ = 0;
  co_return taken;
}

}  // namespace triagent
