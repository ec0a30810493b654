#include "cli/audit_command.hpp"

#include "cli/arguments.hpp"
#include "triagent/audit/audit_reader.hpp"
#include "triagent/config/loader.hpp"

namespace triagent::cli {

namespace {

constexpr int kExitDataError = 65;
constexpr int kExitUsage = 64;
constexpr int kExitNoInput = 66;
constexpr int kExitIoError = 74;
constexpr int kExitConfig = 78;

constexpr const char* kUsage = "usage: triagent audit verify [--config FILE] [--dir DIR]\n";

// Until the config has an `audit:` section, the log lives under the data directory.
std::string default_audit_dir(const Config& cfg) { return cfg.data_dir + "/audit"; }

int verify_command(const std::vector<std::string>& raw, std::ostream& out, std::ostream& err) {
  Arguments args;
  if (auto e = parse_arguments(raw, {"--config", "--dir"}, {}, args); e || !args.operands.empty()) {
    err << "triagent audit verify: " << (e ? *e : "unexpected argument " + args.operands.front()) << "\n" << kUsage;
    return kExitUsage;
  }
  std::string dir;
  if (auto d = args.option("--dir")) {
    dir = *d;
  } else {
    auto cfg = args.option("--config") ? load_config_file(*args.option("--config"))
                                       : load_config_text(embedded_default_config(), "<embedded>");
    if (!cfg) {
      err << "triagent: configuration error: " << cfg.error().message << "\n";
      return kExitConfig;
    }
    dir = default_audit_dir(*cfg);
  }

  auto report = audit::verify(dir);
  if (!report) {
    err << "triagent audit verify: " << report.error().message << "\n";
    return report.error().code == ErrorCode::not_found ? kExitNoInput : kExitIoError;
  }
  if (report->torn_tail) {
    err << "triagent audit verify: note: the file ends in an unterminated line (a write in progress, or one cut "
           "short by a crash that the daemon removes when it next opens the log); it was not checked\n";
  }
  if (!report->intact()) {
    err << "audit chain broken at line " << report->line << " (seq " << report->first_bad_seq
        << "): " << report->problem << "\n"
        << "the " << report->records << " records before it verify\n";
    return kExitDataError;
  }
  out << "audit chain intact: " << report->records << " records\n";
  return 0;
}

}  // namespace

int audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] != "verify") {
    err << kUsage;
    return kExitUsage;
  }
  return verify_command(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
}

}  // namespace triagent::cli
