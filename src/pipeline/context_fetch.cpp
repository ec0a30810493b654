#include "triagent/pipeline/context_fetch.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <variant>

#include "pipeline/context_fetch_sources.hpp"

namespace triagent {

namespace asio = boost::asio;

namespace {

std::int64_t ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// One query against the deadline: whichever ends first. The loser is cancelled (the HTTP client
// aborts the transfer) and awaited, so nothing outlives the fetch.
asio::awaitable<void> run_slot(ContextConnectors connectors, PlannedQuery query, Deadline deadline,
                               std::optional<TraceContext> trace, ContextQueryResult* slot) {
  using namespace asio::experimental::awaitable_operators;
  ContextQueryResult late = context_detail::blank_result(query);
  const auto started = std::chrono::steady_clock::now();
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, deadline);
  CallOptions options;
  options.deadline = deadline;
  options.trace = std::move(trace);
  auto race = context_detail::run_context_query(connectors, std::move(query), std::move(options)) ||
              timer.async_wait(asio::use_awaitable);
  std::variant<ContextQueryResult, std::monostate> first = co_await std::move(race);
  if (first.index() == 0) {
    *slot = std::move(std::get<0>(first));
    co_return;
  }
  late.status = ContextQueryStatus::failed;
  late.error = "the context deadline passed before the query finished";
  late.error_code = ErrorCode::timeout;
  late.duration_ms = ms_since(started);
  *slot = std::move(late);
}

// The requeue rule (context_fetch.hpp): every query that ran failed, and each asked to come back.
std::optional<std::int64_t> requeue_delay(const std::vector<ContextQueryResult>& queries) {
  std::optional<std::int64_t> delay;
  bool ran = false;
  for (const auto& q : queries) {
    if (q.status == ContextQueryStatus::skipped) continue;
    ran = true;
    if (q.status == ContextQueryStatus::ok || !q.retry_after_ms) return std::nullopt;
    delay = std::max(delay.value_or(0), *q.retry_after_ms);
  }
  return ran ? delay : std::nullopt;
}

}  // namespace

const char* to_string(ContextQueryStatus status) {
  switch (status) {
    case ContextQueryStatus::ok: return "ok";
    case ContextQueryStatus::failed: return "failed";
    case ContextQueryStatus::skipped: return "skipped";
  }
  return "unknown";
}

asio::awaitable<ContextResult> ContextFetcher::fetch(ContextPlan plan, Deadline deadline,
                                                     std::optional<TraceContext> trace) const {
  ContextResult result;
  result.not_planned = std::move(plan.skipped);
  result.queries.resize(plan.queries.size());
  for (std::size_t i = 0; i < plan.queries.size(); ++i) {
    result.queries[i] = context_detail::blank_result(plan.queries[i]);
  }

  if (!plan.queries.empty()) {
    auto executor = co_await asio::this_coro::executor;
    using SpawnOp = decltype(asio::co_spawn(executor, std::declval<asio::awaitable<void>>(), asio::deferred));
    std::vector<SpawnOp> ops;
    ops.reserve(plan.queries.size());
    for (std::size_t i = 0; i < plan.queries.size(); ++i) {
      ops.push_back(asio::co_spawn(
          executor, run_slot(connectors_, plan.queries[i], deadline, trace, &result.queries[i]), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(ops));
    auto [order, exceptions] = co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    for (std::size_t i = 0; i < exceptions.size() && i < result.queries.size(); ++i) {
      if (!exceptions[i]) continue;
      // A bug or an exhausted allocator, not an upstream answer: still only this query is lost.
      ContextQueryResult& q = result.queries[i];
      q.status = ContextQueryStatus::failed;
      q.error_code = ErrorCode::internal;
      try {
        std::rethrow_exception(exceptions[i]);
      } catch (const std::exception& e) {
        q.error = std::string("internal error: ") + e.what();
      } catch (...) {
        q.error = "internal error";
      }
    }
  }

  for (const auto& q : result.queries) {
    if (q.status != ContextQueryStatus::failed) continue;
    result.degraded = true;
    result.degraded_reasons.push_back(q.template_name + " (" + to_string(q.source) + ") failed: " + q.error);
  }
  result.retry_after_ms = requeue_delay(result.queries);
  co_return result;
}

}  // namespace triagent
