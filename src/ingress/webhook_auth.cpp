// Deciding whether one webhook request carries valid credentials for its source (see
// webhook_auth.hpp). Reasons returned to the caller never contain secret material.

#include "triagent/ingress/webhook_auth.hpp"

namespace triagent {

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Error unauthenticated(std::string reason) { return make_error(ErrorCode::unauthenticated, std::move(reason)); }

// The outcome of checking a signature header against the source's HMAC secret.
Result<void> check_signature(const Secret& secret, std::string_view header, std::string_view body,
                             std::int64_t now_seconds, int replay_window_seconds) {
  if (secret.empty()) return unauthenticated("signature mismatch");
  auto parsed = parse_signature_header(header);
  if (!parsed) return unauthenticated("malformed signature header: " + parsed.error().message);
  const std::int64_t window = replay_window_seconds > 0 ? replay_window_seconds : 0;
  if (parsed->timestamp < now_seconds - window || parsed->timestamp > now_seconds + window) {
    return unauthenticated("signature timestamp outside the replay window");
  }
  const std::string expected = compute_signature(secret.reveal(), parsed->timestamp, body);
  bool any = false;
  // Every candidate is compared, so the time taken does not tell which one matched.
  for (const auto& candidate : parsed->v1) any = constant_time_equals(expected, candidate) || any;
  if (!any || expected.empty()) return unauthenticated("signature mismatch");
  return {};
}

}  // namespace

bool bearer_matches(std::string_view authorization, const Secret& expected) {
  if (expected.empty()) return false;
  std::string_view value = trim_ows(authorization);
  constexpr std::string_view scheme = "bearer";
  if (value.size() <= scheme.size() + 1 || !equals_ignoring_ascii_case(value.substr(0, scheme.size()), scheme)) {
    return false;
  }
  if (value[scheme.size()] != ' ' && value[scheme.size()] != '\t') return false;
  std::string_view token = trim_ows(value.substr(scheme.size() + 1));
  return !token.empty() && constant_time_equals(token, expected.reveal());
}

Result<void> authenticate_webhook(const WebhookSourceConfig& source, std::string_view authorization,
                                  std::string_view signature, std::string_view body, std::int64_t now_seconds,
                                  int replay_window_seconds) {
  if (source.token.empty() && source.hmac_secret.empty()) {
    return unauthenticated("source has no credentials configured");
  }
  const bool has_bearer = !trim_ows(authorization).empty();
  const bool has_signature = !trim_ows(signature).empty();
  if (!has_bearer && !has_signature) return unauthenticated("missing credentials");

  if (has_bearer && bearer_matches(authorization, source.token)) return {};
  if (has_signature) {
    // A failed signature explains more than a failed bearer token, so its reason is the one given.
    return check_signature(source.hmac_secret, signature, body, now_seconds, replay_window_seconds);
  }
  return unauthenticated("invalid bearer token");
}

}  // namespace triagent
