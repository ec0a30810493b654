// Parsing "X-Triagent-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]" (see webhook_auth.hpp).
// The header is attacker-controlled: its length, the number of signatures and every value are
// bounded, and errors name the problem without echoing the input.

#include <string>

#include "triagent/ingress/webhook_auth.hpp"

namespace triagent {

namespace {

constexpr std::size_t kMaxSignatureHeaderBytes = 4096;
constexpr std::size_t kMaxSignatures = 8;
constexpr std::size_t kSignatureHexDigits = 64;
// 15 digits of seconds reach year 31 million: plenty, and far from int64 overflow.
constexpr std::size_t kMaxTimestampDigits = 15;

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_timestamp(std::string_view value, std::int64_t& out) {
  if (value.empty() || value.size() > kMaxTimestampDigits) return false;
  std::int64_t v = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Lower-case hex of exactly kSignatureHexDigits digits, or "" when `value` is not that.
std::string normalized_digest(std::string_view value) {
  if (value.size() != kSignatureHexDigits) return {};
  std::string out(value);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return {};
    }
  }
  return out;
}

Error malformed(std::string message) { return make_error(ErrorCode::invalid_argument, std::move(message)); }

}  // namespace

Result<SignatureHeader> parse_signature_header(std::string_view header) {
  if (header.size() > kMaxSignatureHeaderBytes) {
    return malformed("longer than " + std::to_string(kMaxSignatureHeaderBytes) + " bytes");
  }
  if (trim_ows(header).empty()) return malformed("empty");

  SignatureHeader out;
  bool have_timestamp = false;
  std::size_t element = 0;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t comma = header.find(',', pos);
    std::size_t end = comma == std::string_view::npos ? header.size() : comma;
    std::string_view item = trim_ows(header.substr(pos, end - pos));
    pos = end + 1;
    ++element;
    if (item.empty()) continue;  // "t=1,,v1=.." costs nothing to tolerate

    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return malformed("element " + std::to_string(element) + " has no '='");
    std::string_view key = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (have_timestamp) return malformed("more than one t=");
      if (!parse_timestamp(value, out.timestamp)) return malformed("t= is not a Unix time in seconds");
      have_timestamp = true;
    } else if (key == "v1") {
      std::string digest = normalized_digest(value);
      if (digest.empty()) return malformed("v1= is not " + std::to_string(kSignatureHexDigits) + " hex digits");
      if (out.v1.size() >= kMaxSignatures) {
        return malformed("more than " + std::to_string(kMaxSignatures) + " v1= signatures");
      }
      out.v1.push_back(std::move(digest));
    }
    // Other keys (v0, a future v2) are ignored so senders can add schemes ahead of us.
  }
  if (!have_timestamp) return malformed("missing t=");
  if (out.v1.empty()) return malformed("missing v1=");
  return out;
}

}  // namespace triagent
