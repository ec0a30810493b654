#pragma once
// resolve_hunt_window: checks a hunt's from/to and the policy's maximum window. Accepted forms:
// relative ("30m", "24h", "7d", "1w", counted back from now), "now", RFC 3339, or epoch seconds /
// milliseconds. Empty `to` means now. The texts are kept as given for DataSet (relative times are
// read by the server against its own clock); the epoch values are for the checks and the audit.
//
//   auto w = resolve_hunt_window("24h", "", clock.now_ms(), 168);
//   if (!w) return bad_request(w.error().message);   // "from: expected ..."; "the window is 200 hours ..."
//   DataSetTimeRange range{w->start, w->end};

#include <cstdint>
#include <string>
#include <string_view>

#include "triagent/core/result.hpp"

namespace triagent::hunt {

struct HuntWindow {
  std::string start;  // as DataSet reads it
  std::string end;    // "" = now
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

Result<HuntWindow> resolve_hunt_window(std::string_view from, std::string_view to, std::int64_t now_ms,
                                       std::int64_t max_window_hours);

}  // namespace triagent::hunt
