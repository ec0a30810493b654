#include "triagent/connectors/deep_visibility.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "connectors/singularity_http.hpp"
#include "connectors/singularity_json.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;
using s1::member;
using s1::text;
using std::chrono::milliseconds;

namespace {

// cancel-query gets its own short deadline: the caller's may be what just ran out.
constexpr milliseconds kCancelTimeout{10'000};

std::int64_t ms_left(Deadline deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()).count();
}

// Sleeps on the calling coroutine's executor; false when the wait was cancelled.
asio::awaitable<bool> sleep_ms(std::int64_t delay_ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, milliseconds(delay_ms));
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

Error cancelled_error(const std::string& query_id) {
  return Error{ErrorCode::cancelled, "singularity dv query " + query_id + ": cancelled while waiting"};
}

// The error an end state other than FINISHED / EMPTY_RESULTS stands for.
Error state_error(const std::string& query_id, const DvStatus& status, DvStateKind kind) {
  std::string message = "singularity dv query " + query_id + ": " + s1::printable(status.state);
  if (!status.error.empty()) message += ": " + status.error;
  switch (kind) {
    case DvStateKind::client_failed: return Error{ErrorCode::invalid_argument, message};
    case DvStateKind::timed_out: return Error{ErrorCode::timeout, message};
    default: break;
  }
  return Error{ErrorCode::unavailable, message};
}

std::string response_error_text(const json* error) {
  if (error == nullptr || error->is_null()) return {};
  if (error->is_string()) return s1::printable(error->get_ref<const std::string&>());
  return s1::printable(error->dump(-1, ' ', false, json::error_handler_t::replace));
}

// A tenth of a second's worth of status calls may go at once (at least one): at the API's 1/s that
// is strictly one at a time, while a raised limit lets the polls of queries started together (an
// alert storm) go together instead of queueing 1/rate apart.
double status_burst(double per_second) { return std::max(1.0, per_second / 10.0); }

}  // namespace

DeepVisibility::DeepVisibility(SingularityConfig config, Upstream upstream, const Clock& clock)
    : config_(std::move(config)),
      upstream_(std::move(upstream)),
      status_bucket_(status_burst(config_.deep_visibility.status_requests_per_second),
                     std::max(config_.deep_visibility.status_requests_per_second, 0.001), clock) {}

asio::awaitable<Result<DvResult>> DeepVisibility::run_query(DvQuery query, CallOptions options) {
  auto query_id = co_await init_query(std::move(query), options);
  if (!query_id) co_return query_id.error();
  co_return co_await poll_then_fetch(std::move(query_id).value(), std::move(options));
}

asio::awaitable<Result<std::string>> DeepVisibility::init_query(DvQuery query, CallOptions options) {
  constexpr const char* what = "singularity dv init-query";
  if (query.query.empty()) co_return Error{ErrorCode::invalid_argument, std::string(what) + ": empty query"};
  if (query.from_ms >= query.to_ms) {
    co_return Error{ErrorCode::invalid_argument, std::string(what) + ": fromDate must be before toDate"};
  }
  json body{{"query", std::move(query.query)},
            {"fromDate", format_rfc3339_ms(query.from_ms)},
            {"toDate", format_rfc3339_ms(query.to_ms)},
            {"limit", config_.deep_visibility.max_events}};
  if (!query.query_types.empty()) body["queryType"] = query.query_types;
  if (!config_.account_ids.empty()) body["accountIds"] = config_.account_ids;
  if (!config_.site_ids.empty()) body["siteIds"] = config_.site_ids;
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/dv/init-query"),
                                       s1::to_body(body), std::move(options), what);
  if (!answer) co_return answer.error();
  std::string query_id = text(s1::path(*answer, {"data", "queryId"}));
  // It goes into later URLs: hold it to the id rules like any other outside value.
  if (!s1::check_id(query_id, "queryId")) {
    co_return Error{ErrorCode::unavailable, std::string(what) + ": answer has no usable data.queryId"};
  }
  co_return query_id;
}

asio::awaitable<Result<void>> DeepVisibility::wait_for_status_slot(Deadline deadline) {
  for (;;) {
    std::int64_t wait_ms = 0;
    {
      std::lock_guard lock(status_mutex_);
      wait_ms = status_bucket_.try_acquire();
    }
    if (wait_ms <= 0) co_return Result<void>{};
    if (wait_ms >= ms_left(deadline)) {
      co_return Error{ErrorCode::timeout,
                      "singularity dv query-status: the deadline comes before the rate limit allows a call"};
    }
    if (!co_await sleep_ms(wait_ms)) co_return Error{ErrorCode::cancelled, "singularity dv query-status: cancelled"};
  }
}

asio::awaitable<Result<DvStatus>> DeepVisibility::query_status(std::string query_id, CallOptions options) {
  constexpr const char* what = "singularity dv query-status";
  if (auto ok = s1::check_id(query_id, std::string(what) + ": query id"); !ok) co_return ok.error();
  if (auto slot = co_await wait_for_status_slot(options.deadline); !slot) co_return slot.error();
  s1::QueryString q;
  q.add("queryId", query_id);
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "GET", s1::api_path("/dv/query-status") + q.str(),
                                       "", std::move(options), what);
  if (!answer) co_return answer.error();
  const json* data = member(*answer, "data");
  DvStatus status;
  status.state = text(member(data, "responseState"));
  if (status.state.empty())
    co_return Error{ErrorCode::unavailable, std::string(what) + ": answer has no data.responseState"};
  status.progress = s1::integer(member(data, "progressStatus"));
  status.error = response_error_text(member(data, "responseError"));
  co_return status;
}

asio::awaitable<Result<DvResult>> DeepVisibility::fetch_events(std::string query_id, CallOptions options) {
  constexpr const char* what = "singularity dv events";
  if (auto ok = s1::check_id(query_id, std::string(what) + ": query id"); !ok) co_return ok.error();
  const auto max_events = static_cast<std::size_t>(config_.deep_visibility.max_events);
  const auto page_limit = static_cast<std::size_t>(config_.deep_visibility.page_limit);
  DvResult out;
  out.query_id = query_id;
  std::optional<std::string> cursor;
  for (bool first = true;; first = false) {
    s1::QueryString q;
    q.add("queryId", query_id).add("limit", std::to_string(std::min(page_limit, max_events - out.events.size())));
    if (cursor) q.add("cursor", *cursor);
    auto answer = co_await s1::call_json(upstream_, config_.api_token, "GET", s1::api_path("/dv/events") + q.str(), "",
                                         options, what);
    if (!answer) co_return answer.error();
    const json* data = member(*answer, "data");
    if (data == nullptr || !data->is_array())
      co_return Error{ErrorCode::unavailable, std::string(what) + ": answer has no data list"};
    if (first) out.total_items = s1::integer(s1::path(*answer, {"pagination", "totalItems"}));
    // Each item is moved into its event: the page is not read again, and copying every event's
    // DOM showed in pipeline_bench. The array keeps its size (moved-from items are null).
    for (auto& item : (*answer)["data"]) {
      if (out.events.size() >= max_events) break;
      if (auto event = parse_dv_event(std::move(item))) out.events.push_back(std::move(event).value());
    }
    std::optional<std::string> next = s1::next_cursor(*answer);
    if (!next || data->empty() || next == cursor) break;
    if (out.events.size() >= max_events) {
      out.truncated = true;
      break;
    }
    cursor = std::move(next);
  }
  co_return out;
}

asio::awaitable<Result<void>> DeepVisibility::cancel_query(std::string query_id, CallOptions options) {
  constexpr const char* what = "singularity dv cancel-query";
  if (auto ok = s1::check_id(query_id, std::string(what) + ": query id"); !ok) co_return ok.error();
  json body{{"queryId", query_id}};
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/dv/cancel-query"),
                                       s1::to_body(body), std::move(options), what);
  if (!answer) co_return answer.error();
  co_return Result<void>{};
}

asio::awaitable<void> DeepVisibility::cancel_quietly(std::string query_id, CallOptions options) {
  options.deadline = std::chrono::steady_clock::now() + kCancelTimeout;
  (void)co_await cancel_query(std::move(query_id), std::move(options));
}

asio::awaitable<Result<DvResult>> DeepVisibility::poll_then_fetch(std::string query_id, CallOptions options) {
  const std::int64_t interval_ms = config_.deep_visibility.poll_interval_ms;
  std::string last_state = "not polled";
  int polls = 0;
  while (polls < config_.deep_visibility.max_polls) {
    if (interval_ms >= ms_left(options.deadline)) {
      co_await cancel_quietly(query_id, options);
      co_return Error{ErrorCode::timeout, "singularity dv query " + query_id + ": deadline reached while " +
                                              s1::printable(last_state) + " after " + std::to_string(polls) + " polls"};
    }
    if (!co_await sleep_ms(interval_ms)) co_return cancelled_error(query_id);
    auto status = co_await query_status(query_id, options);
    ++polls;
    if (!status) {
      if (status.error().code != ErrorCode::cancelled) co_await cancel_quietly(query_id, options);
      co_return status.error();
    }
    last_state = status->state;
    DvStateKind kind = classify_dv_state(status->state);
    if (kind == DvStateKind::running) continue;
    if (kind == DvStateKind::empty) {
      DvResult empty;
      empty.query_id = query_id;
      empty.state = status->state;
      empty.polls = polls;
      co_return empty;
    }
    if (kind != DvStateKind::finished) co_return state_error(query_id, *status, kind);
    auto events = co_await fetch_events(query_id, options);
    if (!events) co_return events.error();
    events->state = status->state;
    events->polls = polls;
    co_return std::move(events).value();
  }
  co_await cancel_quietly(query_id, options);
  co_return Error{ErrorCode::timeout, "singularity dv query " + query_id + ": still " + s1::printable(last_state) +
                                          " after " + std::to_string(polls) + " polls"};
}

}  // namespace triagent
