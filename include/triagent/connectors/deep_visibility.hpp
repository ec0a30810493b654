#pragma once
// DeepVisibility: SentinelOne Deep Visibility event queries over the Management API v2.1 (apis.md
// B.8): init-query, then query-status polled until FINISHED (paced by the 1 call/s/token status
// limit, sleeping on an Asio timer of the calling coroutine's executor), then the events, page by
// page, up to a maximum. A query abandoned on our side (polls used up, deadline, a failed call) is
// cancelled on the console with cancel-query.
//
//   DeepVisibility dv(cfg, Upstream{&client, &policy, cfg.base_url});     // one per API token
//   DvQuery q;
//   q.query = "AgentName = \"EC2AMAZ-AJ0KANC\" AND EventType = \"Process Creation\"";
//   q.from_ms = t - 3'600'000;
//   q.to_ms = t;
//   Result<DvResult> r = co_await dv.run_query(q, {.deadline = deadline_after(60s)});
//   if (!r) co_return r.error();       // timeout, invalid_argument (FAILED_CLIENT), unavailable (FAILED) ...
//   for (const DvEvent& e : r->events) use(e.event_type, e.process_cmd);
//
// The DV API carries a 2027-02-15 sunset notice; this stays behind the pipeline's context-fetcher
// interface. No threads; config, client and policy outlive the object. Thread-safe.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/result.hpp"
#include "triagent/resilience/token_bucket.hpp"

namespace triagent {

struct DvQuery {
  std::string query;                     // S1QL 1.0 (init-query accepts nothing else)
  std::int64_t from_ms = 0;              // fromDate, sent as ISO-8601 UTC
  std::int64_t to_ms = 0;                // toDate
  std::vector<std::string> query_types;  // queryType; empty: not sent
};

// A Deep Visibility event (flattened camelCase fields, samples/s1_dv_events_response_page1.json);
// "" when absent. `raw` is the whole object.
struct DvEvent {
  std::string id;
  std::string event_type;  // "Process Creation", "Task Update", ...
  std::string event_time;
  std::string created_at;
  std::string agent_id;
  std::string agent_uuid;
  std::string agent_name;  // agentName, else endpointName
  std::string agent_ip;
  std::string agent_os;
  std::string site_id;
  std::string account_id;
  std::string process_name;
  std::string process_cmd;
  std::string process_image_path;
  std::string process_sha1;
  std::string pid;
  std::string parent_pid;
  std::string parent_process_name;
  std::string process_unique_key;
  std::string storyline;
  std::string true_context;
  std::string user;
  std::string src_ip;
  std::string dst_ip;
  std::string dst_port;
  std::string dns_request;
  std::string file_full_name;
  std::string file_sha256;
  bool related_to_threat = false;
  nlohmann::json raw;
};

// data of GET /dv/query-status.
struct DvStatus {
  std::string state;                     // responseState: RUNNING, FINISHED, FAILED, ...
  std::optional<std::int64_t> progress;  // progressStatus, 0..100
  std::string error;                     // responseError, when the console gave one
};

// How a responseState reads (apis.md B.8): still going, done, or an end that is an error.
enum class DvStateKind { running, finished, empty, failed, client_failed, cancelled, expired, timed_out };
// Unknown states read as running (the poll budget still bounds them).
DvStateKind classify_dv_state(std::string_view state);

struct DvResult {
  std::string query_id;
  std::string state;  // FINISHED or EMPTY_RESULTS
  std::vector<DvEvent> events;
  bool truncated = false;                   // max_events reached while more pages remained
  std::optional<std::int64_t> total_items;  // pagination.totalItems of the first page
  int polls = 0;                            // query-status calls made
};

// One element of a DV events `data` list; invalid_argument when it is not an object.
Result<DvEvent> parse_dv_event(const nlohmann::json& object);
// The same, keeping `object` itself as the event's raw instead of a copy of it.
Result<DvEvent> parse_dv_event(nlohmann::json&& object);

class DeepVisibility {
 public:
  DeepVisibility(SingularityConfig config, Upstream upstream, const Clock& clock = SystemClock::instance());

  // The whole query: init, poll (config.deep_visibility: poll_interval_ms, max_polls,
  // status_requests_per_second), then events up to max_events. Errors: the failed step's error;
  // timeout when the polls or the deadline ran out (the query is then cancelled); for an end state
  // FAILED unavailable, FAILED_CLIENT invalid_argument, TIMED_OUT timeout, QUERY_CANCEL /
  // QUERY_EXPIRED / QUERY_NOT_FOUND unavailable. EMPTY_RESULTS is success with no events.
  boost::asio::awaitable<Result<DvResult>> run_query(DvQuery query, CallOptions options = {});

  // The steps, for callers that keep a query id across jobs.
  // POST /dv/init-query {"query","fromDate","toDate","limit":max_events[,"queryType"][,"accountIds"][,"siteIds"]}
  // -> data.queryId.
  boost::asio::awaitable<Result<std::string>> init_query(DvQuery query, CallOptions options = {});
  // GET /dv/query-status?queryId=<id>, after waiting for the shared status rate limit.
  boost::asio::awaitable<Result<DvStatus>> query_status(std::string query_id, CallOptions options = {});
  // GET /dv/events?queryId=<id>&limit=<n>[&cursor=<c>] until the cursor ends or max_events are kept.
  boost::asio::awaitable<Result<DvResult>> fetch_events(std::string query_id, CallOptions options = {});
  // POST /dv/cancel-query {"queryId": id}.
  boost::asio::awaitable<Result<void>> cancel_query(std::string query_id, CallOptions options = {});

 private:
  boost::asio::awaitable<Result<DvResult>> poll_then_fetch(std::string query_id, CallOptions options);
  // Waits until the status rate limit allows a call; timeout when the deadline would pass first.
  boost::asio::awaitable<Result<void>> wait_for_status_slot(Deadline deadline);
  // Best effort: the query is being abandoned, its outcome changes nothing for the caller.
  boost::asio::awaitable<void> cancel_quietly(std::string query_id, CallOptions options);

  SingularityConfig config_;
  Upstream upstream_;
  std::mutex status_mutex_;
  TokenBucket status_bucket_;  // guarded by status_mutex_
};

}  // namespace triagent
