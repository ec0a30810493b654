#pragma once
// POST /v1/hunt {"question": "...", "from": "24h", "to": ""[, "dry_run": true]}: the hunting copilot
// over HTTP (operator API contract: role viewer). 200 the HuntAnswer JSON
// {query, rationale, source, validation, results{columns, rows}, interpretation, follow_ups, repaired},
// 400 malformed body / question too long / bad window, 422 no valid query could be produced,
// 503 no DataSet connector or DataSet unavailable, 502 other upstream failures.
//
//   auto ctx = std::make_shared<HuntRoutesContext>();
//   ctx->service = hunt_service.get();
//   ctx->executor = io.get_executor();
//   ctx->authorize = [&acl](const ServerRequest& r, Responder& respond) { return acl.require(r, Role::viewer, respond); };
//   register_hunt_routes(router, ctx);
//
// `authorize` answers the request itself (401/403) and returns false when it is refused; empty:
// every request is refused with 401 (fail closed).

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>

#include "triagent/hunt/hunt_service.hpp"
#include "triagent/net/router.hpp"

namespace triagent::hunt {

inline constexpr std::size_t kMaxHuntBodyBytes = 16 * 1024;

struct HuntRoutesContext {
  HuntService* service = nullptr;
  boost::asio::any_io_executor executor;  // where the hunt coroutine runs
  std::function<bool(const ServerRequest&, Responder&)> authorize;
};

void register_hunt_routes(Router& router, std::shared_ptr<HuntRoutesContext> ctx);

}  // namespace triagent::hunt
