#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

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
  // Lines go to the analyzer Analyzer::kBatchEvents at a time. A batch is cut short when no more
  // input is waiting (in_avail() <= 0), so a line piped in interactively is answered at once.
  std::vector<std::string> lines(Analyzer::kBatchEvents);
  std::vector<std::string_view> views;
  std::vector<AnalysisState> states(Analyzer::kBatchEvents);
  std::string buf;
  Progress progress(err, quiet);
  std::size_t n = 0;
  auto run_batch = [&] {
    views.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(n));
    analyzer->analyze_batch(views, states);
    buf.clear();
    for (std::size_t k = 0; k < n; ++k) {
      analyzer->write_enriched(states[k], buf);
      buf.push_back('\n');
      progress.add(lines[k].size() + 1);
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    n = 0;
  };
  while (std::getline(*src, lines[n])) {
    ++n;
    if (n == lines.size() || src->rdbuf()->in_avail() <= 0) run_batch();
  }
  if (n > 0) run_batch();
  out.flush();
  return out ? 0 : 1;
}

}  // namespace triagent::analysis
