#pragma once
// The review UI (issue 6): static files embedded in the binary, served without auth because they
// hold no data; every API call the UI makes carries the operator's token itself.
//
//   Router router;
//   register_ui_routes(router);   // GET /ui, /ui/ -> index.html; GET /ui/<asset>; else 404

#include <string_view>

#include "triagent/net/router.hpp"

namespace triagent {

void register_ui_routes(Router& router);

// The Content-Security-Policy every UI response carries (exposed for tests).
std::string_view ui_content_security_policy();

}  // namespace triagent
