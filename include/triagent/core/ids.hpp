#pragma once
// Random identifiers and W3C trace context (https://www.w3.org/TR/trace-context/).
// Every job carries a traceparent from its webhook to its last audit record.
//
//   std::optional<TraceContext> t = TraceContext::parse(header);
//   if (!t) t = TraceContext::generate();
//   std::string outbound = t->child().to_header();

#include <optional>
#include <string>
#include <string_view>

namespace triagent {

// `bytes` cryptographically random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

struct TraceContext {
  std::string trace_id;  // 32 lower-case hex, not all zero
  std::string span_id;   // 16 lower-case hex, not all zero
  std::string flags = "01";

  // Fresh random ids from a per-thread generator seeded from the CSPRNG: unique, not secret.
  static TraceContext generate();
  // Parses "00-<trace>-<span>-<flags>". Invalid text (wrong lengths, upper case, all-zero ids,
  // version ff) gives nullopt: the caller starts a new trace and never rejects the request.
  static std::optional<TraceContext> parse(std::string_view header);
  // Same trace, a new span id.
  TraceContext child() const;
  std::string to_header() const;
};

}  // namespace triagent
