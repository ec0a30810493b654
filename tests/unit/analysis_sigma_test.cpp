#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "triagent/analysis/attack_catalog.hpp"
#include "triagent/analysis/log_type.hpp"
#include "triagent/analysis/sigma.hpp"

namespace triagent::analysis {
namespace {

std::vector<std::string> matches(const std::string& yaml, std::string_view line,
                                 std::vector<std::string>* warnings = nullptr) {
  SigmaRuleSet rules;
  auto n = rules.add_yaml(yaml, "test.yml", AttackCatalog::builtin(), warnings);
  EXPECT_TRUE(n.has_value());
  ParsedEvent ev;
  LogTypeDetector().detect(line, ev);
  std::vector<std::string> titles;
  rules.match(ev, [&titles](const SigmaRule& r) { titles.push_back(r.title); });
  return titles;
}

constexpr std::string_view kProc =
    R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","CommandLine":"powershell.exe -NoP -EncodedCommand SQBFAFgA","ParentImage":"C:\\Windows\\explorer.exe","OriginalFileName":"PowerShell.EXE","DestinationIp":"10.1.2.3","Count":"7"})";

// Wildcard keywords and field globs are gated by their longest literal run; the gate must never
// hide a real match, on text lines or on structured events.
TEST(Sigma, WildcardKeywordsAndGlobsStillMatchBehindTheirLiteralGate) {
  const std::string yaml = R"(
title: ads keyword
detection:
  plain: {EventID: 15}
  cli: ['type * > *:*']
  condition: plain or cli
---
title: glob field
detection:
  s: {CommandLine: '*rundll32*,#*'}
  condition: s
)";
  EXPECT_EQ(matches(yaml, R"({"CommandLine":"cmd /c type evil.exe > C:\\x\\a.txt:evil.exe"})"),
            std::vector<std::string>{"ads keyword"});
  EXPECT_EQ(matches(yaml, "cmd /c TYPE evil.exe > C:\\x\\a.txt:evil.exe"), std::vector<std::string>{"ads keyword"});
  EXPECT_TRUE(matches(yaml, R"({"CommandLine":"cmd /c copy evil.exe a.txt"})").empty());
  EXPECT_TRUE(matches(yaml, R"({"A":"type x","B":"> y:z"})").empty());  // runs split over two fields
  EXPECT_EQ(matches(yaml, R"({"CommandLine":"RUNDLL32.EXE shell32.dll,#61"})"), std::vector<std::string>{"glob field"});
  EXPECT_TRUE(matches(yaml, R"({"CommandLine":"notepad.exe shell32.dll,#61"})").empty());
}

// A rule's gate may name the whole value an exact or prefix pattern wants (the literal scan reads
// every field value). On a text line, a value the parser built is not a piece of the line: here
// CEF's "\\=" unescaped to '=', so "a=b" occurs in no byte of the line, only in the field.
TEST(Sigma, ExactValuesAParserBuiltFromATextLineStillMatch) {
  const std::string yaml = R"(
title: exact unescaped value
detection:
  s: {msg: 'a=b c'}
  condition: s
---
title: prefix of a plain value
detection:
  s: {src|startswith: '10.0.'}
  condition: s
---
title: value the line lacks
detection:
  s: {msg: 'zzz'}
  condition: s
)";
  const std::string line = R"(CEF:0|Vendor|Product|1.0|100|Something happened|5|msg=a\=b c src=10.0.0.1)";
  EXPECT_EQ(matches(yaml, line), (std::vector<std::string>{"exact unescaped value", "prefix of a plain value"}));
}

TEST(Sigma, ModifiersAndLogsource) {
  const std::string yaml = R"(
title: contains-all
logsource: {product: windows, category: process_creation}
detection:
  s: {CommandLine|contains|all: ['-nop', 'encodedcommand']}
  condition: s
---
title: startswith-endswith
logsource: {product: windows}
detection:
  s:
    Image|endswith: '\powershell.exe'
    ParentImage|startswith: 'C:\Windows\'
  condition: s
---
title: wildcard
detection:
  s: {Image: 'C:\Windows\\*\power?hell.exe'}
  condition: s
---
title: re-cidr-gt
detection:
  s:
    CommandLine|re: '(?i)-enc\w*\s+[A-Za-z0-9+/=]{8}'
    DestinationIp|cidr: '10.0.0.0/8'
    Count|gt: 5
  condition: s
---
title: wrong category
logsource: {product: windows, category: registry_set}
detection:
  s: {Image|contains: 'powershell'}
  condition: s
---
title: windash
detection:
  s: {CommandLine|contains|windash: '-nop'}
  condition: s
---
title: fieldref
detection:
  s: {Image|endswith|fieldref: OriginalFileName}
  condition: s
---
title: null-and-exists
detection:
  s: {Missing: null, Image|exists: true}
  condition: s
)";
  const auto got = matches(yaml, kProc);
  const std::vector<std::string> want = {"contains-all", "startswith-endswith", "wildcard", "re-cidr-gt",
                                         "windash", "fieldref", "null-and-exists"};
  EXPECT_EQ(got, want);
}

TEST(Sigma, ConditionsAndKeywords) {
  const std::string yaml = R"(
title: one-of-not
detection:
  sel_a: {Image|endswith: '\cmd.exe'}
  sel_b: {Image|endswith: '\powershell.exe'}
  filter: {ParentImage|endswith: '\services.exe'}
  condition: 1 of sel_* and not filter
---
title: all-of-them
detection:
  a: {EventID: 1}
  b: {CommandLine|contains: 'SQBFAFgA'}
  condition: all of them
---
title: keywords
detection:
  keywords: ['encodedcommand', 'nothing-here']
  condition: keywords
---
title: parens
detection:
  a: {EventID: 2}
  b: {EventID: 1}
  c: {Image|contains: 'powershell'}
  condition: (a or b) and c and not (a and not b)
---
title: list-of-maps
detection:
  s:
    - {Image|endswith: '\nope.exe'}
    - {CommandLine|startswith: 'powershell'}
  condition: s
---
title: never
detection:
  s: {EventID: 2}
  condition: not not s
)";
  const auto got = matches(yaml, kProc);
  const std::vector<std::string> want = {"one-of-not", "all-of-them", "keywords", "parens", "list-of-maps"};
  EXPECT_EQ(got, want);
}

TEST(Sigma, BadRulesAreSkippedWithWarnings) {
  const std::string yaml = R"(
title: aggregation
detection:
  s: {EventID: 1}
  condition: s | count() > 5
---
title: unknown selection
detection:
  s: {EventID: 1}
  condition: s and t
---
title: bad modifier
detection:
  s: {EventID|frobnicate: 1}
  condition: s
---
title: bad regex
detection:
  s: {Image|re: '('}
  condition: s
---
title: good
tags: [attack.t1086, attack.t9999, attack.t1685]
detection:
  s: {EventID: 1}
  condition: s
)";
  std::vector<std::string> warnings;
  SigmaRuleSet rules;
  auto n = rules.add_yaml(yaml, "bad.yml", AttackCatalog::builtin(), &warnings);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(warnings.size(), 5u);  // four skipped rules and one unknown technique
  // T1086 is retired (-> T1059.001); T1685 is an ATT&CK v19 id (-> T1562.001).
  const std::vector<std::string> want = {"T1059.001", "T1562.001"};
  EXPECT_EQ(rules.rules()[0].techniques, want);
  EXPECT_FALSE(rules.add_yaml("a: [unclosed", "broken.yml", AttackCatalog::builtin()).has_value());
}

TEST(Sigma, ConditionParserBounds) {
  const std::vector<std::string> names = {"a", "b"};
  EXPECT_TRUE(parse_sigma_condition("a and (b or not a)", names).has_value());
  EXPECT_FALSE(parse_sigma_condition("a and", names).has_value());
  EXPECT_FALSE(parse_sigma_condition("(a", names).has_value());
  EXPECT_FALSE(parse_sigma_condition("1 of z*", names).has_value());
  std::string deep(10000, '(');
  EXPECT_FALSE(parse_sigma_condition(deep + "a", names).has_value());
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_FALSE(parse_sigma_condition(nots + "a", names).has_value());
}

TEST(AttackCatalog, NormalizesIds) {
  const auto& cat = AttackCatalog::builtin();
  EXPECT_GT(cat.size(), 600u);
  ASSERT_NE(cat.find("T1003.001"), nullptr);
  EXPECT_EQ(cat.find("T1003.001")->name, "LSASS Memory");
  EXPECT_EQ(cat.normalize("attack.t1059.001").value_or(""), "T1059.001");
  EXPECT_EQ(cat.normalize("T1086").value_or(""), "T1059.001");
  EXPECT_FALSE(cat.normalize("T0000").has_value());
  EXPECT_FALSE(cat.normalize("bogus").has_value());
}

TEST(BuiltinRules, AllLoadCleanly) {
  SigmaRuleSet rules;
  std::vector<std::string> warnings;
  auto n = rules.add_directory(std::string(TRIAGENT_SOURCE_DIR) + "/config/rules", AttackCatalog::builtin(), &warnings);
  ASSERT_TRUE(n.has_value());
  EXPECT_GT(*n, 150u);
  for (const auto& w : warnings) ADD_FAILURE() << w;
  for (const auto& r : rules.rules()) EXPECT_FALSE(r.techniques.empty()) << r.title;
}

}  // namespace
}  // namespace triagent::analysis
