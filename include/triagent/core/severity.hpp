#pragma once
// Severity: the one severity scale of the product, with the conversions from each source's own scale.

#include <optional>
#include <string_view>

namespace triagent {

enum class Severity { unknown = 0, info = 1, low = 2, medium = 3, high = 4, critical = 5 };

const char* to_string(Severity s);

// Accepts names in any case ("High", "CRITICAL", "warn", "error", "malicious", "suspicious"),
// and numbers as text. Returns nullopt when the text means nothing we know.
std::optional<Severity> parse_severity(std::string_view text);

// DataSet severities are 0..6 (finest, finer, fine, info, warning, error, fatal).
Severity severity_from_dataset_level(int level);

// Generic numbers: 0..6 as DataSet, 7..10 as a 1..10 scale, 11..100 as a 0..100 score.
Severity severity_from_number(double value);

}  // namespace triagent
