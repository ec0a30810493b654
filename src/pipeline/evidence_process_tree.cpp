#include "triagent/pipeline/evidence_process_tree.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "evidence_text.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/untrusted_hash.hpp"

namespace triagent {
namespace {

class EventReader {
 public:
  explicit EventReader(const ContextEvent& ev) : ev_(ev) {}

  // The first non-empty value among `keys`: the event's fields first, then its raw object.
  std::string get(std::initializer_list<std::string_view> keys) const {
    for (auto key : keys) {
      for (const auto& [name, value] : ev_.fields) {
        if (name == key && !value.empty()) return value;
      }
      if (std::string v = evidence_text::member_text(ev_.raw, key); !v.empty()) return v;
    }
    return {};
  }

 private:
  const ContextEvent& ev_;
};

class TreeBuilder {
 public:
  explicit TreeBuilder(const ProcessTreeLimits& limits) : limits_(limits) {}

  void add(const ProcessObservation& o) {
    const std::size_t self = find_or_create(o.host, o.unique_key, o.pid, o.name);
    if (self == ProcessNode::kNoParent) {
      ++tree_.observations_dropped;
      return;
    }
    {
      ProcessNode& n = tree_.nodes[self];
      n.observed = true;
      fill(n.name, o.name);
      fill(n.pid, o.pid);
      fill(n.command_line, o.command_line);
      fill(n.user, o.user);
      fill(n.storyline, o.storyline);
      if (o.time_ms > 0 && (n.first_seen_ms == 0 || o.time_ms < n.first_seen_ms)) n.first_seen_ms = o.time_ms;
      const auto& ids = n.evidence_ids;
      if (!o.evidence_id.empty() && ids.size() < limits_.max_evidence_ids_per_node &&
          std::find(ids.begin(), ids.end(), o.evidence_id) == ids.end()) {
        n.evidence_ids.push_back(o.evidence_id);
      }
    }
    if (o.parent_unique_key.empty() && o.parent_pid.empty() && o.parent_name.empty()) return;
    const std::size_t parent = find_or_create(o.host, o.parent_unique_key, o.parent_pid, o.parent_name);
    if (parent == ProcessNode::kNoParent) {
      ++tree_.observations_dropped;
      return;
    }
    fill(tree_.nodes[parent].name, o.parent_name);
    fill(tree_.nodes[parent].pid, o.parent_pid);
    if (parent != self && tree_.nodes[self].parent == ProcessNode::kNoParent && !is_ancestor(self, parent)) {
      tree_.nodes[self].parent = parent;
    }
  }

  ProcessTree finish() {
    auto& nodes = tree_.nodes;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].parent != ProcessNode::kNoParent) nodes[nodes[i].parent].children.push_back(i);
    }
    std::vector<std::int64_t> order_time(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      order_time[i] = nodes[i].first_seen_ms;
      for (std::size_t c : nodes[i].children) {
        const std::int64_t t = nodes[c].first_seen_ms;
        if (t > 0 && (order_time[i] == 0 || t < order_time[i])) order_time[i] = t;
      }
    }
    const auto by_time = [&](std::size_t a, std::size_t b) {
      if (nodes[a].host != nodes[b].host) return nodes[a].host < nodes[b].host;
      if (order_time[a] != order_time[b]) return order_time[a] < order_time[b];
      return nodes[a].name < nodes[b].name;
    };
    for (auto& n : nodes) std::sort(n.children.begin(), n.children.end(), by_time);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].parent == ProcessNode::kNoParent) tree_.roots.push_back(i);
    }
    std::sort(tree_.roots.begin(), tree_.roots.end(), by_time);
    return std::move(tree_);
  }

 private:
  static void fill(std::string& field, const std::string& value) {
    if (field.empty()) field = value;
  }

  // Is `node` an ancestor of (or equal to) `start`? Guards against cycles from inconsistent data.
  bool is_ancestor(std::size_t node, std::size_t start) const {
    std::size_t cur = start;
    for (std::size_t steps = 0; cur != ProcessNode::kNoParent && steps <= tree_.nodes.size(); ++steps) {
      if (cur == node) return true;
      cur = tree_.nodes[cur].parent;
    }
    return cur != ProcessNode::kNoParent;  // ran out of steps: treat as a cycle
  }

  // Unique key, else pid, else name: each identity a node has is registered, so a process named
  // by its unique key in one event and by its pid in another (a child's parentPid) is one node.
  std::size_t find_or_create(const std::string& host, const std::string& uk, const std::string& pid,
                             const std::string& name) {
    const std::string uk_key = uk.empty() ? "" : host + "\n" + "uk:" + uk;
    const std::string pid_key = pid.empty() ? "" : host + "\n" + "pid:" + pid;
    const std::string name_key =
        (uk.empty() && pid.empty() && !name.empty()) ? host + "\n" + "name:" + analysis::to_lower(name) : "";
    std::size_t found = ProcessNode::kNoParent;
    for (const std::string* k : {&uk_key, &pid_key, &name_key}) {
      if (k->empty()) continue;
      auto it = index_.find(*k);
      // A reused pid belongs to another process when both carry different unique keys.
      if (it == index_.end() || (!uk.empty() && !unique_keys_[it->second].empty() && unique_keys_[it->second] != uk)) {
        continue;
      }
      found = it->second;
      break;
    }
    if (found == ProcessNode::kNoParent) {
      if (uk_key.empty() && pid_key.empty() && name_key.empty()) return ProcessNode::kNoParent;
      if (tree_.nodes.size() >= limits_.max_nodes) return ProcessNode::kNoParent;
      found = tree_.nodes.size();
      ProcessNode& n = tree_.nodes.emplace_back();
      n.key = !uk_key.empty() ? uk_key : !pid_key.empty() ? pid_key : name_key;
      n.key.replace(n.key.find('\n'), 1, "|");
      n.host = host;
      unique_keys_.emplace_back();
    }
    if (unique_keys_[found].empty()) unique_keys_[found] = uk;
    for (const std::string* k : {&uk_key, &pid_key, &name_key}) {
      if (!k->empty()) index_.emplace(*k, found);  // first owner of an identity keeps it
    }
    return found;
  }

  const ProcessTreeLimits& limits_;
  ProcessTree tree_;
  UntrustedStringMap<std::size_t> index_;  // keys from event content: UntrustedHash
  std::vector<std::string> unique_keys_;  // per node, "" when not known
};

class TreeRenderer {
 public:
  TreeRenderer(const ProcessTree& tree, const ProcessTreeLimits& limits)
      : tree_(tree), limits_(limits), shown_(tree.nodes.size(), false) {}

  std::string render() {
    std::string last_host;
    bool first = true;
    for (std::size_t root : tree_.roots) {
      if (full()) break;
      const std::string& host = tree_.nodes[root].host;
      if (first || host != last_host) {
        line(host.empty() ? "(unknown host)" : evidence_text::one_line(host, 128));
        last_host = host;
        first = false;
      }
      node(root, 0);
    }
    std::size_t hidden = 0;
    for (bool s : shown_) hidden += !s;
    if (hidden) out_ += "(" + std::to_string(hidden) + " more processes not shown)\n";
    return out_;
  }

 private:
  bool full() const { return lines_ >= limits_.max_lines; }

  void line(const std::string& text) {
    out_ += text;
    out_ += '\n';
    ++lines_;
  }

  void node(std::size_t root, std::size_t root_depth) {
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, root_depth}};
    while (!stack.empty() && !full()) {
      auto [i, depth] = stack.back();
      stack.pop_back();
      if (shown_[i] || depth >= limits_.max_depth) continue;
      shown_[i] = true;
      line(std::string(depth * 2, ' ') + "- " + label(tree_.nodes[i]));
      const auto& kids = tree_.nodes[i].children;
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.emplace_back(*it, depth + 1);
    }
  }

  std::string label(const ProcessNode& n) const {
    std::string s = n.name.empty() ? std::string("(unknown)") : evidence_text::one_line(n.name, 128);
    if (!n.pid.empty()) s += " (pid " + evidence_text::one_line(n.pid, 24) + ")";
    if (!n.evidence_ids.empty()) {
      s += " [";
      for (std::size_t k = 0; k < n.evidence_ids.size(); ++k) s += (k ? ", " : "") + n.evidence_ids[k];
      s += "]";
    }
    if (!n.command_line.empty() && !analysis::iequals(n.command_line, n.name)) {
      s += ": " + evidence_text::one_line(n.command_line, limits_.max_command_bytes);
    }
    return s;
  }

  const ProcessTree& tree_;
  const ProcessTreeLimits& limits_;
  std::vector<bool> shown_;
  std::string out_;
  std::size_t lines_ = 0;
};

}  // namespace

std::optional<ProcessObservation> process_observation(const ContextEvent& ev) {
  if (ev.source != "deep_visibility") return std::nullopt;
  const EventReader r(ev);
  std::string type = r.get({"eventType", "event.type"});
  if (type.empty()) type = ev.summary.substr(0, ev.summary.find(':'));
  ProcessObservation o;
  o.host = ev.host;
  o.user = ev.user;
  o.time_ms = ev.time_ms;
  o.creation = analysis::ifind(type, "Process Creation") != std::string_view::npos;
  if (!r.get({"processName"}).empty() || !r.get({"processUniqueKey"}).empty()) {
    o.name = r.get({"processName"});
    o.pid = r.get({"pid"});
    o.command_line = r.get({"processCmd"});
    o.unique_key = r.get({"processUniqueKey"});
    o.storyline = r.get({"storyline"});
    o.parent_name = r.get({"parentProcessName"});
    o.parent_pid = r.get({"parentPid"});
    o.parent_unique_key = r.get({"parentProcessUniqueKey"});
  } else if (o.creation && !r.get({"tgtProcName", "tgt.process.name"}).empty()) {
    o.name = r.get({"tgtProcName", "tgt.process.name"});
    o.pid = r.get({"tgtProcPid", "tgt.process.pid"});
    o.command_line = r.get({"tgtProcCmdLine", "tgt.process.cmdline"});
    o.unique_key = r.get({"tgtProcUid", "tgt.process.uid"});
    o.storyline = r.get({"tgtProcStorylineId", "tgt.process.storyline.id", "srcProcStorylineId"});
    o.parent_name = r.get({"srcProcName", "src.process.name"});
    o.parent_pid = r.get({"srcProcPid", "src.process.pid"});
    o.parent_unique_key = r.get({"srcProcUid", "src.process.uid"});
  } else if (!r.get({"srcProcName", "src.process.name"}).empty()) {
    o.creation = false;
    o.name = r.get({"srcProcName", "src.process.name"});
    o.pid = r.get({"srcProcPid", "src.process.pid"});
    o.command_line = r.get({"srcProcCmdLine", "src.process.cmdline"});
    o.unique_key = r.get({"srcProcUid", "src.process.uid"});
    o.storyline = r.get({"srcProcStorylineId", "src.process.storyline.id"});
    o.parent_name = r.get({"srcProcParentName", "src.process.parent.name"});
    o.parent_pid = r.get({"srcProcParentPid", "src.process.parent.pid"});
    o.parent_unique_key = r.get({"srcProcParentUid", "src.process.parent.uid"});
  } else {
    return std::nullopt;
  }
  return o;
}

ProcessTree build_process_tree(const std::vector<ProcessObservation>& observations, const ProcessTreeLimits& limits) {
  TreeBuilder b(limits);
  for (const auto& o : observations) b.add(o);
  return b.finish();
}

std::string render_process_tree_text(const ProcessTree& tree, const ProcessTreeLimits& limits) {
  return TreeRenderer(tree, limits).render();
}

}  // namespace triagent
