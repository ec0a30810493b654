// Fuzz target: webhook authentication. The input is "<signature header>\n<authorization>\n<body>".
// Beyond "no crash", it checks that nothing is accepted without a matching credential, that a
// correctly signed request is always accepted, and that reasons never carry secrets.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "triagent/ingress/webhook_auth.hpp"

namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr int kWindow = 300;
const char* const kSecret = "fuzz-secret";
const char* const kToken = "fuzz-token";

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "webhook auth contract violated: %s\n", what);
    std::abort();
  }
}

std::string_view next_line(std::string_view& rest) {
  std::size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view header = next_line(rest);
  const std::string_view authorization = next_line(rest);
  const std::string_view body = rest;

  auto parsed = triagent::parse_signature_header(header);
  if (parsed) {
    require(parsed->timestamp >= 0, "negative timestamp");
    require(!parsed->v1.empty() && parsed->v1.size() <= 8, "signature count");
    for (const auto& v : parsed->v1) require(v.size() == 64 && is_lower_hex(v), "signature form");
  } else {
    require(!parsed.error().message.empty(), "parse error without a message");
  }

  triagent::WebhookSourceConfig source;
  source.token = triagent::Secret(kToken);
  source.hmac_secret = triagent::Secret(kSecret);
  auto result = triagent::authenticate_webhook(source, authorization, header, body, kNow, kWindow);
  if (result) {
    bool signed_ok = false;
    if (parsed) {
      const std::string expected = triagent::compute_signature(kSecret, parsed->timestamp, body);
      for (const auto& v : parsed->v1) signed_ok = signed_ok || v == expected;
    }
    require(signed_ok || triagent::bearer_matches(authorization, source.token), "accepted without a credential");
  } else {
    const std::string& reason = result.error().message;
    require(!reason.empty(), "rejection without a reason");
    require(reason.find(kSecret) == std::string::npos && reason.find(kToken) == std::string::npos,
            "secret in a reason");
  }

  const std::string good = "t=" + std::to_string(kNow) + ",v1=" + triagent::compute_signature(kSecret, kNow, body);
  require(static_cast<bool>(triagent::authenticate_webhook(source, "", good, body, kNow, kWindow)),
          "rejected a valid signature");
  require(triagent::constant_time_equals(header, header), "constant_time_equals is not reflexive");
  return 0;
}
