#include "ingress/field_values.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "triagent/core/clock.hpp"

namespace triagent::ingress {

std::int64_t epoch_ms_from_number(double value) {
  if (!std::isfinite(value) || value <= 0) return 0;
  double ms = 0;
  if (value < 1e11) {
    ms = value * 1e3;
  } else if (value < 1e14) {
    ms = value;
  } else if (value < 1e17) {
    ms = value / 1e3;
  } else if (value < 9.2e18) {
    ms = value / 1e6;
  } else {
    return 0;
  }
  return static_cast<std::int64_t>(ms);
}

namespace {

// Integers take their own path so nanosecond values keep millisecond precision (a double has not
// enough mantissa for them).
std::int64_t epoch_ms_from_integer(std::uint64_t value) {
  if (value == 0) return 0;
  if (value < 100'000'000'000ULL) return static_cast<std::int64_t>(value * 1000);
  if (value < 100'000'000'000'000ULL) return static_cast<std::int64_t>(value);
  if (value < 100'000'000'000'000'000ULL) return static_cast<std::int64_t>(value / 1000);
  return static_cast<std::int64_t>(value / 1'000'000);
}

// "1700000000" or "1700000000.25": a number written as text, as templated senders often do.
std::int64_t epoch_ms_from_text(const std::string& s) {
  if (s.empty() || s.size() > 32 || s[0] < '0' || s[0] > '9') return 0;
  bool integral = true;
  for (char c : s) {
    if (c == '.') {
      integral = false;
    } else if (c < '0' || c > '9') {
      return 0;
    }
  }
  if (integral && s.size() <= 19) {
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size()) return epoch_ms_from_integer(n);
    return 0;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return 0;
  return epoch_ms_from_number(value);
}

}  // namespace

std::int64_t epoch_ms_at(const nlohmann::json* v) {
  if (v == nullptr) return 0;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > 64) return 0;
    std::int64_t ms = parse_rfc3339_ms(s);
    if (ms > 0) return ms;
    return epoch_ms_from_text(s);
  }
  if (v->is_number_unsigned()) return epoch_ms_from_integer(v->get<std::uint64_t>());
  if (v->is_number_integer()) {
    auto n = v->get<std::int64_t>();
    return n > 0 ? epoch_ms_from_integer(static_cast<std::uint64_t>(n)) : 0;
  }
  if (v->is_number_float()) return epoch_ms_from_number(v->get<double>());
  return 0;
}

Severity severity_at(const nlohmann::json* v, SeverityScale scale) {
  if (v == nullptr) return Severity::unknown;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > 64) return Severity::unknown;
    return parse_severity(s).value_or(Severity::unknown);
  }
  if (v->is_number_integer() || v->is_number_unsigned()) {
    // Read as double so huge unsigned values cannot wrap into the 0..6 range.
    double d = v->get<double>();
    if (scale == SeverityScale::dataset && d >= 0 && d <= 6) {
      return severity_from_dataset_level(static_cast<int>(d));
    }
    return severity_from_number(d);
  }
  if (v->is_number_float()) return severity_from_number(v->get<double>());
  return Severity::unknown;
}

}  // namespace triagent::ingress
