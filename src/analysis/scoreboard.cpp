#include "triagent/analysis/scoreboard.hpp"

#include <cstdio>

namespace triagent::analysis {

void Scoreboard::add(const std::string& cls, std::size_t tp, std::size_t fp, std::size_t fn) {
  ClassCounts& c = classes_[cls];
  c.tp += tp;
  c.fp += fp;
  c.fn += fn;
}

ClassCounts Scoreboard::micro() const {
  ClassCounts total;
  for (const auto& [name, c] : classes_) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return total;
}

double Scoreboard::macro_f1() const {
  if (classes_.empty()) return 0.0;
  double sum = 0;
  for (const auto& [name, c] : classes_) sum += c.f1();
  return sum / static_cast<double>(classes_.size());
}

void Scoreboard::print(std::ostream& out, const std::string& title) const {
  char line[256];
  std::snprintf(line, sizeof line, "%-40s %6s %6s %6s %9s %7s %7s\n", title.c_str(), "tp", "fp", "fn", "precision",
                "recall", "f1");
  out << line;
  for (const auto& [name, c] : classes_) {
    std::snprintf(line, sizeof line, "%-40s %6zu %6zu %6zu %9.4f %7.4f %7.4f\n", name.c_str(), c.tp, c.fp, c.fn,
                  c.precision(), c.recall(), c.f1());
    out << line;
  }
  const ClassCounts m = micro();
  std::snprintf(line, sizeof line, "%-40s %6zu %6zu %6zu %9.4f %7.4f %7.4f\n", "OVERALL (micro)", m.tp, m.fp, m.fn,
                m.precision(), m.recall(), m.f1());
  out << line;
  std::snprintf(line, sizeof line, "%-40s %6s %6s %6s %9s %7s %7.4f\n", "OVERALL (macro F1)", "", "", "", "", "",
                macro_f1());
  out << line;
}

nlohmann::json Scoreboard::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, c] : classes_) {
    j["classes"][name] = {{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"precision", c.precision()},
                          {"recall", c.recall()}, {"f1", c.f1()}};
  }
  const ClassCounts m = micro();
  j["micro"] = {{"tp", m.tp}, {"fp", m.fp}, {"fn", m.fn}, {"precision", m.precision()}, {"recall", m.recall()},
                {"f1", m.f1()}};
  j["macro_f1"] = macro_f1();
  return j;
}

}  // namespace triagent::analysis
