#pragma once
// ProcessTree: who started whom, rebuilt from Deep Visibility events, for the case note. Each
// process is a node (identified by its DV process unique key, else host + pid, else host + name),
// linked to its parent; a parent seen only as someone's parent is a node too. Nodes list the
// evidence items that show the process acting.
//
//   std::vector<ProcessObservation> seen;
//   for (const ContextEvent& e : events)
//     if (auto o = process_observation(e)) { o->evidence_id = id_of(e); seen.push_back(*o); }
//   ProcessTree tree = build_process_tree(seen);
//   note += render_process_tree_text(tree);
//   // WS-FIN-023
//   // - OUTLOOK.EXE (pid 7412)
//   //   - WINWORD.EXE (pid 8120) [ev-1]: "C:\...\WINWORD.EXE" /n "C:\...\Invoice.docm"
//   //     - powershell.exe (pid 9044) [ev-2, ev-4]: powershell.exe -NoP -NonI -W Hidden -Enc ...
//
// Bounded by ProcessTreeLimits whatever the input (cycles and self-parenting included).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triagent/pipeline/context_event.hpp"

namespace triagent {

// One DV event read as "process X (child of Y) did something".
struct ProcessObservation {
  std::string host;
  std::string unique_key;  // processUniqueKey / srcProcUid
  std::string name;
  std::string pid;
  std::string command_line;
  std::string user;
  std::string storyline;
  std::string parent_unique_key;  // parentProcessUniqueKey / srcProcParentUid
  std::string parent_name;
  std::string parent_pid;
  std::int64_t time_ms = 0;
  bool creation = false;    // the event is the process's own creation
  std::string evidence_id;  // the item that shows the event; "" when it was not kept
};

// The process an event is about, when it is a Deep Visibility event that names one. Reads the DV
// 2.1 names (processName, pid, parentProcessName, parentPid, processUniqueKey, ...) and the newer
// src/tgt names (srcProcName, srcProcParentName, tgtProcName, srcProcStorylineId, ...): in a
// "Process Creation" event with only src/tgt names the target is the new process and the source
// its parent.
std::optional<ProcessObservation> process_observation(const ContextEvent& event);

struct ProcessNode {
  static constexpr std::size_t kNoParent = static_cast<std::size_t>(-1);
  std::string key;
  std::string host;
  std::string name;
  std::string pid;
  std::string command_line;
  std::string user;
  std::string storyline;
  std::int64_t first_seen_ms = 0;     // 0 when only known as a parent
  bool observed = false;              // false: known only as some process's parent
  std::size_t parent = kNoParent;     // index into ProcessTree::nodes
  std::vector<std::size_t> children;  // indexes, oldest first
  std::vector<std::string> evidence_ids;
};

struct ProcessTree {
  std::vector<ProcessNode> nodes;
  std::vector<std::size_t> roots;        // nodes without a parent, by host then time
  std::size_t observations_dropped = 0;  // beyond max_nodes
};

struct ProcessTreeLimits {
  std::size_t max_nodes = 256;
  std::size_t max_evidence_ids_per_node = 8;
  std::size_t max_depth = 24;           // rendering
  std::size_t max_lines = 120;          // rendering
  std::size_t max_command_bytes = 100;  // rendering
};

ProcessTree build_process_tree(const std::vector<ProcessObservation>& observations,
                               const ProcessTreeLimits& limits = {});

// Plain ASCII, two spaces per level, grouped by host; "(N more processes not shown)" when cut.
// Text from the events is made one-line and valid UTF-8 but is otherwise as the source wrote it.
std::string render_process_tree_text(const ProcessTree& tree, const ProcessTreeLimits& limits = {});

}  // namespace triagent
