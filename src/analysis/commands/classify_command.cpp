#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/commands/line_batches.hpp"
#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/commands.hpp"
#include "triagent/analysis/json_flatten.hpp"

namespace triagent::analysis {
namespace {

void classify_usage(std::ostream& err) {
  err << "usage: triagent classify [FILE|-] [--rules DIR]... [--no-builtin-rules] [--quiet]\n"
         "  one event per input line (JSON object or raw log line), one enriched JSON line out\n";
}

// Progress on stderr for long inputs: every 64 MiB.
class Progress {
 public:
  Progress(std::ostream& err, bool quiet) : err_(err), quiet_(quiet) {}
  void add(std::size_t bytes) {
    total_ += bytes;
    ++lines_;
    if (!quiet_ && total_ >= next_) {
      err_ << "classify: " << lines_ << " lines, " << (total_ >> 20) << " MiB\n";
      next_ += kStep;
    }
  }

 private:
  static constexpr std::size_t kStep = std::size_t{64} << 20;
  std::ostream& err_;
  bool quiet_;
  std::size_t total_ = 0, lines_ = 0, next_ = kStep;
};

}  // namespace

int classify_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  AnalyzerConfig config;
  std::string file;
  bool quiet = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--rules" && i + 1 < args.size()) {
      config.rule_dirs.push_back(args[++i]);
    } else if (a == "--no-builtin-rules") {
      config.builtin_rules = false;
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a == "-h" || a == "--help") {
      classify_usage(out);
      return 0;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      err << "classify: unknown option '" << a << "'\n";
      classify_usage(err);
      return kExitUsage;
    } else if (file.empty()) {
      file = a;
    } else {
      classify_usage(err);
      return kExitUsage;
    }
  }
  std::vector<std::string> warnings;
  auto analyzer = Analyzer::create(config, &warnings);
  if (!analyzer) {
    err << "classify: " << analyzer.error().message << "\n";
    return 1;
  }
  for (const auto& w : warnings) err << "classify: rules: " << w << "\n";
  std::ifstream f;
  std::istream* src = &in;
  if (!file.empty() && file != "-") {
    f.open(file, std::ios::binary);
    if (!f) {
      err << "classify: cannot open " << file << "\n";
      return 1;
    }
    src = &f;
  }
  std::vector<AnalysisState> states(Analyzer::kBatchEvents);
  std::string buf;
  Progress progress(err, quiet);
  for_each_line_batch(*src, states.size(), [&](std::span<const std::string_view> lines) {
    analyzer->analyze_batch(lines, states);
    buf.clear();
    for (std::size_t k = 0; k < lines.size(); ++k) {
      analyzer->write_enriched(states[k], buf);
      buf.push_back('\n');
      progress.add(lines[k].size() + 1);
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  });
  out.flush();
  return out ? 0 : 1;
}

}  // namespace triagent::analysis
