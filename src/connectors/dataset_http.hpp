#pragma once
// DataSet's HTTP conventions, shared by the query client, the LRQ runner and the event writer:
// Bearer headers, the tenant selector in query bodies, the hierarchical `status` of v1 answers
// (prefix match, A.3) and the errors made from non-2xx answers. Errors never contain a key.
//
//   auto r = co_await dataset::send(up, cfg.read_key, cfg.scope, "POST", up.url("/api/powerQuery"),
//                                   dataset::to_body(body), cfg.query_timeout_ms);
//   if (!r) co_return r.error();
//   Result<nlohmann::json> answer = dataset::read_v1_answer(*r, "dataset powerQuery", cfg.read_key, retry_ms);

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "triagent/core/secret.hpp"
#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/http_types.hpp"

namespace triagent::dataset {

// Accept, `Authorization: Bearer <key>`, Content-Type when there is a body, and `S1-Scope: <scope>`
// when scope is set.
HttpHeaders headers(const Secret& key, const std::string& scope, bool has_body = true);

// A request body from JSON; invalid UTF-8 (an attribute may hold some) is replaced, not thrown on.
std::string to_body(const nlohmann::json& body);

// One call through call_upstream with headers(key, scope) plus `extra`, the whole call (retries
// included) bounded by `timeout_ms`. A failed call's error is scrubbed of the key.
boost::asio::awaitable<Result<HttpResponse>> send(const Upstream& upstream, const Secret& key, const std::string& scope,
                                                  std::string method, std::string url, std::string body,
                                                  std::int64_t timeout_ms, HttpHeaders extra = {});

// Adds the multi-account selector of A.2 to a query body: accountIds (with tenant:false), or
// tenant:<bool>, or nothing.
void add_account_selector(nlohmann::json& body, const DataSetConfig& config);

// `text` with every occurrence of the key replaced by "<redacted>".
std::string scrub(std::string text, const Secret& key);
Error scrubbed(Error error, const Secret& key);

// At most `max` printable ASCII characters of `text`, for error messages built from answers.
std::string printable(std::string_view text, std::size_t max = 300);

// The error for an answer that is not 2xx: 400 invalid_argument, 401 unauthenticated, 403 forbidden,
// 404 not_found, 413 too_large, else unavailable; upstream_status set, the body capped and scrubbed.
Error http_error(const HttpResponse& response, std::string_view what, const Secret& key);

// The error for a key that is not configured ("connectors.dataset.<key_name> is not set").
Error missing_key(std::string_view what, std::string_view key_name);

// A v1 answer (/api/*): the parsed body when HTTP is 2xx and `status` starts with "success".
// "error/client..." -> invalid_argument; "error/server..." (or an unreadable body, a missing or
// unknown status) -> unavailable with retry_after_ms (rateLimit.cpuUsageSecondsToWait when given,
// else `server_retry_ms`).
Result<nlohmann::json> read_v1_answer(const HttpResponse& response, std::string_view what, const Secret& key,
                                      std::int64_t server_retry_ms);

// A 2xx JSON object answer without a status field (LRQ); anything else is an error.
Result<nlohmann::json> read_json_answer(const HttpResponse& response, std::string_view what, const Secret& key);

}  // namespace triagent::dataset
