// `triagent hunt` (see hunt_command.hpp).
#include "triagent/hunt/hunt_command.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>

#include "triagent/config/loader.hpp"
#include "triagent/connectors/llm_chain.hpp"
#include "triagent/connectors/llm_factory.hpp"
#include "triagent/core/json_safety.hpp"
#include "triagent/hunt/hunt_config_yaml.hpp"
#include "triagent/hunt/hunt_prompt.hpp"
#include "triagent/hunt/hunt_runtime.hpp"
#include "triagent/hunt/hunt_service.hpp"
#include "triagent/net/http_client.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::hunt {

namespace {

constexpr int kUsage = 64;
constexpr const char* kUsageText =
    "usage: triagent hunt --config FILE [--dry-run] [--templates-only] [--from T] [--to T] \"question\"\n"
    "       triagent hunt --config FILE --eval QUESTIONS.jsonl [--templates-only]\n";

struct Options {
  std::string config, from, to, question, eval;
  bool dry_run = false, templates_only = false;
};

boost::asio::awaitable<void> hunt_into(HuntService* service, HuntRequest request, std::optional<Result<HuntAnswer>>* out) {
  out->emplace(co_await service->hunt(std::move(request)));
}

Result<HuntAnswer> run_one(HuntService& service, HuntRequest request) {
  boost::asio::io_context io;
  std::optional<Result<HuntAnswer>> out;
  boost::asio::co_spawn(io, hunt_into(&service, std::move(request), &out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return std::move(*out);
}

int eval(HuntService& service, const Options& o, std::ostream& out, std::ostream& err) {
  std::ifstream in(o.eval);
  if (!in) {
    err << "triagent hunt: cannot open " << o.eval << "\n";
    return 1;
  }
  int total = 0, valid = 0, llm = 0, repaired = 0, tpl = 0, tpl_right = 0, none_expected = 0, none_right = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = parse_untrusted_json(line);
    if (!j || !j->is_object() || !(*j)["question"].is_string()) continue;
    const std::string expected = j->value("expected", "");
    HuntRequest r;
    r.question = (*j)["question"].get<std::string>();
    r.dry_run = true;
    r.templates_only = o.templates_only;
    auto a = run_one(service, r);
    ++total;
    if (expected == "none") ++none_expected;
    if (!a) {
      if (expected == "none") ++none_right;
      out << "FAIL\t" << expected << "\t" << r.question << "\t" << a.error().message << "\n";
      continue;
    }
    ++valid;
    if (a->source == "llm") ++llm;
    if (a->repaired) ++repaired;
    if (a->source == "template") {
      ++tpl;
      if (a->template_id == expected) ++tpl_right;
    }
    out << "OK\t" << a->source << "\t" << (a->template_id.empty() ? "-" : a->template_id) << "\t" << expected << "\t"
        << r.question << "\t" << a->query << "\n";
  }
  auto pct = [](int a, int b) { return b ? std::to_string(100 * a / b) + "%" : std::string("n/a"); };
  out << "questions=" << total << " valid_query=" << valid << " (" << pct(valid, total) << ") llm=" << llm
      << " repaired=" << repaired << " template=" << tpl << " template_id_as_expected=" << tpl_right << "/" << tpl
      << " expected_none_refused=" << none_right << "/" << none_expected << "\n";
  return 0;
}

}  // namespace

int run_hunt_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "--config") { if (!value(o.config)) { err << kUsageText; return kUsage; } }
    else if (a == "--from") { if (!value(o.from)) { err << kUsageText; return kUsage; } }
    else if (a == "--to") { if (!value(o.to)) { err << kUsageText; return kUsage; } }
    else if (a == "--eval") { if (!value(o.eval)) { err << kUsageText; return kUsage; } }
    else if (a == "--dry-run") o.dry_run = true;
    else if (a == "--templates-only") o.templates_only = true;
    else if (a == "--help" || a == "-h") { out << kUsageText; return 0; }
    else if (!a.empty() && a[0] == '-') { err << "triagent hunt: unknown option " << a << "\n" << kUsageText; return kUsage; }
    else if (o.question.empty()) o.question = a;
    else { err << kUsageText; return kUsage; }
  }
  if (o.config.empty() || (o.question.empty() && o.eval.empty())) {
    err << kUsageText;
    return kUsage;
  }
  auto cfg = load_config_file(o.config);
  Result<HuntConfig> hunt_cfg = cfg ? hunt_config_of(*cfg) : Result<HuntConfig>(cfg.error());
  if (!hunt_cfg) {
    err << "triagent: configuration error: " << hunt_cfg.error().message << "\n";
    return 78;  // EX_CONFIG
  }
  auto rt = build_hunt_runtime(*cfg, *hunt_cfg, !o.templates_only);
  if (!rt) {
    err << "triagent hunt: " << rt.error().message << "\n";
    return 1;
  }
  if (!o.eval.empty()) return eval(*(*rt)->service, o, out, err);
  HuntRequest r;
  r.question = o.question;
  r.from = o.from;
  r.to = o.to;
  r.dry_run = o.dry_run;
  r.templates_only = o.templates_only;
  auto a = run_one(*(*rt)->service, r);
  if (!a) {
    err << "triagent hunt: " << a.error().message << "\n";
    return 1;
  }
  if (o.dry_run) {
    out << a->query << "\n";
    err << "source: " << a->source << (a->template_id.empty() ? "" : " (" + a->template_id + ")")
        << (a->repaired ? ", repaired" : "") << "\nrationale: " << a->rationale << "\n";
    return 0;
  }
  out << a->to_json().dump(2) << "\n";
  return 0;
}

}  // namespace triagent::hunt
