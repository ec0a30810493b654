#pragma once
// Scoreboard: per-class true/false positives and negatives, with precision, recall, F1 and the
// micro and macro averages, printed as the table `triagent eval` shows.
//
//   Scoreboard sb;
//   sb.add("windows-sysmon", /*tp=*/1, /*fp=*/0, /*fn=*/0);
//   sb.print(std::cout, "log type");

#include <cstddef>
#include <map>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace triagent::analysis {

struct ClassCounts {
  std::size_t tp = 0;
  std::size_t fp = 0;
  std::size_t fn = 0;
  double precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fp); }
  double recall() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / static_cast<double>(tp + fn); }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
};

class Scoreboard {
 public:
  void add(const std::string& cls, std::size_t tp, std::size_t fp, std::size_t fn);
  const std::map<std::string, ClassCounts>& classes() const { return classes_; }
  ClassCounts micro() const;
  double macro_f1() const;
  void print(std::ostream& out, const std::string& title) const;
  nlohmann::json to_json() const;

 private:
  std::map<std::string, ClassCounts> classes_;
};

}  // namespace triagent::analysis
