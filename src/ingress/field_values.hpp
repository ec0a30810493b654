#pragma once
// Converting untrusted JSON values into an Incident's time and severity, whatever shape the sender
// chose: RFC 3339 text or epoch numbers of any unit, severity names or numbers.
//
//   std::int64_t ms = epoch_ms_at(find_key(body, "triggeredAt"));   // 0 when unknown
//   Severity s = severity_at(find_key(body, "severity"), SeverityScale::dataset);

#include <cstdint>
#include <nlohmann/json.hpp>

#include "triagent/core/severity.hpp"

namespace triagent::ingress {

// Epoch milliseconds from an RFC 3339 string, or from a number (or a string of digits) in seconds,
// milliseconds, microseconds or nanoseconds, told apart by magnitude. 0 when absent or unusable.
std::int64_t epoch_ms_at(const nlohmann::json* v);

// The unit of an epoch number, from its magnitude: values below 1e11 are seconds (1e11 s is the
// year 5138), below 1e14 milliseconds, below 1e17 microseconds, and nanoseconds above.
std::int64_t epoch_ms_from_number(double value);

enum class SeverityScale {
  generic,  // numbers as severity_from_number
  dataset,  // integers 0..6 are DataSet levels (finest .. fatal)
};

// A severity name ("High", "malicious") or number; Severity::unknown when absent or meaningless.
Severity severity_at(const nlohmann::json* v, SeverityScale scale);

}  // namespace triagent::ingress
