// triagent-sim: a local stand-in for DataSet/SDL, SentinelOne Singularity (v2.1 REST, Deep
// Visibility, UAM GraphQL) and the LLM providers (OpenAI, Azure OpenAI, Anthropic), serving one
// scenario file, with deterministic fault injection. For integration tests and benchmarks.
//
//   triagent-sim --scenario tools/sim/scenarios/windows-workstation-attack.yaml
//                [--listen 127.0.0.1:0] [--faults faults.yaml] [--threads 2]
//   -> prints "listening on 127.0.0.1:<port>" once ready; SIGTERM/SIGINT stop it (exit 0).
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "http_server.hpp"
#include "router.hpp"
#include "scenario.hpp"
#include "sim_context.hpp"

namespace {

constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;

constexpr const char* kUsage =
    "usage: triagent-sim --scenario FILE [--listen HOST:PORT] [--faults FILE] [--threads N]\n"
    "  --scenario FILE   scenario YAML (agents, threats, alerts, DV events, DataSet events, keys)\n"
    "  --listen ADDR     address to listen on (default 127.0.0.1:0: an ephemeral port)\n"
    "  --faults FILE     fault rules (YAML or JSON) applied from the start\n"
    "  --threads N       io_context threads, 1..8 (default 2)\n";

struct Args {
  std::string scenario, listen = "127.0.0.1:0", faults;
  int threads = 2;
};

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string threads;
    if (arg == "--scenario") {
      if (!value(a.scenario)) return false;
    } else if (arg == "--listen") {
      if (!value(a.listen)) return false;
    } else if (arg == "--faults") {
      if (!value(a.faults)) return false;
    } else if (arg == "--threads") {
      if (!value(threads)) return false;
      a.threads = std::atoi(threads.c_str());
      if (a.threads < 1 || a.threads > 8) return false;
    } else {
      return false;
    }
  }
  return !a.scenario.empty();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace triagent;
  Args args;
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::cout << kUsage;
    return 0;
  }
  if (!parse_args(argc, argv, args)) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  auto scenario = sim::load_scenario(args.scenario);
  if (!scenario) {
    std::cerr << "triagent-sim: " << scenario.error().message << "\n";
    return kExitConfig;
  }
  std::vector<sim::FaultRule> faults;
  if (!args.faults.empty()) {
    std::ifstream in(args.faults);
    if (!in) {
      std::cerr << "triagent-sim: " << args.faults << ": cannot open fault file\n";
      return kExitConfig;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = sim::parse_faults(text.str(), args.faults);
    if (!parsed) {
      std::cerr << "triagent-sim: " << parsed.error().message << "\n";
      return kExitConfig;
    }
    faults = std::move(*parsed);
  }
  auto analyzer = analysis::Analyzer::create(analysis::AnalyzerConfig{});
  if (!analyzer) {
    std::cerr << "triagent-sim: analyzer: " << analyzer.error().message << "\n";
    return kExitConfig;
  }
  sim::ServerOptions options;
  const auto colon = args.listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "triagent-sim: --listen needs HOST:PORT\n";
    return kExitUsage;
  }
  options.listen_host = args.listen.substr(0, colon);
  options.listen_port = static_cast<std::uint16_t>(std::atoi(args.listen.c_str() + colon + 1));
  options.threads = args.threads;

  sim::SimContext ctx(std::move(*scenario), std::move(*analyzer));
  ctx.initial_faults = faults;
  ctx.faults.set(std::move(faults));
  const sim::Router router = sim::make_router();
  try {
    return sim::run_server(options, ctx, router, [&options](std::uint16_t port) {
      std::cout << "listening on " << options.listen_host << ":" << port << std::endl;
    });
  } catch (const std::exception& e) {
    std::cerr << "triagent-sim: cannot listen on " << args.listen << ": " << e.what() << "\n";
    return 69;  // EX_UNAVAILABLE
  }
}
