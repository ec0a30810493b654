#pragma once
// One scorer per `triagent eval --task`: each reads the dev-data record format of its task from
// `in` and prints per-class and overall figures. Internal to the commands library.

#include <istream>
#include <ostream>

#include "triagent/analysis/analyzer_config.hpp"

namespace triagent::analysis::eval {

struct EvalOptions {
  bool json = false;          // print a JSON summary instead of the table
  bool verbose = false;       // print each miss to `err`
  AnalyzerConfig analyzer;    // rules to load for --task attack
};

int logtype(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt);
int ioc(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt);
int pii(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt);
int attack(std::istream& in, std::ostream& out, std::ostream& err, const EvalOptions& opt);

}  // namespace triagent::analysis::eval
