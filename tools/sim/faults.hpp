#pragma once
// Fault injection: rules that make a route misbehave in a deterministic way (counts, never
// probabilities), loaded from the --faults file (YAML or JSON) or set via POST /_sim/faults.
//
//   faults:
//     - route: "GET /web/api/v2.1/threats"   # METHOD + path; "/web/api/v2.1/" (prefix) or "*"
//       status: 429
//       retry_after: 2
//       count: 2                             # the first 2 matching requests only
//     - route: "*"
//       latency_ms: 50
//
//   FaultBook book;
//   book.set(*parse_faults(text, "faults.yaml"));
//   FaultDecision d = book.decide("GET", "/web/api/v2.1/threats");   // d.kind == FaultKind::status

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "triagent/core/result.hpp"

namespace triagent::sim {

enum class FaultKind { none, status, reset, slow_body, malformed_json, truncated_body, error_body_200 };

const char* to_string(FaultKind kind);

struct FaultRule {
  std::string route;    // as written: "POST /api/addEvents", "/web/api/v2.1/", "*"
  std::string method;   // empty: any
  std::string pattern;  // "*", a prefix ending in '/' or '*', a path with {param} segments, or exact
  int latency_ms = 0;
  FaultKind kind = FaultKind::none;
  int status = 0;                  // kind == status
  std::optional<int> retry_after;  // seconds, sent as Retry-After with `status`
  std::string body;                // optional body for `status` (default: the API's own error shape)
  std::string message;             // optional text for the error envelope
  int slow_bytes = 16;             // slow_body: bytes per interval
  int slow_interval_ms = 100;
  std::optional<std::int64_t> count;  // apply to this many matching requests, then behave normally
  std::int64_t after = 0;             // let this many matching requests through first
  std::int64_t seen = 0;              // matching requests so far (runtime)
  std::int64_t applied = 0;           // requests the rule acted on (runtime)

  bool matches(std::string_view method, std::string_view path) const;
  nlohmann::json describe() const;
};

struct FaultDecision {
  int latency_ms = 0;
  FaultKind kind = FaultKind::none;
  int status = 0;
  std::optional<int> retry_after;
  std::string body;
  std::string message;
  int slow_bytes = 16;
  int slow_interval_ms = 100;
  std::string rule;  // the route text of the rule that chose `kind`
};

// Parses a fault file: a list of rules, or a mapping with a `faults:` list. JSON is YAML too.
// Errors name the source and line ("faults.yaml:4: faults[0]: unknown key 'statuss'").
Result<std::vector<FaultRule>> parse_faults(std::string_view text, const std::string& source);

class FaultBook {
 public:
  void set(std::vector<FaultRule> rules);
  void clear();
  // Control routes (/_sim/...) are never faulted.
  FaultDecision decide(std::string_view method, std::string_view path);
  nlohmann::json describe() const;

 private:
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
};

// True when `path` matches a route pattern: "*", a prefix ("/web/api/v2.1/" or "/api/*"), a
// template with {name} segments, or an exact path.
bool route_pattern_matches(std::string_view pattern, std::string_view path);

}  // namespace triagent::sim
