#pragma once
// One Management API call from request to a checked JSON answer, shared by the threats, agents,
// alerts and Deep Visibility connectors: the ApiToken header, call_upstream (rate limit, retries,
// breaker), the S1 error envelope mapped to an ErrorCode, and cursor paging.
//
//   auto body = co_await s1::call_json(up, cfg.api_token, "GET", s1::api_path("/threats") + q.str(), "",
//                                      options, "singularity get threat");
//   if (!body) co_return body.error();      // "singularity get threat: HTTP 401: Authentication Failed (code 4010010)"
//   const nlohmann::json* data = s1::member(*body, "data");

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/singularity_url.hpp"
#include "triagent/core/secret.hpp"
#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/http_types.hpp"

namespace triagent::s1 {

// "/web/api/v2.1" + `endpoint` ("/threats").
inline std::string api_path(std::string_view endpoint) { return std::string(kApiPrefix) + std::string(endpoint); }

// accountIds= / siteIds= from the config's scope, when set (list and read calls).
void add_scope(QueryString& query, const SingularityConfig& config);

// GET or POST with "Authorization: ApiToken <token>", Accept and (with a body) Content-Type JSON.
HttpRequest make_request(const Upstream& upstream, const Secret& token, std::string method, std::string_view path,
                         std::string body);

// A request body from JSON; invalid UTF-8 (an LLM summary may hold some) is replaced, not thrown on.
std::string to_body(const nlohmann::json& body);

// {"data": <data>, "filter": {"ids": [id]}}: the body of a bulk write pinned to one id (a wider
// filter would act on everything it matches).
nlohmann::json pinned_write(nlohmann::json data, const std::string& id);

// Untrusted text made fit for an error message: printable ASCII only, cut to 200 bytes.
std::string printable(std::string_view text);

// `message` with every occurrence of the token replaced, in case an upstream echoed it back.
std::string scrub(std::string message, const Secret& token);

// The error a non-2xx answer stands for: 400 invalid_argument, 401 unauthenticated, 403 forbidden,
// 404 not_found, 409 conflict, 413 too_large, other 4xx invalid_argument, the rest unavailable.
// The message is "<what>: HTTP <status>: <title>: <detail> (code <n>)" from the S1 envelope
// {"errors":[{"code","title","detail"}]} (GraphQL's {"errors":[{"message"}]} too), else
// describe_failure(); upstream_status is set.
Error response_error(const HttpResponse& response, std::string_view what, const Secret& token);

// The texts of an `errors` list that say something ("Authentication Failed (code 4010010)");
// empty objects, as in {"errors":[{}],"data":{"affected":1}}, say nothing and are left out.
std::vector<std::string> error_texts(const nlohmann::json& body);

// A finished call as a JSON object: 2xx with an object body (an empty body reads as {}). A 2xx whose
// body holds meaningful `errors` and no `data` is an error too (unavailable).
Result<nlohmann::json> read_json_answer(Result<HttpResponse> answer, std::string_view what, const Secret& token);

// make_request + call_upstream + read_json_answer.
boost::asio::awaitable<Result<nlohmann::json>> call_json(const Upstream& upstream, const Secret& token,
                                                         std::string method, std::string path, std::string body,
                                                         CallOptions options, std::string what);

// pagination.nextCursor when there is a next page: null, "", and the string "null" all mean the
// end (apis.md B.2). The cursor is percent-decoded, as Rapid7's client does, so that re-encoding it
// in the next URL does not double-encode a cursor the server sent encoded.
std::optional<std::string> next_cursor(const nlohmann::json& body);

// data.affected of a bulk action ({"data":{"affected":N}}); unavailable when missing or negative.
Result<std::int64_t> affected_count(const nlohmann::json& body, std::string_view what);

struct Pages {
  std::vector<nlohmann::json> items;        // the elements of every page's `data` array, in order
  bool truncated = false;                   // a next cursor remained after max_pages pages
  std::optional<std::int64_t> total_items;  // pagination.totalItems of the first page
  int pages = 0;
};

// GET `path` + `query` + cursor=<next> until the cursor ends or `max_pages` pages were read.
// A page whose `data` is not an array is an error (unavailable).
boost::asio::awaitable<Result<Pages>> get_all_pages(const Upstream& upstream, const Secret& token, std::string path,
                                                    QueryString query, int max_pages, CallOptions options,
                                                    std::string what);

}  // namespace triagent::s1
