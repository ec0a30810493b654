#pragma once
// Calls to the unified alerts GraphQL endpoint and reading what comes back: GraphQL reports most
// failures inside a 200 (an `errors` list; a mutation's `failure` list), so a 200 is not success.
//
//   auto data = co_await s1::call_graphql(up, token, kQuery, {{"id", id}}, options, "singularity get uam alert");
//   if (!data) co_return data.error();               // HTTP failures and GraphQL errors alike
//   const nlohmann::json* alert = s1::member(*data, "alert");

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/core/secret.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent::s1 {

inline constexpr std::string_view kGraphqlEndpoint = "/unifiedalerts/graphql";

// The Error a GraphQL `errors` list stands for, or nullopt when the list is absent or empty.
// extensions.code UNAUTHENTICATED -> unauthenticated; FORBIDDEN/UNAUTHORIZED or a message about
// permissions -> forbidden; NOT_FOUND -> not_found; BAD_USER_INPUT/GRAPHQL_* -> invalid_argument;
// anything else unavailable.
std::optional<Error> graphql_error(const nlohmann::json& body, std::string_view what, const Secret& token);

// POST {"query": query, "variables": variables}; `data` of the answer (an object) when the call
// succeeded and the answer has no errors; a null or missing `data` is an error (unavailable).
boost::asio::awaitable<Result<nlohmann::json>> call_graphql(const Upstream& upstream, const Secret& token,
                                                            std::string query, nlohmann::json variables,
                                                            CallOptions options, std::string what);

// Whether alertTriggerActions applied `action_id` to `alert_id`: the id under `success`. A
// TriggerActionsError, an empty `actions` list (unknown action), the id under `failure`
// (forbidden when the message is about permissions) or `skip` (conflict) are errors.
Result<void> trigger_outcome(const nlohmann::json& data, std::string_view action_id, std::string_view alert_id,
                             std::string_view what);

}  // namespace triagent::s1
