// Role check in front of a route handler (see require_role.hpp).
#include "triagent/net/require_role.hpp"

namespace triagent {

Handler require_role(std::shared_ptr<const AccessControl> access, Role needed, PrincipalHandler inner) {
  return [access = std::move(access), needed, inner = std::move(inner)](ServerRequest req, Responder respond) {
    if (!access) {
      respond(ServerResponse::error(401, "missing or invalid token"));
      return;
    }
    AccessDecision d = access->authorize(req.header("authorization"), needed);
    if (d.status == 401) {
      auto r = ServerResponse::error(401, "missing or invalid token");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      respond(std::move(r));
      return;
    }
    if (d.status == 403) {
      respond(ServerResponse::error(403, std::string("this needs the ") + to_string(needed) + " role"));
      return;
    }
    inner(std::move(req), std::move(respond), std::move(*d.principal));
  };
}

}  // namespace triagent
