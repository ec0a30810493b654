#include "pipeline/context_fetch_sources.hpp"

#include <chrono>

#include "triagent/core/clock.hpp"
#include "triagent/pipeline/evidence_normalize.hpp"

namespace triagent::context_detail {

namespace {

void record_failure(ContextQueryResult& r, const Error& error) {
  r.status = ContextQueryStatus::failed;
  r.error = error.message;
  r.error_code = error.code;
  r.retry_after_ms = error.retry_after_ms;
}

void record_events(ContextQueryResult& r, std::vector<ContextEvent> events, bool upstream_had_more, int max_results) {
  r.status = ContextQueryStatus::ok;
  const auto cap = static_cast<std::size_t>(max_results > 0 ? max_results : 0);
  r.truncated = upstream_had_more || events.size() > cap;
  if (events.size() > cap) events.resize(cap);
  r.events = std::move(events);
}

DataSetTimeRange window_of(const PlannedQuery& q) {
  DataSetTimeRange range;
  range.start = format_rfc3339_ms(q.from_ms);
  range.end = format_rfc3339_ms(q.to_ms);
  return range;
}

boost::asio::awaitable<void> run_powerquery(DataSetClient& dataset, const PlannedQuery& q, ContextQueryResult& r) {
  DataSetPowerQuery request;
  request.query = q.query;
  request.range = window_of(q);
  Result<DataSetTable> table = co_await dataset.power_query(std::move(request));
  if (!table) {
    record_failure(r, table.error());
    co_return;
  }
  const bool more = table->truncated || table->partial || table->omitted_events > 0;
  record_events(r, context_events_from_dataset_table(*table, q.template_name), more, q.max_results);
}

boost::asio::awaitable<void> run_log_query(DataSetClient& dataset, const PlannedQuery& q, ContextQueryResult& r) {
  DataSetLogQuery request;
  request.filter = q.query;
  request.range = window_of(q);
  request.max_count = q.max_results;
  Result<DataSetLogResult> logs = co_await dataset.query(std::move(request));
  if (!logs) {
    record_failure(r, logs.error());
    co_return;
  }
  std::vector<ContextEvent> events;
  events.reserve(logs->events.size());
  for (auto& e : logs->events) events.push_back(context_event_from_dataset_log(std::move(e), q.template_name));
  record_events(r, std::move(events), !logs->continuation_token.empty(), q.max_results);
}

boost::asio::awaitable<void> run_dv_query(DeepVisibility& dv, const PlannedQuery& q, CallOptions options,
                                          ContextQueryResult& r) {
  DvQuery request;
  request.query = q.query;
  request.from_ms = q.from_ms;
  request.to_ms = q.to_ms;
  Result<DvResult> result = co_await dv.run_query(std::move(request), std::move(options));
  if (!result) {
    record_failure(r, result.error());
    co_return;
  }
  std::vector<ContextEvent> events;
  events.reserve(result->events.size());
  for (auto& e : result->events) {
    events.push_back(context_event_from_dv(std::move(e), q.template_name));
    // The storyline's own events are reported under their source so the note can tell them apart.
    if (q.source == ContextSource::storyline) events.back().source = "storyline";
  }
  record_events(r, std::move(events), result->truncated, q.max_results);
}

boost::asio::awaitable<void> run_notes(SingularityThreats& threats, const PlannedQuery& q, CallOptions options,
                                       ContextQueryResult& r) {
  Result<std::vector<ThreatNote>> notes = co_await threats.list_notes(q.query, std::move(options));
  if (!notes) {
    record_failure(r, notes.error());
    co_return;
  }
  std::vector<ContextEvent> events;
  events.reserve(notes->size());
  for (const auto& note : *notes) {
    events.push_back(context_event_from_threat_note(note));
    events.back().query_name = q.template_name;
  }
  record_events(r, std::move(events), false, q.max_results);
}

// The connector a source needs, by name, for the "not configured" message.
const char* missing_connector(const ContextConnectors& c, ContextSource source) {
  switch (source) {
    case ContextSource::dataset_powerquery:
    case ContextSource::dataset_query: return c.dataset == nullptr ? "dataset" : nullptr;
    case ContextSource::deep_visibility:
    case ContextSource::storyline: return c.deep_visibility == nullptr ? "deep visibility" : nullptr;
    case ContextSource::threat_notes: return c.threats == nullptr ? "singularity threats" : nullptr;
  }
  return "unknown";
}

}  // namespace

ContextQueryResult blank_result(const PlannedQuery& query) {
  ContextQueryResult r;
  r.template_name = query.template_name;
  r.source = query.source;
  r.query = query.query;
  r.from_ms = query.from_ms;
  r.to_ms = query.to_ms;
  return r;
}

boost::asio::awaitable<ContextQueryResult> run_context_query(ContextConnectors connectors, PlannedQuery query,
                                                             CallOptions options) {
  ContextQueryResult r = blank_result(query);
  if (const char* missing = missing_connector(connectors, query.source)) {
    r.status = ContextQueryStatus::skipped;
    r.error = std::string("not configured: the ") + missing + " connector is disabled";
    co_return r;
  }
  const auto started = std::chrono::steady_clock::now();
  switch (query.source) {
    case ContextSource::dataset_powerquery: co_await run_powerquery(*connectors.dataset, query, r); break;
    case ContextSource::dataset_query: co_await run_log_query(*connectors.dataset, query, r); break;
    case ContextSource::deep_visibility:
    case ContextSource::storyline:
      co_await run_dv_query(*connectors.deep_visibility, query, std::move(options), r);
      break;
    case ContextSource::threat_notes: co_await run_notes(*connectors.threats, query, std::move(options), r); break;
  }
  r.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  co_return r;
}

}  // namespace triagent::context_detail
