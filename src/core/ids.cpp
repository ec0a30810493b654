#include "triagent/core/ids.hpp"

#include <openssl/rand.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace triagent {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex(const unsigned char* bytes, std::size_t n, std::string& out) {
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHexDigits[bytes[i] >> 4]);
    out.push_back(kHexDigits[bytes[i] & 0xF]);
  }
}

void fill_random(unsigned char* buf, std::size_t n) {
  if (RAND_bytes(buf, static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed: the system has no entropy source");
  }
}

// Trace and span ids must be unique and well spread, not secret (W3C trace context asks for
// random, not cryptographic, ids). Every webhook makes two, and RAND_bytes costs a getpid()
// system call (its fork check) and a DRBG round each time; this generator is seeded once per
// thread from RAND_bytes and then costs a few instructions. xoshiro256** (Blackman and Vigna).
class TraceIdGenerator {
 public:
  TraceIdGenerator() {
    do {
      fill_random(reinterpret_cast<unsigned char*>(state_), sizeof state_);
    } while ((state_[0] | state_[1] | state_[2] | state_[3]) == 0);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // `words` random 64-bit words as lower-case hex, never all zero (an all-zero id is invalid).
  std::string hex(std::size_t words) {
    std::string out(words * 16, '0');  // filled by index: a push_back per digit cost more than the RNG
    for (;;) {
      std::uint64_t any = 0;
      for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t v = next();
        any |= v;
        for (std::size_t k = 0; k < 16; ++k) out[w * 16 + k] = kHexDigits[(v >> (60 - 4 * k)) & 0xF];
      }
      if (any != 0) return out;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

TraceIdGenerator& trace_ids() {
  thread_local TraceIdGenerator generator;
  return generator;
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  fill_random(buf.data(), buf.size());
  std::string out;
  out.reserve(bytes * 2);
  append_hex(buf.data(), buf.size(), out);
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

TraceContext TraceContext::generate() { return TraceContext{trace_ids().hex(2), trace_ids().hex(1), "01"}; }

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

TraceContext TraceContext::child() const { return TraceContext{trace_id, trace_ids().hex(1), flags}; }

std::string TraceContext::to_header() const {
  std::string out;
  out.reserve(6 + trace_id.size() + span_id.size() + flags.size());
  out.append("00-").append(trace_id).append("-").append(span_id).append("-").append(flags);
  return out;
}

}  // namespace triagent
