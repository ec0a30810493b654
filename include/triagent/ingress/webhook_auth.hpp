#pragma once
// Webhook authentication: a bearer token, or an HMAC-SHA256 signature over timestamp and body.
//
//   Authorization: Bearer <token>
//   X-Triagent-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//
// Several v1= entries may be present (a sender rotating secrets); any valid one is accepted.
// A signature whose t is more than the replay window away from now (either side) is rejected.
// Every comparison of secret material is constant-time.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/config/config.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

struct SignatureHeader {
  std::int64_t timestamp = 0;
  std::vector<std::string> v1;  // lower-case hex digests, 64 characters each
};

// Parses "t=..,v1=..[,v1=..]"; unknown keys are ignored (forward compatibility). Errors name the
// problem. Never throws.
Result<SignatureHeader> parse_signature_header(std::string_view header);

// Lower-case hex HMAC-SHA256 of "<timestamp>.<body>" under `secret`.
std::string compute_signature(std::string_view secret, std::int64_t timestamp, std::string_view body);

// Constant-time equality for secrets and digests (length differences leak only the length).
bool constant_time_equals(std::string_view a, std::string_view b);

// Checks one request against one source's credentials. `authorization` and `signature` are the
// header values ("" when absent). Success when either configured method accepts the request.
// ErrorCode::unauthenticated with a reason otherwise (the reason is safe to return to the caller:
// it never contains secret material).
Result<void> authenticate_webhook(const WebhookSourceConfig& source, std::string_view authorization,
                                  std::string_view signature, std::string_view body, std::int64_t now_seconds,
                                  int replay_window_seconds);

// Checks "Authorization: Bearer <token>" against `expected` in constant time.
bool bearer_matches(std::string_view authorization, const Secret& expected);

}  // namespace triagent
