#include <gtest/gtest.h>

#include "triagent/pipeline/redact_stage.hpp"

namespace triagent {
namespace {

using analysis::EvidenceItem;
using analysis::EvidencePack;

std::string everything(const EvidencePack& p) {
  std::string all = p.title;
  for (const auto& i : p.items) {
    all += "|" + i.host + "|" + i.user + "|" + i.summary + "|" + i.raw;
    for (const auto& f : i.fields) all += "|" + f.value;
    for (const auto& c : i.iocs) all += "|" + c.value;
  }
  for (const auto& q : p.queries_run) all += "|" + q;
  return all;
}

EvidencePack sample_pack() {
  EvidencePack p;
  p.title = "Credential theft on WS-FIN-023 by jsmith";
  EvidenceItem a;
  a.id = "ev-1";
  a.host = "WS-FIN-023";
  a.user = "jsmith";
  a.summary = "jsmith ran rundll32 on WS-FIN-023";
  a.raw = R"({"user":"jsmith","src_ip":"203.0.113.77","mail":"j.smith@northwind.example","note":"call +1 415 555 0134"})";
  a.fields = {{"ComputerName", "WS-FIN-023"}, {"dst", "203.0.113.77"}};
  a.iocs = {{"ipv4", "203.0.113.77"}};
  EvidenceItem b;
  b.id = "ev-2";
  b.host = "SRV-FS-02";
  b.user = "jsmith";
  b.raw = "4624 logon type 3 account jsmith from WS-FIN-023 password=Winter2025!";
  p.items = {a, b};
  p.queries_run = {"serverHost == 'WS-FIN-023' | limit 100"};
  return p;
}

TEST(RedactEvidence, NoRawValueSurvivesAnywhereInThePack) {
  auto redactor = privacy::Redactor::create(privacy::RedactionConfig{});
  ASSERT_TRUE(redactor);
  privacy::Vault vault;
  EvidencePack safe = redact_evidence(sample_pack(), *redactor, vault);
  const std::string all = everything(safe);
  for (const char* raw : {"WS-FIN-023", "jsmith", "203.0.113.77", "j.smith@northwind.example", "SRV-FS-02",
                          "Winter2025!", "415 555 0134"}) {
    EXPECT_EQ(all.find(raw), std::string::npos) << raw << " in " << all;
  }
  EXPECT_FALSE(vault.find_leak(all).has_value());
}

TEST(RedactEvidence, OneValueOnePlaceholderAcrossItemsAndRestorable) {
  auto redactor = privacy::Redactor::create(privacy::RedactionConfig{});
  privacy::Vault vault;
  EvidencePack safe = redact_evidence(sample_pack(), *redactor, vault);
  EXPECT_EQ(safe.items[0].user, safe.items[1].user);
  EXPECT_NE(safe.items[0].summary.find(safe.items[0].user), std::string::npos);
  EXPECT_NE(safe.items[1].raw.find(safe.items[0].host), std::string::npos);
  EXPECT_EQ(vault.restore(safe.title), "Credential theft on WS-FIN-023 by jsmith");
}

}  // namespace
}  // namespace triagent
