#pragma once
// ContextFetcher: stage 3 of the pipeline. Runs a ContextPlan's queries concurrently, each through
// its connector (and so behind that upstream's rate limit, concurrency limit, retries and breaker),
// and gathers what came back as ContextEvents. A failed query never fails the fetch: it is
// recorded, the job goes on with the rest, and the result says it is degraded (for the note).
//
//   ContextFetcher fetcher({.dataset = &dataset, .deep_visibility = &dv, .threats = &threats});
//   ContextResult context = co_await fetcher.fetch(plan, deadline_after(std::chrono::milliseconds(cfg.deadline_ms)));
//   if (context.retry_after_ms) co_return JobOutcome::retry("context unavailable", *context.retry_after_ms);
//   if (context.degraded) note.add(context.degraded_note());   // "Context is incomplete: ..."
//   for (const auto& q : context.queries) audit(q.template_name, to_string(q.status), q.duration_ms);
//
// Rules:
//  - a source whose connector is absent (nullptr: disabled in config) is `skipped`, error "not
//    configured"; skipped queries do not make the result degraded (the operator chose that);
//  - every query races the deadline: one still running then is cancelled and `failed` (timeout);
//  - `degraded` is true when at least one query failed;
//  - requeue: `retry_after_ms` is set only when every query that ran failed and every one of those
//    failures asked to be retried later (Error::retry_after_ms: an upstream's backoff, a 429 beyond
//    the inline wait, an open breaker). It is the longest of those delays. One answered source, or
//    one failure that waiting will not cure, and the job goes on degraded instead;
//  - events are capped at the query's max_results (`truncated` says so, as it does when the
//    upstream itself had more: omittedEvents, a continuation token, DV pages left).
// Queries run as coroutines on the caller's executor (multi-threaded or not); the fetcher holds
// no state between calls, and one fetcher serves any number of jobs at once.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/http_types.hpp"
#include "triagent/pipeline/context_event.hpp"
#include "triagent/pipeline/context_plan.hpp"

namespace triagent {

// Any may be null: that source is not configured.
struct ContextConnectors {
  DataSetClient* dataset = nullptr;           // dataset_powerquery, dataset_query
  DeepVisibility* deep_visibility = nullptr;  // deep_visibility, storyline
  SingularityThreats* threats = nullptr;      // threat_notes
};

enum class ContextQueryStatus { ok, failed, skipped };
const char* to_string(ContextQueryStatus status);

struct ContextQueryResult {
  std::string template_name;
  ContextSource source = ContextSource::dataset_query;
  std::string query;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  ContextQueryStatus status = ContextQueryStatus::skipped;
  std::string error;                           // failed / skipped: why (an Error message, never a secret)
  std::optional<ErrorCode> error_code;         // failed: the connector's code
  std::optional<std::int64_t> retry_after_ms;  // failed: the upstream asked to come back later
  std::int64_t duration_ms = 0;
  std::vector<ContextEvent> events;
  bool truncated = false;
};

struct ContextResult {
  std::vector<ContextQueryResult> queries;   // in plan order
  std::vector<SkippedTemplate> not_planned;  // the plan's skipped templates, carried for the audit
  bool degraded = false;
  std::vector<std::string> degraded_reasons;  // one line per failed query
  std::optional<std::int64_t> retry_after_ms;

  std::size_t event_count() const;
  // "" when not degraded; else one sentence for the note: "Context is incomplete: dv_agent_events
  // (deep_visibility) failed: timeout ...; ...".
  std::string degraded_note() const;
  // Every event of the ok queries, in plan order.
  std::vector<ContextEvent> all_events() const;
  // The same events moved out (the queries keep their counts in the audit already written): each
  // event holds its source's raw JSON object, and copying then destroying those DOMs twice cost
  // ~10% of the daemon's CPU in pipeline_bench. Call once, when the result is no longer read.
  std::vector<ContextEvent> take_events();
};

// The result without events' raw objects (for the audit record and the job's stage record).
nlohmann::json summary_json(const ContextResult& result);

class ContextFetcher {
 public:
  explicit ContextFetcher(ContextConnectors connectors) : connectors_(connectors) {}

  boost::asio::awaitable<ContextResult> fetch(ContextPlan plan, Deadline deadline,
                                              std::optional<TraceContext> trace = std::nullopt) const;

 private:
  ContextConnectors connectors_;
};

}  // namespace triagent
