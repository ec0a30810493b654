#include "triagent/core/ids.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace triagent {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: the system has no entropy source");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : buf) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

namespace {

bool is_lower_hex(std::string_view s, std::size_t len) {
  if (s.size() != len) return false;
  bool nonzero = false;
  for (char c : s) {
    bool digit = c >= '0' && c <= '9';
    bool letter = c >= 'a' && c <= 'f';
    if (!digit && !letter) return false;
    if (c != '0') nonzero = true;
  }
  return nonzero;
}

}  // namespace

TraceContext TraceContext::generate() { return TraceContext{random_hex(16), random_hex(8), "01"}; }

std::optional<TraceContext> TraceContext::parse(std::string_view h) {
  // version(2) '-' trace(32) '-' span(16) '-' flags(2): 55 characters for version 00.
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::string_view version = h.substr(0, 2);
  if (version == "ff") return std::nullopt;
  for (char c : version) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  if (version == "00" && h.size() != 55) return std::nullopt;
  std::string_view trace = h.substr(3, 32);
  std::string_view span = h.substr(36, 16);
  std::string_view flags = h.substr(53, 2);
  if (!is_lower_hex(trace, 32) || !is_lower_hex(span, 16)) return std::nullopt;
  for (char c : flags) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return TraceContext{std::string(trace), std::string(span), std::string(flags)};
}

TraceContext TraceContext::child() const { return TraceContext{trace_id, random_hex(8), flags}; }

std::string TraceContext::to_header() const { return "00-" + trace_id + "-" + span_id + "-" + flags; }

}  // namespace triagent
