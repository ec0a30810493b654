// Fuzz target: log-type detection and every parser behind it, IOC extraction and the whole
// analyzer (rules included) on one arbitrary line. Must never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/fang.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace triagent::analysis;
  static const Analyzer analyzer = [] {
    auto a = Analyzer::create(AnalyzerConfig{});
    if (!a) __builtin_trap();
    return std::move(*a);
  }();
  static AnalysisState st;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  analyzer.analyze(line, st);
  std::string out;
  analyzer.write_enriched(st, out);
  (void)fang(line);
  return 0;
}
