// ContextResult's read-outs: counts, the degraded sentence for the note, the audit summary.

#include "triagent/pipeline/context_fetch.hpp"

#include <algorithm>
#include <iterator>

namespace triagent {

std::size_t ContextResult::event_count() const {
  std::size_t n = 0;
  for (const auto& q : queries) n += q.events.size();
  return n;
}

std::string ContextResult::degraded_note() const {
  if (!degraded) return {};
  std::string out = "Context is incomplete: ";
  for (std::size_t i = 0; i < degraded_reasons.size(); ++i) out += (i ? "; " : "") + degraded_reasons[i];
  return out + ". The analysis used the sources that answered.";
}

std::vector<ContextEvent> ContextResult::all_events() const {
  std::vector<ContextEvent> out;
  out.reserve(event_count());
  for (const auto& q : queries) {
    if (q.status == ContextQueryStatus::ok) out.insert(out.end(), q.events.begin(), q.events.end());
  }
  return out;
}

std::vector<ContextEvent> ContextResult::take_events() {
  std::vector<ContextEvent> out;
  out.reserve(event_count());
  for (auto& q : queries) {
    if (q.status != ContextQueryStatus::ok) continue;
    std::move(q.events.begin(), q.events.end(), std::back_inserter(out));
    q.events.clear();
  }
  return out;
}

nlohmann::json summary_json(const ContextResult& result) {
  nlohmann::json queries = nlohmann::json::array();
  for (const auto& q : result.queries) {
    nlohmann::json j{{"template", q.template_name},
                     {"source", to_string(q.source)},
                     {"query", q.query},
                     {"from_ms", q.from_ms},
                     {"to_ms", q.to_ms},
                     {"status", to_string(q.status)},
                     {"duration_ms", q.duration_ms},
                     {"events", q.events.size()},
                     {"truncated", q.truncated}};
    if (!q.error.empty()) j["error"] = q.error;
    if (q.error_code) j["error_code"] = to_string(*q.error_code);
    if (q.retry_after_ms) j["retry_after_ms"] = *q.retry_after_ms;
    queries.push_back(std::move(j));
  }
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : result.not_planned) {
    skipped.push_back({{"template", s.template_name}, {"source", to_string(s.source)}, {"reason", s.reason}});
  }
  nlohmann::json out{{"queries", std::move(queries)},
                     {"not_planned", std::move(skipped)},
                     {"degraded", result.degraded},
                     {"events", result.event_count()}};
  if (result.retry_after_ms) out["retry_after_ms"] = *result.retry_after_ms;
  return out;
}

}  // namespace triagent
