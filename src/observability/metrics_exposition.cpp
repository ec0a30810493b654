// The Prometheus text exposition format 0.0.4 (see metrics.hpp).
#include <charconv>
#include <cmath>

#include "observability/metrics_family.hpp"

namespace triagent::metrics {

namespace {

// HELP text escapes only backslash and newline.
std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

const char* type_name(int type) {
  switch (type) {
    case kCounter: return "counter";
    case kGauge: return "gauge";
    default: return "histogram";
  }
}

void append_labels(std::string& out, const Labels& labels, const std::string* le = nullptr) {
  if (labels.empty() && le == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (le != nullptr) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const std::string& name, const Labels& labels, double value,
                   const std::string* le = nullptr) {
  out += name;
  append_labels(out, labels, le);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

void append_histogram(std::string& out, const std::string& name, const Labels& labels, const Histogram& h) {
  const Histogram::Snapshot s = h.snapshot();
  for (std::size_t i = 0; i <= s.bounds.size(); ++i) {
    const std::string le = i < s.bounds.size() ? format_value(s.bounds[i]) : "+Inf";
    append_sample(out, name + "_bucket", labels, static_cast<double>(s.cumulative[i]), &le);
  }
  append_sample(out, name + "_sum", labels, s.sum);
  append_sample(out, name + "_count", labels, static_cast<double>(s.count));
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) < kExactIntegerLimit) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    if (family->series.empty()) continue;
    out += "# HELP " + name + " " + escape_help(family->help) + "\n";
    out += "# TYPE " + name + " " + type_name(family->type) + "\n";
    for (const auto& [labels, series] : family->series) {
      if (series.histogram) append_histogram(out, name, labels, *series.histogram);
      else if (series.counter) append_sample(out, name, labels, series.counter->value());
      else if (series.gauge) append_sample(out, name, labels, series.gauge->value());
      else if (series.read) append_sample(out, name, labels, series.read());
    }
  }
  return out;
}

}  // namespace triagent::metrics
