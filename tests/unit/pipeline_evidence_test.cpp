// The evidence packer (stage 4): dedupe, ranking, the token budget, the IOC and rule-hit
// guarantee, ids in time order, and what it hands on (timeline, queries, degraded sources).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "pipeline_evidence_test_support.hpp"
#include "triagent/analysis/prompt_evidence.hpp"
#include "triagent/analysis/prompt_template.hpp"
#include "triagent/pipeline/evidence_packer.hpp"

namespace triagent {
namespace {

using analysis::EvidenceItem;
using evidence_test::analyzer;
using evidence_test::dv_process;
using evidence_test::plain;

constexpr std::int64_t kT0 = 1'763'474'552'418;  // 2025-11-18T14:02:32.418Z

Incident incident() {
  Incident inc;
  inc.source = "singularity";
  inc.kind = "threat";
  inc.external_id = "2287651234567890101";
  inc.title = "Invoice_INV-20931.docm";
  inc.severity = Severity::high;
  inc.time_ms = kT0;
  return inc;
}

std::string rendered(const analysis::EvidencePack& pack) {
  std::string out;
  for (const auto& item : pack.items) out += (out.empty() ? "" : "\n") + analysis::render_evidence_item(item);
  return out;
}

const EvidenceItem* item_with(const PackedEvidence& out, std::string_view summary_part) {
  for (const auto& item : out.pack.items) {
    if (item.summary.find(summary_part) != std::string::npos) return &item;
  }
  return nullptr;
}

// An event whose one field holds a distinct public IP, so the Analyzer finds one IOC in it.
ContextEvent with_ip(std::int64_t t, int n) {
  const std::string ip = "198.51.100." + std::to_string(n);
  return plain("dataset", t, "outbound connection " + std::to_string(n), {{"dst", ip}});
}

TEST(EvidencePacker, IdenticalEventsAndRepeatedIdsCollapseWithACount) {
  std::vector<ContextEvent> events;
  for (int i = 0; i < 3; ++i) events.push_back(plain("dataset", kT0, "user alice logged off", {{"LogonType", "2"}}));
  ContextEvent a = plain("deep_visibility", kT0 + 5, "Task Update: backup");
  a.raw = {{"id", "1900000000000001000"}};
  ContextEvent b = plain("deep_visibility", kT0 + 9, "Task Update: backup (page 2 copy)");
  b.raw = {{"id", "1900000000000001000"}};
  events.push_back(a);
  events.push_back(b);
  events.push_back(plain("webhook", kT0, "user alice logged off", {{"LogonType", "2"}}));  // other source: distinct

  const auto out = pack_evidence(incident(), std::move(events), analyzer(), EvidencePackerConfig{});
  EXPECT_EQ(out.stats.events_in, 6u);
  EXPECT_EQ(out.stats.duplicates, 3u);
  EXPECT_EQ(out.stats.kept, 3u);
  const EvidenceItem* logoff = item_with(out, "logged off (seen 3 times)");
  ASSERT_NE(logoff, nullptr);
  EXPECT_EQ(logoff->source, analysis::EvidenceSource::dataset);
  EXPECT_NE(item_with(out, "Task Update: backup (seen 2 times)"), nullptr);
}

TEST(EvidencePacker, TwinsFromTwoSensorsBecomeOneItemWithBothIndicators) {
  ContextEvent dv =
      dv_process("WS-FIN-023", kT0, "powershell.exe", "9044", "WINWORD.EXE", "8120", "powershell.exe -NoP");
  dv.fields.emplace_back("processImageSha1Hash", "0ecb32ead414fafc2e25e3b0bb0c2c35738274b6");
  ContextEvent sysmon = plain("dataset", kT0 + 3, "EventID 1 (Sysmon) Process Create: powershell.exe by WINWORD.EXE");
  sysmon.host = "WS-FIN-023.northwind.local";
  sysmon.raw = {{"attributes",
                 {{"EventID", 1},
                  {"Channel", "Microsoft-Windows-Sysmon/Operational"},
                  {"Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"},
                  {"Hashes", "MD5=2F2D399F0EA8844859FE5514B304733B"}}}};
  const auto out = pack_evidence(incident(), {dv, sysmon}, analyzer(), EvidencePackerConfig{});
  ASSERT_EQ(out.pack.items.size(), 1u);
  const EvidenceItem& item = out.pack.items[0];
  EXPECT_NE(item.summary.find("(also in Sysmon)"), std::string::npos) << item.summary;
  std::set<std::string> types;
  for (const auto& ioc : item.iocs) types.insert(ioc.type);
  EXPECT_TRUE(types.count("sha1") && types.count("md5")) << analysis::render_evidence_item(item);
  EXPECT_EQ(out.stats.duplicates, 1u);
}

TEST(EvidencePacker, RuleHitsOutrankPlainEventsAndAreAlwaysKept) {
  EvidencePackerConfig cfg;
  cfg.max_items = 1;  // one item by rank besides the must-keep ones
  std::vector<ContextEvent> events;
  for (int i = 0; i < 5; ++i) events.push_back(plain("dataset", kT0 + i, "service heartbeat " + std::to_string(i)));
  events.push_back(dv_process("WS-1", kT0 + 10'000, "powershell.exe", "9044", "WINWORD.EXE", "8120",
                              "powershell.exe -NoP -NonI -W Hidden -EncodedCommand SQBFAFgA"));
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), cfg);
  const EvidenceItem* ps = item_with(out, "powershell.exe");
  ASSERT_NE(ps, nullptr);
  EXPECT_FALSE(ps->rule_ids.empty());
  EXPECT_EQ(out.stats.rule_hits_kept, out.stats.rule_hits_total);
  EXPECT_EQ(out.stats.kept, 2u);  // the rule hit, then the best heartbeat
}

TEST(EvidencePacker, RareKindsOutrankTheFiftiethOfTheirKind) {
  EvidencePackerConfig cfg;
  cfg.max_items = 1;
  std::vector<ContextEvent> events;
  // Fifty failed logons nearer the incident's time, and one rare event a little further away.
  for (int i = 0; i < 50; ++i) events.push_back(plain("dataset", kT0 + i, "failed logon for svc-" + std::to_string(i)));
  events.push_back(plain("dataset", kT0 + 60'000, "audit log cleared by operator"));
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), cfg);
  ASSERT_EQ(out.pack.items.size(), 1u);
  EXPECT_EQ(out.pack.items[0].summary, "audit log cleared by operator");
}

TEST(EvidencePacker, CloserInTimeRanksHigherAmongAlikeEvents) {
  EvidencePackerConfig cfg;
  cfg.max_items = 1;
  std::vector<ContextEvent> events = {plain("dataset", kT0 - 10 * 3'600'000, "printer job queued"),
                                      plain("dataset", kT0 + 30'000, "share mounted"),
                                      plain("dataset", kT0 + 8 * 3'600'000, "screen locked")};
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), cfg);
  ASSERT_EQ(out.pack.items.size(), 1u);
  EXPECT_EQ(out.pack.items[0].summary, "share mounted");
}

TEST(EvidencePacker, OptionalItemsStayWithinTheTokenBudget) {
  EvidencePackerConfig cfg;
  cfg.token_budget = 600;
  std::vector<ContextEvent> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back(plain("dataset", kT0 + i * 1'000, "job step " + std::to_string(i) + " finished",
                           {{"detail", std::string(150, 'z')}, {"step", std::to_string(i)}}));
  }
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), cfg);
  EXPECT_GT(out.stats.kept, 1u);
  EXPECT_LT(out.stats.kept, 200u);
  EXPECT_LE(out.stats.tokens, 600u);
  EXPECT_FALSE(out.stats.over_budget);
  EXPECT_EQ(out.stats.tokens, analysis::estimate_tokens(rendered(out.pack)));
  EXPECT_EQ(out.stats.events_in, out.stats.duplicates + out.stats.kept + out.stats.dropped);
}

TEST(EvidencePacker, EveryIocAndRuleHitIsKeptEvenWhenTheBudgetIsTiny) {
  EvidencePackerConfig cfg;
  cfg.token_budget = 200;
  std::vector<ContextEvent> events;
  for (int i = 1; i <= 40; ++i) events.push_back(with_ip(kT0 + i, i));
  for (int i = 0; i < 5; ++i) {
    events.push_back(dv_process(
        "WS-" + std::to_string(i), kT0 + 100 + i, "rundll32.exe", std::to_string(3000 + i), "msedgeupd.exe", "6612",
        "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 684 C:\\Users\\Public\\d.dmp full"));
  }
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), cfg);
  const PackStats& st = out.stats;
  EXPECT_TRUE(st.over_budget);
  EXPECT_GE(st.iocs_total, 40u);
  EXPECT_EQ(st.iocs_kept, st.iocs_total);
  EXPECT_GE(st.rule_hits_total, 5u);  // per host
  EXPECT_EQ(st.rule_hits_kept, st.rule_hits_total);
  std::set<std::string> shown;
  for (const auto& item : out.pack.items) {
    for (const auto& ioc : item.iocs) shown.insert(ioc.value);
  }
  for (int i = 1; i <= 40; ++i) EXPECT_TRUE(shown.count("198.51.100." + std::to_string(i))) << i;
  const std::string text = rendered(out.pack);
  EXPECT_NE(text.find("198.51.100.40"), std::string::npos);
  EXPECT_NE(text.find("LSASS"), std::string::npos);
  for (const auto& item : out.pack.items) EXPECT_LE(item.raw.size(), 240u);  // cut, not dropped
}

TEST(EvidencePacker, IdsFollowTimeOrderWithUnknownTimesLast) {
  std::vector<ContextEvent> events = {plain("dataset", kT0 + 3'000, "third"), plain("dataset", 0, "no time"),
                                      plain("dataset", kT0 + 1'000, "first"), plain("dataset", kT0 + 2'000, "second")};
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), EvidencePackerConfig{});
  ASSERT_EQ(out.pack.items.size(), 4u);
  const std::vector<std::string> order = {"first", "second", "third", "no time"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out.pack.items[i].id, "ev-" + std::to_string(i + 1));
    EXPECT_EQ(out.pack.items[i].summary, order[i]);
  }
  ASSERT_EQ(out.timeline.items.size(), 4u);
  EXPECT_EQ(out.timeline.items[0].evidence_id, "ev-1");
  EXPECT_EQ(out.timeline.items[3].time_ms, 0);
}

TEST(EvidencePacker, TimelineListsKeptItemsInOrderAndCountsTheRest) {
  EvidencePackerConfig cfg;
  cfg.max_items = 2;
  std::vector<ContextEvent> events;
  for (int i = 0; i < 6; ++i) {
    events.push_back(plain("dataset", kT0 + (5 - i) * 1'000, "step " + std::to_string(5 - i)));
  }
  const auto out = pack_evidence(incident(), std::move(events), analyzer(), cfg);
  ASSERT_EQ(out.timeline.items.size(), 2u);
  EXPECT_LT(out.timeline.items[0].time_ms, out.timeline.items[1].time_ms);
  EXPECT_EQ(out.timeline.omitted, 4u);
  const std::string text = render_timeline_text(out.timeline);
  EXPECT_NE(text.find("2025-11-18T14:02:32.418Z host-a step 0 [ev-1]"), std::string::npos) << text;
  EXPECT_NE(text.find("(4 more events not shown)"), std::string::npos) << text;
}

TEST(EvidencePacker, PackCarriesTheIncidentQueriesAndDegradedSources) {
  const auto out = pack_evidence(incident(), {plain("dataset", kT0, "something")}, analyzer(), EvidencePackerConfig{},
                                 {{"deep_visibility", "circuit open"}}, {"dataset: serverHost = 'WS-1'"});
  EXPECT_EQ(out.pack.title, "Invoice_INV-20931.docm");
  EXPECT_EQ(out.pack.kind, "threat");
  EXPECT_EQ(out.pack.severity, Severity::high);
  ASSERT_EQ(out.pack.degraded_sources.size(), 1u);
  EXPECT_EQ(out.pack.degraded_sources[0].reason, "circuit open");
  ASSERT_EQ(out.pack.queries_run.size(), 1u);
}

TEST(EvidencePacker, RawTextIsCompactKeyValueWithoutRepeatingTheSummary) {
  ContextEvent ev = plain("dataset", kT0, "share mounted by alice", {{"share", "\\\\srv\\finance"}, {"who", "alice"}});
  ev.raw = {{"enormous", std::string(10'000, 'x')}};
  const auto out = pack_evidence(incident(), {ev}, analyzer(), EvidencePackerConfig{});
  ASSERT_EQ(out.pack.items.size(), 1u);
  EXPECT_EQ(out.pack.items[0].raw, "share=\\\\srv\\finance");  // "alice" is in the summary already
}

TEST(EvidencePacker, ConfigValidationNamesTheKey) {
  EXPECT_TRUE(EvidencePackerConfig{}.validate().has_value());
  EvidencePackerConfig cfg;
  cfg.token_budget = 10;
  auto r = cfg.validate();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("pipeline.evidence.token_budget"), std::string::npos);
  cfg = {};
  cfg.weights.rarity = -1;
  EXPECT_FALSE(cfg.validate().has_value());
}

}  // namespace
}  // namespace triagent
