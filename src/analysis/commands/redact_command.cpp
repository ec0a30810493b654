#include <fstream>
#include <string>
#include <vector>

#include "analysis/commands/line_batches.hpp"
#include "triagent/analysis/commands.hpp"
#include "triagent/privacy/redactor.hpp"

namespace triagent::analysis {
namespace {

void redact_usage(std::ostream& err) {
  err << "usage: triagent redact [FILE|-] [--show-vault] [--ip keep|pseudonymize|drop] [--keep-private-ips]\n"
         "                       [--pattern TAG=RE2]... [--quiet]\n"
         "  JSON object lines are redacted field by field, other lines as text; --show-vault prints\n"
         "  the placeholder mapping as JSON on stderr at the end (it holds the raw values).\n";
}

}  // namespace

int redact_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  privacy::RedactionConfig config;
  std::string file;
  bool show_vault = false, quiet = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--show-vault") {
      show_vault = true;
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a == "--keep-private-ips") {
      config.keep_private_ips = true;
    } else if (a == "--ip" && i + 1 < args.size()) {
      const std::string& m = args[++i];
      if (m == "keep") config.ip_mode = privacy::IpMode::keep;
      else if (m == "pseudonymize") config.ip_mode = privacy::IpMode::pseudonymize;
      else if (m == "drop") config.ip_mode = privacy::IpMode::drop;
      else {
        redact_usage(err);
        return kExitUsage;
      }
    } else if (a == "--pattern" && i + 1 < args.size()) {
      const std::string& p = args[++i];
      const auto eq = p.find('=');
      if (eq == std::string::npos || eq == 0) {
        redact_usage(err);
        return kExitUsage;
      }
      config.extra_patterns.push_back({p.substr(0, eq), p.substr(eq + 1)});
    } else if (a == "-h" || a == "--help") {
      redact_usage(out);
      return 0;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      err << "redact: unknown option '" << a << "'\n";
      redact_usage(err);
      return kExitUsage;
    } else if (file.empty()) {
      file = a;
    } else {
      redact_usage(err);
      return kExitUsage;
    }
  }
  auto redactor = privacy::Redactor::create(config);
  if (!redactor) {
    err << "redact: " << redactor.error().message << "\n";
    return kExitUsage;
  }
  std::ifstream f;
  std::istream* src = &in;
  if (!file.empty() && file != "-") {
    f.open(file, std::ios::binary);
    if (!f) {
      err << "redact: cannot open " << file << "\n";
      return 1;
    }
    src = &f;
  }
  privacy::Vault vault;
  std::vector<std::string> redacted(privacy::Redactor::kBatchLines);
  std::string buf;
  std::size_t bytes = 0, next = std::size_t{64} << 20;
  for_each_line_batch(*src, redacted.size(), [&](std::span<const std::string_view> lines) {
    redactor->redact_lines(lines, vault, redacted);
    buf.clear();
    for (std::size_t k = 0; k < lines.size(); ++k) {
      buf += redacted[k];
      buf.push_back('\n');
      bytes += lines[k].size() + 1;
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (!quiet && bytes >= next) {
      err << "redact: " << (bytes >> 20) << " MiB, " << vault.size() << " values in the vault\n";
      next += std::size_t{64} << 20;
    }
  });
  out.flush();
  if (show_vault) err << vault.to_json().dump(2) << "\n";
  return out ? 0 : 1;
}

}  // namespace triagent::analysis
