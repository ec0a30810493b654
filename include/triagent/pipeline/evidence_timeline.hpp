#pragma once
// Timeline: the kept evidence items in time order, one line each, for the case note and the
// built-in analyst. Items of unknown time come last.
//
//   Timeline t = build_timeline(pack, stats.dropped);
//   note += render_timeline_text(t);
//   // 2025-11-18T14:02:31.118Z WS-FIN-023 Process Creation: powershell.exe (pid 9044) by WINWORD.EXE [ev-3]
//   // (12 more events not shown)

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "triagent/analysis/evidence.hpp"

namespace triagent {

struct TimelineItem {
  std::int64_t time_ms = 0;  // 0 when unknown
  std::string host;
  std::string text;  // the item's summary
  std::string evidence_id;
};

struct Timeline {
  std::vector<TimelineItem> items;
  std::size_t omitted = 0;  // events gathered but not in the pack
};

Timeline build_timeline(const analysis::EvidencePack& pack, std::size_t omitted);

// One line per item, at most `max_lines` of them, then the count of what was left out.
std::string render_timeline_text(const Timeline& timeline, std::size_t max_lines = 200);

}  // namespace triagent
