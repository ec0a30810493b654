#include "triagent/pipeline/evidence_timeline.hpp"

#include <algorithm>

#include "evidence_text.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {

Timeline build_timeline(const analysis::EvidencePack& pack, std::size_t omitted) {
  Timeline t;
  t.omitted = omitted;
  t.items.reserve(pack.items.size());
  for (const auto& item : pack.items) t.items.push_back({item.time_ms, item.host, item.summary, item.id});
  std::stable_sort(t.items.begin(), t.items.end(), [](const TimelineItem& a, const TimelineItem& b) {
    const bool a_known = a.time_ms > 0, b_known = b.time_ms > 0;
    if (a_known != b_known) return a_known;
    return a.time_ms < b.time_ms;
  });
  return t;
}

std::string render_timeline_text(const Timeline& timeline, std::size_t max_lines) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& item : timeline.items) {
    if (shown == max_lines) break;
    ++shown;
    out += item.time_ms > 0 ? format_rfc3339_ms(item.time_ms) : std::string("(time unknown)");
    if (!item.host.empty()) out += " " + evidence_text::one_line(item.host, 128);
    out += " " + evidence_text::one_line(item.text, 240);
    if (!item.evidence_id.empty()) out += " [" + item.evidence_id + "]";
    out += '\n';
  }
  const std::size_t more = timeline.items.size() - shown + timeline.omitted;
  if (more) out += "(" + std::to_string(more) + " more events not shown)\n";
  return out;
}

}  // namespace triagent
