#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "analysis_output_test_support.hpp"
#include "triagent/analysis/analysis_output_validator.hpp"
#include "triagent/analysis/builtin_analyst.hpp"

namespace triagent::analysis {
namespace {

using nlohmann::json;
using test::item;
using test::sample_pack;
using test::shared_analyzer;

std::string joined(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& l : list) s += l + "\n";
  return s;
}

// The built-in output, checked the way an LLM answer is: serialised, then validated.
AnalysisOutput analyse_and_validate(const EvidencePack& pack, const ActionPolicy& policy = ActionPolicy::low_risk()) {
  const AnalysisOutput out = BuiltinAnalyst(shared_analyzer(), policy).analyze(pack);
  const std::string text = json(out).dump(-1, ' ', false, json::error_handler_t::strict);
  const auto r = validate_analysis_output(text, pack, AttackCatalog::builtin(), policy);
  EXPECT_TRUE(r.ok()) << joined(r.errors) << text.substr(0, 2000);
  EXPECT_TRUE(r.notes.empty()) << joined(r.notes);
  if (r.ok()) {
    EXPECT_EQ(json(*r.output), json(out));  // nothing was corrected or dropped
  }
  return out;
}

bool has_technique(const AnalysisOutput& out, const std::string& id) {
  return std::any_of(out.techniques.begin(), out.techniques.end(), [&](const TechniqueClaim& t) { return t.id == id; });
}

TEST(BuiltinAnalyst, AnalysesTheSamplePack) {
  const EvidencePack pack = sample_pack();
  const AnalysisOutput out = analyse_and_validate(pack);
  ASSERT_TRUE(has_technique(out, "T1059.001"));
  for (const auto& t : out.techniques) {
    if (t.id == "T1059.001") {
      EXPECT_EQ(t.evidence_ids, std::vector<std::string>{"ev-1"});
    }
  }
  EXPECT_EQ(out.verdict, Verdict::suspicious);
  EXPECT_GE(out.severity_score, 70);
  EXPECT_EQ(out.severity, severity_for_score(out.severity_score));
  EXPECT_GT(out.confidence, 0.5);
  EXPECT_LE(out.confidence, 0.85);
  // IOCs: the public IP, the domain (also from the defanged URL), the caller's hash; never <IP_1>.
  auto ioc = [&](IocType type, const std::string& value) {
    return std::any_of(out.iocs.begin(), out.iocs.end(), [&](const IocClaim& c) { return c.type == type && c.value == value; });
  };
  EXPECT_TRUE(ioc(IocType::ipv4, "198.51.100.23"));
  EXPECT_TRUE(ioc(IocType::domain, "malicious.example.net"));
  EXPECT_TRUE(ioc(IocType::domain, "bad.example.org"));
  EXPECT_TRUE(ioc(IocType::sha256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
  // The timeline is in time order, whatever the pack order.
  ASSERT_EQ(out.timeline.size(), 3u);
  EXPECT_EQ(out.timeline[0].evidence_ids, std::vector<std::string>{"ev-2"});
  EXPECT_EQ(out.timeline[0].time, "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(out.timeline[0].event, "DNS lookup of malicious.example.net");
  EXPECT_EQ(out.timeline[2].evidence_ids, std::vector<std::string>{"ev-3"});
  EXPECT_EQ(out.evidence_ids, (std::vector<std::string>{"ev-1", "ev-2", "ev-3"}));
  EXPECT_EQ(out.tags[0], "triagent.builtin");
  EXPECT_NE(std::find(out.tags.begin(), out.tags.end(), "attack.t1059.001"), out.tags.end());
  ASSERT_EQ(out.recommended_actions.size(), 2u);
  EXPECT_EQ(out.recommended_actions[0].action, "add_note");
  EXPECT_EQ(out.recommended_actions[1].action, "add_tag");
  EXPECT_NE(out.summary.find("T1059.001 PowerShell (ev-1)"), std::string::npos) << out.summary;
  EXPECT_NE(out.impacted_assets.size(), 0u);
  EXPECT_EQ(out.impacted_assets[0].name, "ws1.corp.local");
}

TEST(BuiltinAnalyst, IsDeterministic) {
  const EvidencePack pack = sample_pack();
  const BuiltinAnalyst analyst(shared_analyzer());
  EXPECT_EQ(json(analyst.analyze(pack)).dump(), json(analyst.analyze(pack)).dump());
}

TEST(BuiltinAnalyst, QuietAndEmptyPacksAreUndefined) {
  EvidencePack empty;
  AnalysisOutput out = analyse_and_validate(empty);
  EXPECT_EQ(out.verdict, Verdict::undefined);
  EXPECT_EQ(out.severity, Severity::info);
  EXPECT_TRUE(out.evidence_ids.empty());
  EXPECT_TRUE(out.timeline.empty());

  EvidencePack quiet;
  quiet.kind = "dataset_alert";
  quiet.severity = Severity::medium;  // the source's own severity is a floor
  quiet.items.push_back(item("ev-1", EvidenceSource::dataset, 0, "2015-07-29 19:22:03,324 - INFO  [main:QuorumPeer@913] - LOOKING"));
  quiet.degraded_sources.push_back({"deep_visibility", "circuit open"});
  out = analyse_and_validate(quiet);
  EXPECT_EQ(out.verdict, Verdict::undefined);
  EXPECT_EQ(out.severity_score, 30);
  EXPECT_EQ(out.severity, Severity::low);
  EXPECT_LT(out.confidence, 0.3);
  EXPECT_NE(out.summary.find("Partial analysis: deep_visibility could not be read."), std::string::npos);
  EXPECT_EQ(out.timeline[0].time, "unknown");
}

TEST(BuiltinAnalyst, ProposesOnlyWhatThePolicyAllows) {
  auto none = ActionPolicy::from_names({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(analyse_and_validate(sample_pack(), *none).recommended_actions.empty());
  auto note_only = ActionPolicy::from_names({"add_note", "isolate_endpoint"});
  ASSERT_TRUE(note_only);
  const auto out = analyse_and_validate(sample_pack(), *note_only);
  ASSERT_EQ(out.recommended_actions.size(), 1u);
  EXPECT_EQ(out.recommended_actions[0].action, "add_note");  // never the high-risk one
}

TEST(BuiltinAnalyst, HostilePacksStillValidate) {
  EvidencePack pack;
  pack.title = std::string("bad \xff\xfe title\n</incident>") + std::string(5000, 'T');
  pack.kind = "threat";
  for (int i = 1; i <= 300; ++i) {
    EvidenceItem e = item("ev-" + std::to_string(i), EvidenceSource::storyline, 1'700'000'000'000 - i * 1000,
                          i % 3 == 0 ? std::string("\xc3\x28 powershell -enc AAAA from 8.8.8.8 \x01\x02")
                          : i % 3 == 1 ? std::string(200000, 'A')
                                       : R"({"CommandLine":"cmd /c whoami & net user","Image":"C:\\x\\cmd.exe","EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational"})");
    e.host = i % 2 ? std::string("host\xff") + std::to_string(i % 7) : std::string(1000, 'h');
    e.summary = i % 5 == 0 ? std::string(3000, 's') : std::string();
    e.iocs.push_back({"sha256", "not-a-hash"});
    e.iocs.push_back({"nonsense", "x"});
    e.iocs.push_back({"ipv4", "192.0.2.1"});  // the caller's own IOCs are evidence too
    pack.items.push_back(std::move(e));
  }
  pack.items.push_back(item("", EvidenceSource::webhook, 5, "uncitable"));
  const AnalysisOutput out = analyse_and_validate(pack);
  EXPECT_EQ(out.timeline.size(), AnalysisOutputLimits::timeline);
  EXPECT_EQ(out.timeline[0].evidence_ids, std::vector<std::string>{"ev-300"});  // oldest first
  EXPECT_EQ(out.evidence_ids.size(), 300u);
  for (const auto& i : out.iocs) EXPECT_NE(i.value, "not-a-hash");
  EXPECT_TRUE(std::any_of(out.iocs.begin(), out.iocs.end(), [](const IocClaim& c) { return c.value == "8.8.8.8"; }));
}

// Packs built from the labelled development events (ATT&CK-labelled third-party telemetry).
TEST(BuiltinAnalyst, LabelledDevEventsGiveValidOutput) {
  std::ifstream in(std::string(TRIAGENT_SOURCE_DIR) + "/../shared/data/labeled/dev.jsonl");
  if (!in) GTEST_SKIP() << "shared dev data not present";
  std::vector<json> records;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) records.push_back(json::parse(line));
  }
  ASSERT_GT(records.size(), 100u);
  std::size_t packs = 0, with_label_hit = 0;
  constexpr std::size_t kPerPack = 4;
  for (std::size_t start = 0; start < records.size(); start += kPerPack) {
    EvidencePack pack;
    pack.title = "dev pack " + std::to_string(start);
    pack.kind = "event";
    std::vector<std::string> labels;
    for (std::size_t k = start; k < std::min(records.size(), start + kPerPack); ++k) {
      const json& rec = records[k];
      const json& ev = rec["event"];
      const std::string raw = ev.contains("raw") && ev["raw"].is_string() ? ev["raw"].get<std::string>() : ev.dump();
      EvidenceItem e = item("ev-" + std::to_string(k - start + 1), k % 2 ? EvidenceSource::deep_visibility : EvidenceSource::dataset,
                            1'700'000'000'000 + static_cast<std::int64_t>(k) * 1000, raw);
      e.summary = rec.value("log_source", "") + " event";
      pack.items.push_back(std::move(e));
      for (const auto& t : rec["techniques"]) labels.push_back(t.get<std::string>());
    }
    const AnalysisOutput out = analyse_and_validate(pack);
    ++packs;
    with_label_hit += std::any_of(labels.begin(), labels.end(), [&](const std::string& l) { return has_technique(out, l); });
  }
  EXPECT_EQ(packs, (records.size() + kPerPack - 1) / kPerPack);
  // The analyzer's rules find at least one labelled technique in most packs.
  EXPECT_GE(with_label_hit * 10, packs * 9) << with_label_hit << " of " << packs;
  RecordProperty("packs_with_a_labelled_technique", std::to_string(with_label_hit) + " of " + std::to_string(packs));
}

}  // namespace
}  // namespace triagent::analysis

namespace triagent::analysis {
namespace {

TEST(TechniqueIdsIn, FindsIdsOnceAndOnlyAsWholeTokens) {
  EXPECT_EQ(technique_ids_in("Encoded PowerShell [T1059.001, T1027] and T1059.001 again"),
            (std::vector<std::string>{"T1059.001", "T1027"}));
  EXPECT_TRUE(technique_ids_in("AT1059 T10590 T105 XT1003.001").empty());
  EXPECT_EQ(technique_ids_in("(T1003.001)"), std::vector<std::string>{"T1003.001"});
}

}  // namespace
}  // namespace triagent::analysis
