#include "triagent/core/severity.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace triagent {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::unknown: return "unknown";
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "unknown";
}

Severity severity_from_dataset_level(int level) {
  if (level <= 2) return Severity::info;  // finest, finer, fine
  if (level == 3) return Severity::low;   // info
  if (level == 4) return Severity::medium;  // warning
  if (level == 5) return Severity::high;    // error
  return Severity::critical;                // fatal
}

Severity severity_from_number(double v) {
  if (v < 0) return Severity::unknown;
  if (v <= 6) return severity_from_dataset_level(static_cast<int>(v));
  if (v <= 10) return v >= 9 ? Severity::critical : v >= 7 ? Severity::high : Severity::medium;
  if (v <= 100) {
    if (v >= 90) return Severity::critical;
    if (v >= 70) return Severity::high;
    if (v >= 40) return Severity::medium;
    if (v >= 20) return Severity::low;
    return Severity::info;
  }
  return Severity::unknown;
}

std::optional<Severity> parse_severity(std::string_view text) {
  std::string t;
  t.reserve(text.size());
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (t.empty()) return std::nullopt;
  double number = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), number);
  if (ec == std::errc() && end == t.data() + t.size()) return severity_from_number(number);

  struct Name { const char* name; Severity sev; };
  static constexpr Name names[] = {
      {"critical", Severity::critical}, {"crit", Severity::critical},   {"fatal", Severity::critical},
      {"emergency", Severity::critical}, {"alert", Severity::critical}, {"malicious", Severity::high},
      {"high", Severity::high},         {"error", Severity::high},      {"err", Severity::high},
      {"severe", Severity::high},       {"medium", Severity::medium},   {"moderate", Severity::medium},
      {"warning", Severity::medium},    {"warn", Severity::medium},     {"suspicious", Severity::medium},
      {"low", Severity::low},           {"minor", Severity::low},       {"notice", Severity::low},
      {"info", Severity::info},         {"informational", Severity::info}, {"information", Severity::info},
      {"debug", Severity::info},        {"none", Severity::info},       {"unknown", Severity::unknown},
      {"undefined", Severity::unknown},
  };
  for (const auto& n : names) {
    if (t == n.name) return n.sev;
  }
  return std::nullopt;
}

}  // namespace triagent
