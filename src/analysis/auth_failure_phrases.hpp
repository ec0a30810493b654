#pragma once
// Whether a text mentions a failed authentication ("Failed password", "authentication failure",
// "Invalid user", "POSSIBLE BREAK-IN"), in any ASCII case. The severity scorer asks this of most
// events; each phrase holds exactly one space, so the spaces between a phrase's two neighbour
// bytes are found sixteen positions at a time and only those are compared with the phrases.
//
//   mentions_auth_failure("sshd[1]: Failed password for root");   // true

#include <string_view>

namespace triagent::analysis {

bool mentions_auth_failure(std::string_view text);

}  // namespace triagent::analysis
