#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "triagent/connectors/upstream.hpp"
#include "triagent/net/http_client_awaitable.hpp"
#include "triagent/net/http_client_outcome.hpp"
#include "triagent/resilience/retry_after.hpp"

namespace triagent {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

std::int64_t ms_left(Deadline deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()).count();
}

// Sleeps on the coroutine's executor; false when the wait was cancelled.
asio::awaitable<bool> sleep_for(std::int64_t delay_ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, milliseconds(delay_ms));
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

Error requeue_error(const std::string& name, std::string why, std::int64_t delay_ms, int status) {
  Error e{ErrorCode::unavailable, name + ": " + std::move(why) + "; retry in " + std::to_string(delay_ms) + " ms"};
  e.upstream_status = status;
  e.retry_after_ms = std::max<std::int64_t>(delay_ms, 1);
  return e;
}

std::optional<std::int64_t> server_delay_ms(const HttpResponse& response) {
  const auto now_ms = std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return server_retry_delay_ms(response.header("retry-after-ms"), response.header("retry-after"), now_ms.count());
}

Error cancelled_error(const std::string& name) { return Error{ErrorCode::cancelled, name + ": call cancelled"}; }

Error failure_error(const std::string& name, const HttpResult& result, RetryReason reason) {
  Error e{ErrorCode::unavailable, name + ": "};
  if (result) {
    e.upstream_status = result->status;
    e.message += "HTTP " + std::to_string(result->status);
  } else {
    const HttpError& err = result.error();
    if (err.kind == HttpErrorKind::timeout) e.code = ErrorCode::timeout;
    if (err.kind == HttpErrorKind::cancelled) e.code = ErrorCode::cancelled;
    e.message += std::string(to_string(err.kind)) + " (" + err.message + ")";
  }
  e.message += std::string(", ") + to_string(reason);
  return e;
}

asio::awaitable<Result<HttpResponse>> call_loop(const Upstream& up, HttpRequest request, CallOptions options) {
  const std::string& name = up.policy->config().name;
  for (int attempt = 1;;) {
    Admission admission = up.policy->admit(attempt, options.estimated_tokens);
    if (admission.action != AdmitAction::go) {
      std::int64_t delay = admission.delay_ms;
      if (admission.action == AdmitAction::requeue || delay >= ms_left(options.deadline)) {
        co_return requeue_error(name, to_string(admission.reason), delay, 0);
      }
      if (!co_await sleep_for(delay)) co_return cancelled_error(name);
      continue;
    }
    if (ms_left(options.deadline) <= 0) co_return Error{ErrorCode::timeout, name + ": deadline passed"};

    HttpRequest attempt_request = request;
    if (options.trace) attempt_request.trace = options.trace;
    Deadline attempt_deadline = std::min(options.deadline, steady_clock::now() + up.attempt_timeout);
    HttpResult result =
        co_await async_send(*up.client, std::move(attempt_request), attempt_deadline, asio::use_awaitable);
    up.policy->observe_attempt(result ? result->status : 0);

    std::optional<double> used;
    if (result && options.used_tokens) used = options.used_tokens(*result);
    AttemptOutcome outcome = to_attempt_outcome(result);
    if (result && options.should_retry) {
      if (std::optional<bool> verdict = options.should_retry(*result)) outcome.should_retry = *verdict ? "true" : "false";
    }
    NextStep next = up.policy->complete(std::move(admission.permit), outcome, attempt, used);
    switch (next.action) {
      case NextAction::done:
        co_return std::move(result).value();
      case NextAction::give_up:
        // The server's own answer (a 4xx, a 501) is the connector's to interpret.
        if (result && next.reason == RetryReason::not_retryable) co_return std::move(result).value();
        // Too long to wait in a worker, but the server said when it will take the call again: the
        // queue waits for it instead.
        if (result && next.reason == RetryReason::server_delay_too_long) {
          if (auto delay = server_delay_ms(*result)) {
            co_return requeue_error(name, "HTTP " + std::to_string(result->status), *delay, result->status);
          }
        }
        co_return failure_error(name, result, next.reason);
      case NextAction::requeue:
        co_return requeue_error(name, result ? "HTTP " + std::to_string(result->status) : to_string(result.error().kind),
                                next.delay_ms, result ? result->status : 0);
      case NextAction::wait:
        if (next.delay_ms >= ms_left(options.deadline)) {
          co_return requeue_error(name, result ? "HTTP " + std::to_string(result->status) : to_string(result.error().kind),
                                  next.delay_ms, result ? result->status : 0);
        }
        if (!co_await sleep_for(next.delay_ms)) co_return cancelled_error(name);
        ++attempt;
        continue;
    }
  }
}

}  // namespace

asio::awaitable<Result<HttpResponse>> call_upstream(const Upstream& upstream, HttpRequest request, CallOptions options) {
  try {
    co_return co_await call_loop(upstream, std::move(request), std::move(options));
  } catch (const boost::system::system_error& e) {
    // Asio throws operation_aborted into a coroutine whose cancellation state was set.
    if (e.code() == asio::error::operation_aborted) co_return cancelled_error(upstream.policy->config().name);
    throw;
  }
}

std::string describe_failure(const HttpResponse& response, std::string_view what) {
  constexpr std::size_t kMaxBody = 300;
  std::string out = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (!response.body.empty()) {
    out += ": ";
    for (char c : response.body.substr(0, kMaxBody)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
    if (response.body.size() > kMaxBody) out += "...";
  }
  return out;
}

}  // namespace triagent
