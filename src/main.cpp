// The `triagent` command: serve, check-config, audit verify, version (and the analyzer commands when built).
// Exit codes follow sysexits: 64 usage, 65 bad input data, 69 unavailable, 78 configuration.
#include <iostream>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/audit_command.hpp"
#include "cli/replay_command.hpp"
#include "daemon/audit_section.hpp"
#include "triagent/hunt/hunt_command.hpp"
#include "triagent/hunt/hunt_runtime.hpp"
#include "cli/version_command.hpp"
#include "daemon/daemon.hpp"
#include "triagent/config/loader.hpp"
#include "triagent/observability/log.hpp"
#ifdef TRIAGENT_HAVE_ANALYZER
#include "triagent/analysis/commands.hpp"
#endif

namespace {

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;

const char* kUsage = R"(usage: triagent <command> [options]

commands:
  serve [--config FILE] [--log-level LEVEL]   run the daemon (without --config: the embedded defaults)
  check-config [--config FILE]                validate a config and print it with secrets redacted
  version                                     print versions of triagent and its libraries
  audit verify [--config FILE] [--dir DIR]    check the audit trail's hash chain (exit 65 if broken)
  replay --config FILE [--mode M] INPUT.jsonl run recorded webhooks through the pipeline (shadow mode
                                              unless --mode assist|auto) and print a summary table
  hunt --config FILE [--dry-run] "question"  translate a question into a validated PowerQuery and run it
  classify [FILE|-]                           enrich log lines with log type, IOCs, ATT&CK, severity
  redact [FILE|-] [--show-vault]              replace PII and secrets with placeholders
  eval --task logtype|ioc|pii|attack --data FILE.jsonl
                                              score the built-in analyzer on labeled data

Config values may use ${VAR}, ${VAR:-default}, ${VAR:?message} and ${file:/path}.
)";

triagent::Result<triagent::Config> load(const triagent::cli::Arguments& args) {
  if (auto path = args.option("--config")) return triagent::load_config_file(*path);
  return triagent::load_config_text(triagent::embedded_default_config(), "<embedded>");
}

int serve(const std::vector<std::string>& raw) {
  triagent::cli::Arguments args;
  if (auto err = triagent::cli::parse_arguments(raw, {"--config", "--log-level"}, {}, args)) {
    std::cerr << "triagent serve: " << *err << "\n" << kUsage;
    return kExitUsage;
  }
  auto cfg = load(args);
  if (!cfg) {
    std::cerr << "triagent: configuration error: " << cfg.error().message << "\n";
    return kExitConfig;
  }
  std::string level_text = args.option("--log-level").value_or(cfg->log.level);
  triagent::log::Level level{};
  if (!triagent::log::parse_level(level_text, level)) {
    std::cerr << "triagent serve: unknown log level '" << level_text << "'\n";
    return kExitUsage;
  }
  triagent::log::init(level);
  return triagent::run_daemon(*cfg, std::cout);
}

int check_config(const std::vector<std::string>& raw) {
  triagent::cli::Arguments args;
  if (auto err = triagent::cli::parse_arguments(raw, {"--config"}, {}, args)) {
    std::cerr << "triagent check-config: " << *err << "\n";
    return kExitUsage;
  }
  auto cfg = load(args);
  if (!cfg) {
    std::cerr << "triagent: configuration error: " << cfg.error().message << "\n";
    return kExitConfig;
  }
  // The sections whose schema belongs to other modules are checked by those modules.
  auto hunt_cfg = triagent::hunt::hunt_config_of(*cfg);
  auto ship_cfg = triagent::audit_shipping_config_of(*cfg);
  for (const triagent::Error* e : {hunt_cfg ? nullptr : &hunt_cfg.error(), ship_cfg ? nullptr : &ship_cfg.error()}) {
    if (e == nullptr) continue;
    std::cerr << "triagent: configuration error: " << e->message << "\n";
    return kExitConfig;
  }
  std::cout << triagent::describe_config(*cfg);
  std::cerr << "triagent: " << cfg->source_name << " is valid\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? kExitUsage : 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "serve") return serve(rest);
    if (command == "check-config" || command == "--validate") return check_config(rest);
    if (command == "audit") return triagent::cli::audit_command(rest, std::cout, std::cerr);
    if (command == "replay") return triagent::cli::replay_command(rest, std::cout, std::cerr);
    if (command == "hunt") return triagent::hunt::run_hunt_command(rest, std::cout, std::cerr);
    if (command == "version" || command == "--version") {
      triagent::cli::print_version(std::cout);
      return 0;
    }
#ifdef TRIAGENT_HAVE_ANALYZER
    // classify and redact filter streams and write nothing through C stdio. Unsynchronised, cin
    // reads in blocks and can say how much input is waiting (classify batches what is).
    if (command == "classify" || command == "redact") std::ios::sync_with_stdio(false);
    if (command == "classify") return triagent::analysis::classify_command(rest, std::cin, std::cout, std::cerr);
    if (command == "redact") return triagent::analysis::redact_command(rest, std::cin, std::cout, std::cerr);
    if (command == "eval") return triagent::analysis::eval_command(rest, std::cin, std::cout, std::cerr);
#endif
  } catch (const std::exception& e) {
    std::cerr << "triagent " << command << ": " << e.what() << "\n";
    return 70;  // EX_SOFTWARE
  }
  std::cerr << "triagent: unknown command '" << command << "'\n" << kUsage;
  return kExitUsage;
}
