// Hunt time windows (see hunt_window.hpp).
#include "triagent/hunt/hunt_window.hpp"

#include "triagent/core/clock.hpp"

namespace triagent::hunt {

namespace {

// Epoch ms of one end of the window, or an error naming `key`.
Result<std::int64_t> point_ms(std::string_view text, std::int64_t now_ms, const char* key) {
  if (text.empty() || text == "now") return now_ms;
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i < 16) n = n * 10 + (text[i++] - '0');
  if (i > 0 && i == text.size() - 1 && i <= 6) {
    std::int64_t unit = 0;
    switch (text[i]) {
      case 's': unit = 1000; break;
      case 'm': unit = 60'000; break;
      case 'h': unit = 3'600'000; break;
      case 'd': unit = 86'400'000; break;
      case 'w': unit = 7 * 86'400'000LL; break;
      default: break;
    }
    if (unit) return now_ms - n * unit;
  }
  if (i == text.size() && i >= 9 && i <= 13) return i == 13 ? n : n * 1000;
  const std::int64_t ms = parse_rfc3339_ms(text);
  if (ms >= 0) return ms;
  return Error(ErrorCode::invalid_argument, std::string(key) +
                                                ": expected a relative time (30m, 24h, 7d), now, RFC 3339 or epoch seconds");
}

}  // namespace

Result<HuntWindow> resolve_hunt_window(std::string_view from, std::string_view to, std::int64_t now_ms,
                                       std::int64_t max_window_hours) {
  if (from.size() > 64 || to.size() > 64) return Error(ErrorCode::invalid_argument, "from/to: too long");
  auto start = point_ms(from.empty() ? "24h" : from, now_ms, "from");
  if (!start) return start.error();
  auto end = point_ms(to, now_ms, "to");
  if (!end) return end.error();
  if (*start >= *end) return Error(ErrorCode::invalid_argument, "from must be before to");
  const std::int64_t span_ms = *end - *start;
  if (span_ms > max_window_hours * 3'600'000) {
    return Error(ErrorCode::invalid_argument, "the time window is " + std::to_string((span_ms + 3'599'999) / 3'600'000) +
                                                  " hours; at most " + std::to_string(max_window_hours) + " are allowed");
  }
  HuntWindow w;
  w.start = from.empty() ? "24h" : std::string(from);
  w.end = to == "now" ? "" : std::string(to);
  w.start_ms = *start;
  w.end_ms = *end;
  return w;
}

}  // namespace triagent::hunt
