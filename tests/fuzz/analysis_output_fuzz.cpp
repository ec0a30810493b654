// Fuzz target: the analysis output validator and the prompt fences. The input is used three ways:
// as an LLM answer (validated against a fixed pack), as evidence text (rendered into a prompt), and
// as evidence for the built-in analyst. Beyond "no crash" it checks the contracts:
//   - an accepted answer serialises, and validating that serialisation accepts the same output;
//   - every error names a JSON pointer ("/...: ");
//   - evidence text can never add or close an <evidence> tag of the prompt;
//   - the built-in analyst's output always validates.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "triagent/analysis/analysis_output_validator.hpp"
#include "triagent/analysis/builtin_analyst.hpp"
#include "triagent/analysis/prompt_evidence.hpp"

namespace {

using namespace triagent::analysis;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "analysis output contract violated: %s\n", what);
    std::abort();
  }
}

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

EvidencePack fixed_pack() {
  EvidencePack pack;
  pack.title = "fuzz";
  pack.kind = "threat";
  for (int i = 1; i <= 3; ++i) {
    EvidenceItem& e = pack.items.emplace_back();
    e.id = "ev-" + std::to_string(i);
    e.raw = "powershell -enc AAAA from 198.51.100.23 to evil.example.com hash d41d8cd98f00b204e9800998ecf8427e";
  }
  return pack;
}

const Analyzer& analyzer() {
  static const Analyzer a = [] {
    auto r = Analyzer::create(AnalyzerConfig{});
    require(r.has_value(), "analyzer loads");
    return std::move(*r);
  }();
  return a;
}

void check_answer(std::string_view text, const EvidencePack& pack, const ActionPolicy& policy) {
  const ValidationResult r = validate_analysis_output(text, pack, AttackCatalog::builtin(), policy);
  require(r.ok() == r.errors.empty(), "output set exactly when there are no errors");
  for (const auto& e : r.errors) require(e.size() >= 3 && e[0] == '/' && e.find(": ") != std::string::npos, "error path");
  if (!r.ok()) return;
  const std::string dumped = nlohmann::json(*r.output).dump();
  const ValidationResult again = validate_analysis_output(dumped, pack, AttackCatalog::builtin(), policy);
  require(again.ok(), "an accepted output validates again");
  require(nlohmann::json(*again.output).dump() == dumped, "validation is idempotent");
}

void check_fence(std::string_view text) {
  EvidenceItem item;
  item.id = "ev-1";
  item.raw = std::string(text);
  item.summary = std::string(text.substr(0, 200));
  item.fields.push_back({std::string(text.substr(0, 50)), std::string(text)});
  const std::string rendered = render_evidence_item(item);
  require(count(rendered, "</evidence>") == 1 && rendered.ends_with("</evidence>"), "one closing tag, ours");
  require(count(rendered, "<evidence ") == 1 && rendered.starts_with("<evidence "), "one opening tag, ours");
  const std::string neutral = neutralize_untrusted(text);
  require(neutral.find("</evidence>") == std::string::npos && neutral.find("<system>") == std::string::npos,
          "reserved tags neutralised");
  require(nlohmann::json(neutral).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict).size() > 0,
          "neutralised text is valid UTF-8");
}

void check_builtin(std::string_view text, const ActionPolicy& policy) {
  EvidencePack pack;
  pack.title = std::string(text.substr(0, 100));
  EvidenceItem& e = pack.items.emplace_back();
  e.id = "ev-1";
  e.raw = std::string(text);
  e.host = std::string(text.substr(0, 20));
  e.iocs.push_back({"domain", std::string(text.substr(0, 40))});
  const AnalysisOutput out = BuiltinAnalyst(analyzer(), policy).analyze(pack);
  const std::string dumped = nlohmann::json(out).dump();  // throws (and fails) on invalid UTF-8
  require(validate_analysis_output(dumped, pack, AttackCatalog::builtin(), policy).ok(), "built-in output validates");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const EvidencePack pack = fixed_pack();
  static const ActionPolicy policy = ActionPolicy::low_risk();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_answer(text, pack, policy);
  check_fence(text);
  check_builtin(text, policy);
  return 0;
}
