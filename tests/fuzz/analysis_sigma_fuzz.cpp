// Fuzz target: the Sigma condition parser and the YAML rule loader. The first line of the input
// is a condition over selections sel1..sel3 and keywords; the rest is loaded as rule YAML.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/analysis/log_type.hpp"
#include "triagent/analysis/sigma.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace triagent::analysis;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nl = text.find('\n');
  const std::string_view condition = text.substr(0, nl);
  static const std::vector<std::string> names = {"sel1", "sel2", "sel3", "keywords", "filter_a", "_helper"};
  (void)parse_sigma_condition(condition, names);
  if (nl != std::string_view::npos) {
    SigmaRuleSet rules;
    std::vector<std::string> warnings;
    (void)rules.add_yaml(text.substr(nl + 1), "fuzz.yml", AttackCatalog::builtin(), &warnings);
    ParsedEvent ev;
    LogTypeDetector().detect(R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\x\\a.exe","CommandLine":"a -enc QQ=="})", ev);
    rules.match(ev, [](const SigmaRule&) {});
  }
  return 0;
}
