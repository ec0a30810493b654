// The packer on the simulator's windows-workstation-attack scenario, as the connectors return it:
// the benchmark's targets (<= 3,000 prompt tokens per case, every IOC kept) on realistic events.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "pipeline_evidence_test_support.hpp"
#include "triagent/analysis/prompt_evidence.hpp"
#include "triagent/analysis/prompt_template.hpp"
#include "triagent/pipeline/evidence_normalize.hpp"
#include "triagent/pipeline/evidence_packer.hpp"

namespace triagent {
namespace {

using evidence_test::analyzer;

struct Case {
  Incident incident;
  std::vector<ContextEvent> events;
};

// The case of one threat: the threat, and the DV events and log lines of its host (what the
// planner's queries for the agent and the host return); with `every_host`, those of both hosts.
Case scenario_case(const evidence_test::Scenario& s, std::size_t threat, bool every_host) {
  Case c;
  const Threat& t = s.threats.at(threat);
  c.incident.source = "singularity";
  c.incident.kind = "threat";
  c.incident.external_id = t.id;
  c.incident.title = t.name;
  c.incident.severity = Severity::high;
  c.incident.time_ms = t.created_at_ms;
  Entities::add(c.incident.entities.hosts, t.agent_computer_name);
  Entities::add(c.incident.entities.hashes, t.sha1);
  Entities::add(c.incident.entities.storylines, t.storyline);
  c.events.push_back(context_event_from_threat(t));
  for (const auto& e : s.dv) {
    if (every_host || e.agent_name == t.agent_computer_name) {
      c.events.push_back(context_event_from_dv(e, "dv_agent_events"));
    }
  }
  for (const auto& l : s.logs) {
    if (every_host || l.session_attributes.value("serverHost", "") == t.agent_computer_name) {
      c.events.push_back(context_event_from_dataset_log(l, "host_logs"));
    }
  }
  return c;
}

std::string rendered_evidence(const analysis::EvidencePack& pack) {
  std::string out;
  for (const auto& item : pack.items) out += (out.empty() ? "" : "\n") + analysis::render_evidence_item(item);
  return out;
}

const analysis::PromptTemplate& prompt() {
  static const analysis::PromptTemplate p = [] {
    auto r = analysis::PromptTemplate::load(std::string(TRIAGENT_SOURCE_DIR) + "/config/prompts", "analysis@v1");
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }();
  return p;
}

std::size_t percentile(std::vector<std::size_t> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

// Every case: its own host's context, then both hosts' at once (the worst case).
TEST(EvidenceScenario, EveryCaseFitsTheBudgetAndKeepsEveryIocAndRuleHit) {
  const auto s = evidence_test::load_scenario();
  ASSERT_EQ(s.threats.size(), 3u);
  const EvidencePackerConfig cfg;
  std::vector<std::size_t> evidence_tokens, user_tokens;
  for (bool every_host : {false, true}) {
    for (std::size_t t = 0; t < s.threats.size(); ++t) {
      Case c = scenario_case(s, t, every_host);
      const std::size_t n = c.events.size();
      const PackedEvidence out = pack_evidence(c.incident, std::move(c.events), analyzer(), cfg);
      const PackStats& st = out.stats;
      const auto p = prompt().render(out.pack, analysis::ActionPolicy::low_risk());
      const std::size_t user = analysis::estimate_tokens(p.user);
      std::printf(
          "threat %zu %s: events %zu, duplicates+twins %zu, kept %zu (must-keep %zu), dropped %zu, iocs %zu/%zu, "
          "rule hits %zu/%zu, evidence tokens %zu, user message %zu, system %zu\n",
          t, every_host ? "both hosts" : "own host  ", st.events_in, st.duplicates, st.kept, st.must_keep, st.dropped,
          st.iocs_kept, st.iocs_total, st.rule_hits_kept, st.rule_hits_total, st.tokens, user,
          analysis::estimate_tokens(p.system));
      EXPECT_EQ(st.events_in, n);
      EXPECT_EQ(st.events_in, st.duplicates + st.kept + st.dropped);
      EXPECT_GT(st.iocs_total, 10u);
      EXPECT_EQ(st.iocs_kept, st.iocs_total);
      EXPECT_EQ(st.rule_hits_kept, st.rule_hits_total);
      EXPECT_FALSE(st.over_budget);
      EXPECT_LE(st.tokens, cfg.token_budget);
      EXPECT_EQ(st.tokens, analysis::estimate_tokens(rendered_evidence(out.pack)));
      EXPECT_LE(user, 3'000u);
      // What the must-keep items cost with every raw text cut: the smallest budget this case fits.
      EvidencePackerConfig tiny;
      tiny.token_budget = 200;
      Case again = scenario_case(s, t, every_host);
      std::printf("  floor (every raw text cut): %zu tokens\n",
                  pack_evidence(again.incident, std::move(again.events), analyzer(), tiny).stats.tokens);
      evidence_tokens.push_back(st.tokens);
      user_tokens.push_back(user);
    }
  }
  std::printf("evidence tokens median %zu p95 %zu; user message median %zu p95 %zu\n", percentile(evidence_tokens, 0.5),
              percentile(evidence_tokens, 0.95), percentile(user_tokens, 0.5), percentile(user_tokens, 0.95));
}

TEST(EvidenceScenario, ThePackShowsTheAttackChain) {
  const auto s = evidence_test::load_scenario();
  Case c = scenario_case(s, 1, false);  // msedgeupd.exe on WS-FIN-023
  const PackedEvidence out = pack_evidence(c.incident, std::move(c.events), analyzer(), EvidencePackerConfig{});
  const std::string text = rendered_evidence(out.pack);
  // The indicators an analyst would block, each in the evidence.
  for (const char* ioc :
       {"ce22e40867090b456472fa77471fc79ad567b2b2", "ad060e2291a9d10ab1b7d57ce16e89b86ac6d79c0f3b32da6cc03fe8fb93b98b",
        "cdn.invoice-portal.example.net", "https://cdn.invoice-portal.example.net/assets/inv.png", "203.0.113.77",
        "198.51.100.23", "10.20.40.12", "C:\\Users\\Public\\Libraries\\msedgeupd.exe",
        "CurrentVersion\\Run\\MicrosoftEdgeUpdateCore"}) {
    EXPECT_NE(text.find(ioc), std::string::npos) << ioc;
  }
  for (const char* rule : {"Encoded PowerShell command line", "LSASS", "Run key", "PsExec"}) {
    EXPECT_NE(text.find(rule), std::string::npos) << rule;
  }
  for (std::size_t i = 1; i < out.pack.items.size(); ++i) {
    EXPECT_LE(out.pack.items[i - 1].time_ms, out.pack.items[i].time_ms);
    EXPECT_EQ(out.pack.items[i].id, "ev-" + std::to_string(i + 1));
  }
  const std::string tree = render_process_tree_text(out.tree);
  const auto at = [&tree](const char* s) { return tree.find(s); };
  ASSERT_NE(at("- OUTLOOK.EXE"), std::string::npos) << tree;
  EXPECT_LT(at("- OUTLOOK.EXE"), at("  - WINWORD.EXE"));
  EXPECT_LT(at("  - WINWORD.EXE"), at("    - powershell.exe"));
  EXPECT_LT(at("    - powershell.exe"), at("      - msedgeupd.exe"));
  EXPECT_LT(at("      - msedgeupd.exe"), at("        - rundll32.exe"));
}

}  // namespace
}  // namespace triagent
