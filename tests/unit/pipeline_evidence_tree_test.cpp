// The process tree rebuilt from Deep Visibility events, and its text for the case note.
#include <gtest/gtest.h>

#include "pipeline_evidence_test_support.hpp"
#include "triagent/pipeline/evidence_packer.hpp"
#include "triagent/pipeline/evidence_process_tree.hpp"

namespace triagent {
namespace {

using evidence_test::analyzer;
using evidence_test::dv_process;

std::vector<ProcessObservation> observe(const std::vector<ContextEvent>& events) {
  std::vector<ProcessObservation> out;
  for (const auto& e : events) {
    if (auto o = process_observation(e)) out.push_back(*o);
  }
  return out;
}

const ProcessNode* named(const ProcessTree& t, std::string_view name) {
  for (const auto& n : t.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

TEST(EvidenceProcessTree, WinwordSpawnsPowershellSpawnsRundll32) {
  const std::vector<ContextEvent> events = {
      dv_process("WS-1", 3'000, "rundll32.exe", "3320", "powershell.exe", "9044",
                 "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 684 C:\\d.dmp full"),
      dv_process("WS-1", 1'000, "WINWORD.EXE", "8120", "explorer.exe", "4400", "WINWORD.EXE /n Invoice.docm"),
      dv_process("WS-1", 2'000, "powershell.exe", "9044", "WINWORD.EXE", "8120", "powershell.exe -NoP -Enc SQBFAFgA")};
  const ProcessTree tree = build_process_tree(observe(events));
  ASSERT_EQ(tree.roots.size(), 1u);
  const ProcessNode& root = tree.nodes[tree.roots[0]];
  EXPECT_EQ(root.name, "explorer.exe");
  EXPECT_FALSE(root.observed);  // known only as WINWORD's parent
  ASSERT_EQ(root.children.size(), 1u);
  const ProcessNode& word = tree.nodes[root.children[0]];
  EXPECT_EQ(word.name, "WINWORD.EXE");
  ASSERT_EQ(word.children.size(), 1u);
  const ProcessNode& ps = tree.nodes[word.children[0]];
  EXPECT_EQ(ps.name, "powershell.exe");
  ASSERT_EQ(ps.children.size(), 1u);
  EXPECT_EQ(tree.nodes[ps.children[0]].name, "rundll32.exe");

  const std::string text = render_process_tree_text(tree);
  EXPECT_EQ(text,
            "WS-1\n"
            "- explorer.exe (pid 4400)\n"
            "  - WINWORD.EXE (pid 8120): WINWORD.EXE /n Invoice.docm\n"
            "    - powershell.exe (pid 9044): powershell.exe -NoP -Enc SQBFAFgA\n"
            "      - rundll32.exe (pid 3320): rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 684 C:\\d.dmp "
            "full\n");
}

TEST(EvidenceProcessTree, UniqueKeysLinkEventsThatNameNoPid) {
  ContextEvent child = dv_process("WS-1", 2'000, "cmd.exe", "", "", "", "cmd /c whoami");
  child.raw["processUniqueKey"] = "CHILD";
  child.raw["parentProcessUniqueKey"] = "PARENT";
  ContextEvent parent = dv_process("WS-1", 1'000, "PSEXESVC.exe", "5540", "services.exe", "612", "PSEXESVC.exe");
  parent.raw["processUniqueKey"] = "PARENT";
  ContextEvent dns;  // activity of the child, named by its key only
  dns.source = "deep_visibility";
  dns.host = "WS-1";
  dns.summary = "DNS Resolved: example.net by cmd.exe";
  dns.raw = {{"eventType", "DNS Resolved"}, {"processUniqueKey", "CHILD"}};
  auto seen = observe({child, parent, dns});
  seen[2].evidence_id = "ev-7";
  const ProcessTree tree = build_process_tree(seen);
  const ProcessNode* cmd = named(tree, "cmd.exe");
  ASSERT_NE(cmd, nullptr);
  ASSERT_NE(cmd->parent, ProcessNode::kNoParent);
  EXPECT_EQ(tree.nodes[cmd->parent].name, "PSEXESVC.exe");
  EXPECT_EQ(cmd->evidence_ids, std::vector<std::string>{"ev-7"});
  EXPECT_EQ(tree.nodes.size(), 3u);  // services.exe, PSEXESVC.exe, cmd.exe
}

TEST(EvidenceProcessTree, NewSchemaSourceCreatesTarget) {
  ContextEvent ev;
  ev.source = "deep_visibility";
  ev.host = "WS-2";
  ev.raw = {{"eventType", "Process Creation"},         {"srcProcName", "winword.exe"},    {"srcProcPid", "10"},
            {"srcProcParentName", "explorer.exe"},     {"tgtProcName", "powershell.exe"}, {"tgtProcPid", "11"},
            {"tgtProcCmdLine", "powershell -enc AAAA"}};
  auto o = process_observation(ev);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->name, "powershell.exe");
  EXPECT_EQ(o->parent_name, "winword.exe");
  EXPECT_TRUE(o->creation);
}

TEST(EvidenceProcessTree, ReusedPidWithAnotherUniqueKeyIsAnotherProcess) {
  ContextEvent first = dv_process("WS-1", 1'000, "a.exe", "100", "x.exe", "1", "a");
  first.raw["processUniqueKey"] = "K1";
  ContextEvent second = dv_process("WS-1", 9'000, "b.exe", "100", "x.exe", "1", "b");
  second.raw["processUniqueKey"] = "K2";
  const ProcessTree tree = build_process_tree(observe({first, second}));
  EXPECT_NE(named(tree, "a.exe"), nullptr);
  EXPECT_NE(named(tree, "b.exe"), nullptr);
}

TEST(EvidenceProcessTree, CyclesAndFloodsStayBounded) {
  // a's parent is b and b's parent is a: inconsistent data must not loop.
  std::vector<ContextEvent> events = {dv_process("H", 1, "a.exe", "1", "b.exe", "2", "a"),
                                      dv_process("H", 2, "b.exe", "2", "a.exe", "1", "b")};
  const ProcessTree cyc = build_process_tree(observe(events));
  EXPECT_EQ(cyc.nodes.size(), 2u);
  const std::string text = render_process_tree_text(cyc);
  EXPECT_NE(text.find("a.exe"), std::string::npos);
  EXPECT_NE(text.find("b.exe"), std::string::npos);

  std::vector<ContextEvent> flood;
  for (int i = 0; i < 5'000; ++i) {
    flood.push_back(dv_process("H", i, "p" + std::to_string(i) + ".exe", std::to_string(i + 2), "p.exe",
                               std::to_string(i + 1), "x"));  // a chain 5,000 deep
  }
  ProcessTreeLimits limits;
  const ProcessTree big = build_process_tree(observe(flood), limits);
  EXPECT_LE(big.nodes.size(), limits.max_nodes);
  EXPECT_GT(big.observations_dropped, 0u);
  const std::string big_text = render_process_tree_text(big, limits);
  EXPECT_LE(static_cast<std::size_t>(std::count(big_text.begin(), big_text.end(), '\n')), limits.max_lines + 2);
  EXPECT_NE(big_text.find("more processes not shown"), std::string::npos);
}

TEST(EvidenceProcessTree, PackerTreeCarriesTheIdsOfKeptItems) {
  std::vector<ContextEvent> events = {
      dv_process("WS-1", 1'000, "WINWORD.EXE", "8120", "explorer.exe", "4400", "WINWORD.EXE /n Invoice.docm"),
      dv_process("WS-1", 2'000, "powershell.exe", "9044", "WINWORD.EXE", "8120",
                 "powershell.exe -NoP -W Hidden -Enc SQBFAFgA")};
  Incident inc;
  inc.time_ms = 1'500;
  const auto out = pack_evidence(inc, std::move(events), analyzer(), EvidencePackerConfig{});
  const ProcessNode* ps = named(out.tree, "powershell.exe");
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ(ps->evidence_ids, std::vector<std::string>{"ev-2"});
  EXPECT_NE(render_process_tree_text(out.tree).find("powershell.exe (pid 9044) [ev-2]"), std::string::npos);
}

}  // namespace
}  // namespace triagent
