#pragma once
// Upstream and call_upstream: every connector request goes through here, so each one is rate
// limited, concurrency limited, retried, and counted against its upstream's breaker and retry budget
// in the same way (UpstreamPolicy decides; this function sleeps, sends and loops).
//
//   Upstream s1{client, policy, "https://usea1.sentinelone.net", std::chrono::seconds(30)};
//   HttpRequest req{.method = "GET", .url = s1.url("/web/api/v2.1/threats?ids=7")};
//   Result<HttpResponse> r = co_await call_upstream(s1, std::move(req), {.deadline = deadline_after(60s)});
//   if (!r && r.error().retry_after_ms) co_return JobOutcome::retry(r.error().message, r.error().retry_after_ms);
//
// Results:
//  - a response whenever the server answered and the policy says done or not retryable: 2xx, and
//    4xx such as 400/401/403/404 (the connector reads the status and the error body);
//  - an Error otherwise, with upstream_status set when a last response existed:
//      unavailable + retry_after_ms  the upstream asked for (or needs) a longer pause than a worker
//                                    may sleep, even beyond retry.max_server_delay_ms: hand the
//                                    job back to the queue after that delay;
//      unavailable                   transport failure, breaker open, retries or budget exhausted;
//      timeout                       the call's deadline passed;
//      cancelled                     the awaiting coroutine was cancelled.
// Short waits (rate limits, backoff, Retry-After up to the policy's max_inline_wait_ms) are slept
// on an Asio timer of the calling coroutine's executor; no thread is blocked.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/core/ids.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/http_client.hpp"
#include "triagent/net/http_types.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent {

// One configured upstream as its connector sees it. Does not own the client or the policy.
struct Upstream {
  HttpClient* client = nullptr;
  UpstreamPolicy* policy = nullptr;
  std::string base_url;                                  // scheme://host[:port][/prefix], no trailing '/'
  std::chrono::milliseconds attempt_timeout{30'000};     // one attempt; the call has its own deadline

  // base_url + path; `path` starts with '/'.
  std::string url(std::string_view path) const { return base_url + std::string(path); }
};

struct CallOptions {
  Deadline deadline = deadline_after(std::chrono::seconds(120));  // the whole call, retries included
  std::optional<TraceContext> trace;                     // sent as traceparent, new span per attempt
  double estimated_tokens = 0;                           // LLM calls: debited from tokens per minute
  // LLM calls: the tokens the response says were used, to correct the estimate.
  std::function<std::optional<double>(const HttpResponse&)> used_tokens;
  // Overrides the status rule for one answer: false stops retries of a 429 that no wait can cure
  // (OpenAI's insufficient_quota, Anthropic's spend limit), true retries a status that is not
  // retryable by default. nullopt keeps the rule. Same effect as the server's x-should-retry.
  std::function<std::optional<bool>(const HttpResponse&)> should_retry;
};

boost::asio::awaitable<Result<HttpResponse>> call_upstream(const Upstream& upstream, HttpRequest request,
                                                           CallOptions options = {});

// Convenience for connectors: the response's body as an error message, capped and printable.
std::string describe_failure(const HttpResponse& response, std::string_view what);

}  // namespace triagent
