#pragma once
// A small metrics registry rendered in the Prometheus text exposition format 0.0.4.
//
// Registration (name + label set -> series) takes a mutex and happens once; what it returns is a
// handle whose updates are single atomic operations, cheap enough for every webhook:
//
//   metrics::Registry registry;
//   metrics::Counter& accepted = registry.counter("triagent_webhooks_received_total", "Webhooks received.",
//                                                {{"source", "dataset"}, {"outcome", "accepted"}});
//   accepted.inc();                                             // hot path: one atomic add
//   registry.gauge_callback("triagent_approvals_pending", "Pending approvals.", {}, [&] { return pending(); });
//   std::string text = registry.render();                       // GET /metrics
//
// Output is deterministic: families sorted by name, series by their (name-sorted) labels, each
// family with its # HELP and # TYPE lines. Handles live as long as the registry. Callbacks run
// during render() under the registry's lock: they must not touch the registry.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triagent::metrics {

// Label name -> value. Order does not matter: the registry sorts by name.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  // Negative increments are ignored: a counter only goes up.
  void inc(double by = 1) noexcept {
    if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
  }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double by) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: upper bounds, strictly increasing; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1 (the +Inf bucket)
  std::atomic<double> sum_{0};
};

// Seconds, for request and stage latencies: 5 ms .. 5 min.
std::vector<double> default_duration_buckets();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The same name and labels return the same handle. A name registered with another type, or an
  // invalid metric or label name, throws std::invalid_argument (a programming error).
  Counter& counter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, Labels labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds, Labels labels = {});
  // Series whose value is read at render time (queue depth, breaker state, totals kept elsewhere).
  // Registering the same name and labels again replaces the callback.
  void gauge_callback(std::string_view name, std::string_view help, Labels labels, std::function<double()> read);
  void counter_callback(std::string_view name, std::string_view help, Labels labels, std::function<double()> read);

  // The Prometheus text format 0.0.4.
  std::string render() const;

  struct Family;

 private:
  Family& family(std::string_view name, std::string_view help, int type);
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// A label value as the format needs it: \ -> \\, " -> \", newline -> \n.
std::string escape_label_value(std::string_view value);
// A sample value: integers as integers, others in the shortest form that reads back exactly,
// +Inf, -Inf, NaN.
std::string format_value(double value);

}  // namespace triagent::metrics
