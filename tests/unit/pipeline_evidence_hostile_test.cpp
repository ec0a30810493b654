// The packer on hostile input: huge values, invalid UTF-8, floods of events. Whatever comes in,
// the output stays bounded and well-formed.
#include <gtest/gtest.h>

#include <string>

#include "pipeline_evidence_test_support.hpp"
#include "triagent/analysis/prompt_evidence.hpp"
#include "triagent/analysis/prompt_template.hpp"
#include "triagent/pipeline/evidence_packer.hpp"

namespace triagent {
namespace {

using evidence_test::analyzer;
using evidence_test::plain;

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

Incident incident_at(std::int64_t t) {
  Incident inc;
  inc.source = "singularity";
  inc.kind = "threat";
  inc.external_id = "1";
  inc.time_ms = t;
  return inc;
}

TEST(EvidenceHostile, HugeValuesAreCutToTheConfiguredSizes) {
  const EvidencePackerConfig cfg;
  std::vector<ContextEvent> events;
  for (int i = 0; i < 5; ++i) {
    ContextEvent ev = plain("dataset", 1'000 + i, std::string(1 << 20, 'A'));
    ev.host = std::string(100'000, 'h');
    for (int f = 0; f < 2'000; ++f) ev.fields.emplace_back("field" + std::to_string(f), std::string(50'000, 'v'));
    ev.raw = {{"blob", std::string(1 << 20, 'x')}};
    events.push_back(std::move(ev));
  }
  const auto out = pack_evidence(incident_at(1'000), std::move(events), analyzer(), cfg);
  ASSERT_FALSE(out.pack.items.empty());
  EXPECT_LE(out.stats.tokens, cfg.token_budget);
  for (const auto& item : out.pack.items) {
    EXPECT_LE(item.summary.size(), cfg.max_summary_bytes + 32);
    EXPECT_LE(item.host.size(), 131u);
    EXPECT_LE(item.raw.size(), cfg.max_raw_bytes_per_item + 40);
  }
}

TEST(EvidenceHostile, InvalidUtf8AndControlCharactersComeOutAsValidOneLineText) {
  std::vector<ContextEvent> events;
  ContextEvent ev = plain("webhook", 5'000,
                          "bad \xC3\x28 bytes \xFF\xFE"
                          " and\nnew\rlines\x01 \xE2\x82");
  ev.host = "host\xF0\x28\x8C\xBC";
  ev.user =
      "us\xED"
      "er\x80";
  ev.fields = {{"na\xFF"
                "me",
                "va\xC0\xAF"
                "lue\nsecond line"},
               {"cmd", std::string("\xF4\x90\x80\x80") + "x"}};
  events.push_back(std::move(ev));
  const auto out = pack_evidence(incident_at(5'000), std::move(events), analyzer(), EvidencePackerConfig{});
  ASSERT_EQ(out.pack.items.size(), 1u);
  const auto& item = out.pack.items[0];
  for (const std::string* s : {&item.summary, &item.host, &item.user, &item.raw}) {
    EXPECT_TRUE(valid_utf8(*s)) << *s;
  }
  EXPECT_EQ(item.summary.find('\n'), std::string::npos);
  EXPECT_EQ(item.summary.find('\r'), std::string::npos);
  EXPECT_NE(item.summary.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD marks what was invalid
  EXPECT_TRUE(valid_utf8(analysis::render_evidence_item(item)));
  EXPECT_TRUE(valid_utf8(render_timeline_text(out.timeline)));
}

TEST(EvidenceHostile, TenThousandDistinctEventsWithIndicatorsStayBounded) {
  EvidencePackerConfig cfg;
  std::vector<ContextEvent> events;
  for (int i = 0; i < 10'000; ++i) {
    // Each holds its own public IP and domain: far more IOCs than the cap.
    const std::string ip = "203.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    events.push_back(plain("dataset", 1'000'000 + i, "connection " + std::to_string(i) + " to " + ip,
                           {{"dst", ip}, {"domain", "h" + std::to_string(i) + ".example.com"}}));
  }
  const auto out = pack_evidence(incident_at(1'000'000), std::move(events), analyzer(), cfg);
  const PackStats& st = out.stats;
  EXPECT_EQ(st.events_in, 10'000u);
  EXPECT_EQ(st.events_in, st.duplicates + st.kept + st.dropped);
  EXPECT_GT(st.iocs_total, cfg.max_iocs);  // counted...
  EXPECT_EQ(st.iocs_kept, cfg.max_iocs);   // ...but only the capped number carried
  EXPECT_LE(st.kept, cfg.max_iocs + cfg.max_rule_hits + cfg.max_items);
  EXPECT_TRUE(st.over_budget);
  EXPECT_LE(st.tokens, cfg.max_iocs * 60);  // bounded by the caps, not by the input
}

TEST(EvidenceHostile, TenThousandCopiesCollapseIntoOneItem) {
  std::vector<ContextEvent> events(10'000, plain("deep_visibility", 42'000, "Task Update: same thing"));
  const auto out = pack_evidence(incident_at(42'000), std::move(events), analyzer(), EvidencePackerConfig{});
  ASSERT_EQ(out.pack.items.size(), 1u);
  EXPECT_EQ(out.stats.duplicates, 9'999u);
  EXPECT_NE(out.pack.items[0].summary.find("(seen 10000 times)"), std::string::npos);
}

TEST(EvidenceHostile, EventsBeyondMaxEventsAreNotReadButTheThreatAlwaysIs) {
  EvidencePackerConfig cfg;
  cfg.max_events = 100;
  std::vector<ContextEvent> events;
  for (int i = 0; i < 1'000; ++i) events.push_back(plain("dataset", 10'000 + i * 1'000, "line " + std::to_string(i)));
  ContextEvent threat = plain("threat", 0, "Threat evil.exe: Malware");  // no time: would sort last
  events.push_back(std::move(threat));
  const auto out = pack_evidence(incident_at(10'000), std::move(events), analyzer(), cfg);
  EXPECT_EQ(out.stats.events_over_cap, 901u);
  EXPECT_EQ(out.stats.events_in, out.stats.duplicates + out.stats.kept + out.stats.dropped);
  bool has_threat = false;
  for (const auto& item : out.pack.items) has_threat = has_threat || item.source == analysis::EvidenceSource::threat;
  EXPECT_TRUE(has_threat);
}

}  // namespace
}  // namespace triagent
