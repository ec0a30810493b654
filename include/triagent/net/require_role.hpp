#pragma once
// require_role: wraps a route handler so it runs only for a caller whose bearer token has at least
// `needed` (401 for a missing or unknown token, 403 for too low a role); the handler is told who
// called, e.g. to record the approver's name.
//
//   router.add("POST", "/v1/approvals/{id}/approve",
//              require_role(access, Role::approver, [](ServerRequest req, Responder respond, Principal who) {
//                decide(req.params["id"], who.name, std::move(respond));
//              }));

#include <functional>
#include <memory>

#include "triagent/core/access_control.hpp"
#include "triagent/net/server_types.hpp"

namespace triagent {

using PrincipalHandler = std::function<void(ServerRequest, Responder, Principal)>;

// A null `access` refuses every request with 401 (nothing is configured to let anyone in).
Handler require_role(std::shared_ptr<const AccessControl> access, Role needed, PrincipalHandler inner);

}  // namespace triagent
