#include <fstream>
#include <string>

#include "eval_tasks.hpp"
#include "triagent/analysis/commands.hpp"

namespace triagent::analysis {

namespace {
void eval_usage(std::ostream& err) {
  err << "usage: triagent eval --task logtype|ioc|pii|attack --data FILE.jsonl [--json] [--verbose]\n"
         "                     [--rules DIR]... [--no-builtin-rules]\n";
}
}  // namespace

int eval_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string task, data;
  eval::EvalOptions opt;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&](std::string& dst) {
      if (i + 1 >= args.size()) return false;
      dst = args[++i];
      return true;
    };
    if (a == "--task") {
      if (!next(task)) return eval_usage(err), kExitUsage;
    } else if (a == "--data") {
      if (!next(data)) return eval_usage(err), kExitUsage;
    } else if (a == "--rules") {
      std::string dir;
      if (!next(dir)) return eval_usage(err), kExitUsage;
      opt.analyzer.rule_dirs.push_back(dir);
    } else if (a == "--no-builtin-rules") {
      opt.analyzer.builtin_rules = false;
    } else if (a == "--json") {
      opt.json = true;
    } else if (a == "--verbose" || a == "-v") {
      opt.verbose = true;
    } else if (a == "-h" || a == "--help") {
      eval_usage(out);
      return 0;
    } else {
      err << "eval: unknown argument '" << a << "'\n";
      eval_usage(err);
      return kExitUsage;
    }
  }
  if (task.empty()) {
    eval_usage(err);
    return kExitUsage;
  }
  std::ifstream file;
  std::istream* src = &in;
  if (!data.empty() && data != "-") {
    file.open(data);
    if (!file) {
      err << "eval: cannot open " << data << "\n";
      return 1;
    }
    src = &file;
  }
  if (task == "logtype") return eval::logtype(*src, out, err, opt);
  if (task == "ioc") return eval::ioc(*src, out, err, opt);
  if (task == "pii") return eval::pii(*src, out, err, opt);
  if (task == "attack") return eval::attack(*src, out, err, opt);
  err << "eval: unknown task '" << task << "'\n";
  eval_usage(err);
  return kExitUsage;
}

}  // namespace triagent::analysis
