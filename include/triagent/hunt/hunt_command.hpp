#pragma once
// `triagent hunt`: the hunting copilot from the command line.
//
//   triagent hunt --config FILE [--dry-run] [--templates-only] [--from T] [--to T] "question"
//   triagent hunt --config FILE --eval QUESTIONS.jsonl [--templates-only]
//
// The config is the daemon's (connectors.dataset, llm.providers, upstreams) plus an optional
// `hunt:` section (hunt_config.hpp). --dry-run translates and validates, prints the query and runs
// nothing. --eval reads {"question", "expected"} lines and reports the share of questions that
// give a valid query (and, for template answers, the share whose template id is the expected one),
// without running any query. Exit codes: 0 ok, 1 failure, 64 usage.
//
//   int rc = run_hunt_command({"--config", "triagent.yaml", "--dry-run", "failed logins"}, std::cout, std::cerr);

#include <ostream>
#include <string>
#include <vector>

namespace triagent::hunt {

int run_hunt_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace triagent::hunt
