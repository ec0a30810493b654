// analyzer_bench: MB/s of `classify` (analyzer + enriched JSON) and `redact` on one core, over the
// raw logs of shared/data/logs/raw (or a directory given as argv[1]) repeated to >= 100 MB.
// Each figure is measured PASSES times over the whole input (default 5) and printed as the median
// pass, with the best and the worst: on a shared VM other tenants slow single passes by up to a
// third, and the best pass is the one they disturbed least.
// PART (all, classify or redact) runs one half only: scripts/bench_pair.sh compares two builds of
// one half in alternating runs (one pass each).
//
//   ./analyzer_bench [LOG_DIR] [TARGET_MB] [PART] [PASSES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/privacy/redactor.hpp"

namespace {

std::vector<std::string> load_lines(const std::string& dir) {
  std::vector<std::string> lines;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".log") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace triagent;
  const std::string dir = argc > 1 ? argv[1] : TRIAGENT_DEFAULT_LOG_DIR;
  const double target_mb = argc > 2 ? std::atof(argv[2]) : 100.0;
  const std::string part = argc > 3 ? argv[3] : "all";
  const int passes = argc > 4 ? std::atoi(argv[4]) : 5;
  if (part != "all" && part != "classify" && part != "redact") {
    std::fprintf(stderr, "analyzer_bench: PART is all, classify or redact, not %s\n", part.c_str());
    return 64;
  }
  if (passes < 1 || passes > 100) {
    std::fprintf(stderr, "analyzer_bench: PASSES is 1 to 100, not %s\n", argv[4]);
    return 64;
  }
  const std::vector<std::string> lines = load_lines(dir);
  if (lines.empty()) {
    std::fprintf(stderr, "analyzer_bench: no *.log files in %s\n", dir.c_str());
    return 1;
  }
  std::size_t sample_bytes = 0;
  for (const auto& l : lines) sample_bytes += l.size() + 1;
  const std::size_t rounds = static_cast<std::size_t>(target_mb * 1e6 / static_cast<double>(sample_bytes)) + 1;
  std::printf("input: %zu lines, %zu bytes from %s, repeated %zu times (%.1f MB)\n", lines.size(), sample_bytes,
              dir.c_str(), rounds, static_cast<double>(sample_bytes * rounds) / 1e6);

  const double mb = static_cast<double>(sample_bytes * rounds) / 1e6;
  const std::vector<std::string_view> views(lines.begin(), lines.end());
  // Runs `pass` (one pass over the whole input) `passes` times; prints the median, best and worst.
  auto measure = [mb, passes](const char* label, auto&& pass, const std::string& extra) {
    std::vector<double> secs;
    for (int k = 0; k < passes; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      pass();
      secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(secs.begin(), secs.end());
    const double median = secs[secs.size() / 2];
    std::printf("%s: %.1f MB in %.2f s = %.1f MB/s (median of %d passes; best %.1f, worst %.1f%s)\n", label, mb,
                median, mb / median, passes, mb / secs.front(), mb / secs.back(), extra.c_str());
  };
  std::string out;
  if (part != "redact") {
    auto analyzer = analysis::Analyzer::create(analysis::AnalyzerConfig{});
    if (!analyzer) return 1;
    std::size_t out_bytes = 0;
    // As `triagent classify` runs them: Analyzer::kBatchEvents lines at a time.
    std::vector<analysis::AnalysisState> states(analysis::Analyzer::kBatchEvents);
    auto classify = [&] {
      out_bytes = 0;
      for (std::size_t r = 0; r < rounds; ++r) {
        for (std::size_t b = 0; b < views.size(); b += states.size()) {
          const std::size_t n = std::min(states.size(), views.size() - b);
          analyzer->analyze_batch(std::span(views).subspan(b, n), states);
          for (std::size_t k = 0; k < n; ++k) {
            out.clear();
            analyzer->write_enriched(states[k], out);
            out_bytes += out.size();
          }
        }
      }
    };
    char extra[96];
    std::snprintf(extra, sizeof extra, "; %zu rules", analyzer->rules().size());
    measure("classify", classify, extra);
    std::printf("classify output: %.1f MB per pass\n", static_cast<double>(out_bytes) / 1e6);
    if (part == "classify") return out_bytes == 0;
  }

  auto redactor = privacy::Redactor::create(privacy::RedactionConfig{});
  if (!redactor) return 1;
  privacy::Vault vault;
  std::size_t red_bytes = 0;
  // As `triagent redact` runs them: Redactor::kBatchLines lines at a time.
  std::vector<std::string> redacted(privacy::Redactor::kBatchLines);
  auto redact_lines = [&] {
    for (std::size_t r = 0; r < rounds; ++r) {
      for (std::size_t b = 0; b < views.size(); b += redacted.size()) {
        const std::size_t n = std::min(redacted.size(), views.size() - b);
        redactor->redact_lines(std::span(views).subspan(b, n), vault, redacted);
        for (std::size_t k = 0; k < n; ++k) red_bytes += redacted[k].size();
      }
    }
  };
  auto redact_text = [&] {
    for (std::size_t r = 0; r < rounds; ++r) {
      for (const auto& l : lines) {
        out.clear();
        redactor->redact_text(l, vault, out);
        red_bytes += out.size();
      }
    }
  };
  measure("redact (line: JSON objects field-aware, text scanned)", redact_lines, "");
  std::printf("redact vault: %zu values\n", vault.size());
  measure("redact (text scanner on every line)", redact_text, "");
  return red_bytes == 0;
}
