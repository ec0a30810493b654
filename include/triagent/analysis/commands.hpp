#pragma once
// The analyzer's command-line verbs, as functions the `triagent` binary (and the private
// `triagent-analyze` driver) call with the arguments after the verb:
//   triagent classify [FILE|-] [--rules DIR]... [--no-builtin-rules]
//   triagent redact [FILE|-] [--json] [--show-vault] [--ip keep|pseudonymize|drop]
//   triagent eval --task logtype|ioc|pii|attack --data FILE.jsonl [--json]
// Each returns a process exit code: 0 ok, 1 runtime failure, 64 usage error.
//
//   std::vector<std::string> args{"--task", "logtype", "--data", "logs.jsonl"};
//   int rc = triagent::analysis::eval_command(args, std::cin, std::cout, std::cerr);

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace triagent::analysis {

inline constexpr int kExitUsage = 64;

int classify_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
int redact_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
int eval_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace triagent::analysis
