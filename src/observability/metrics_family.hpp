#pragma once
// The registry's storage, shared by registration (metrics_registry.cpp) and rendering
// (metrics_exposition.cpp).

#include "triagent/observability/metrics.hpp"

namespace triagent::metrics {

enum FamilyType : int { kCounter = 0, kGauge = 1, kHistogram = 2 };

struct Series {
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> read;  // callback series
};

struct Registry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  std::map<Labels, Series> series;  // labels sorted by name, so the map order is the output order
};

}  // namespace triagent::metrics
