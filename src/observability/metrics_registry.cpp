// Registration and the atomic handles of the metrics registry (see metrics.hpp).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "observability/metrics_family.hpp"

namespace triagent::metrics {

namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

Labels normalized(Labels labels) {
  for (const auto& [name, value] : labels) {
    if (!valid_name(name, false) || name == "le" || name.starts_with("__")) {
      throw std::invalid_argument("invalid metric label name '" + name + "'");
    }
  }
  std::sort(labels.begin(), labels.end());
  for (std::size_t i = 1; i < labels.size(); ++i) {
    if (labels[i].first == labels[i - 1].first) throw std::invalid_argument("repeated label '" + labels[i].first + "'");
  }
  return labels;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
  counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::observe(double v) noexcept {
  // Few buckets: a linear scan beats a binary search and keeps the code obvious.
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;  // from the buckets, so _count always equals the +Inf bucket
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> default_duration_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
}

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, int type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name '" + std::string(name) + "'");
    auto f = std::make_unique<Family>();
    f->name = std::string(name);
    f->help = std::string(help);
    f->type = type;
    it = families_.emplace(std::string(name), std::move(f)).first;
  }
  if (it->second->type != type) {
    throw std::invalid_argument("metric '" + std::string(name) + "' is already registered with another type");
  }
  return *it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, Labels labels) {
  auto key = normalized(std::move(labels));
  std::lock_guard lock(mutex_);
  Series& s = family(name, help, kCounter).series[std::move(key)];
  if (!s.counter) {
    if (s.read) throw std::invalid_argument("metric '" + std::string(name) + "': series is a callback");
    s.counter = std::make_unique<Counter>();
  }
  return *s.counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, Labels labels) {
  auto key = normalized(std::move(labels));
  std::lock_guard lock(mutex_);
  Series& s = family(name, help, kGauge).series[std::move(key)];
  if (!s.gauge) {
    if (s.read) throw std::invalid_argument("metric '" + std::string(name) + "': series is a callback");
    s.gauge = std::make_unique<Gauge>();
  }
  return *s.gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                               Labels labels) {
  auto key = normalized(std::move(labels));
  std::lock_guard lock(mutex_);
  Series& s = family(name, help, kHistogram).series[std::move(key)];
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *s.histogram;
}

void Registry::gauge_callback(std::string_view name, std::string_view help, Labels labels,
                              std::function<double()> read) {
  auto key = normalized(std::move(labels));
  std::lock_guard lock(mutex_);
  Series& s = family(name, help, kGauge).series[std::move(key)];
  if (s.gauge) throw std::invalid_argument("metric '" + std::string(name) + "': series is not a callback");
  s.read = std::move(read);
}

void Registry::counter_callback(std::string_view name, std::string_view help, Labels labels,
                                std::function<double()> read) {
  auto key = normalized(std::move(labels));
  std::lock_guard lock(mutex_);
  Series& s = family(name, help, kCounter).series[std::move(key)];
  if (s.counter) throw std::invalid_argument("metric '" + std::string(name) + "': series is not a callback");
  s.read = std::move(read);
}

}  // namespace triagent::metrics
