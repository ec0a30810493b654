// triagent-analyze: runs the analyzer's verbs (classify, redact, eval) without the daemon, for
// development and for operators who want the analyzer alone.
//
//   triagent-analyze classify logs.txt
//   triagent-analyze eval --task logtype --data shared/data/logs/logs.jsonl
#include <iostream>
#include <string>
#include <vector>

#include "triagent/analysis/commands.hpp"

int main(int argc, char** argv) {
  using namespace triagent::analysis;
  if (argc < 2) {
    std::cerr << "usage: triagent-analyze classify|redact|eval [args...]\n";
    return kExitUsage;
  }
  const std::string verb = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  std::ios::sync_with_stdio(false);
  if (verb == "classify") return classify_command(args, std::cin, std::cout, std::cerr);
  if (verb == "redact") return redact_command(args, std::cin, std::cout, std::cerr);
  if (verb == "eval") return eval_command(args, std::cin, std::cout, std::cerr);
  std::cerr << "triagent-analyze: unknown verb '" << verb << "'\n";
  return kExitUsage;
}
