#include "ingress/job_json.hpp"

#include "triagent/core/clock.hpp"
#include "triagent/core/ids.hpp"

namespace triagent {

namespace {

nlohmann::json parse_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

nlohmann::json time_or_null(std::int64_t ms) { return ms > 0 ? nlohmann::json(format_rfc3339_ms(ms)) : nullptr; }

}  // namespace

nlohmann::json job_to_json(const JobRecord& job) {
  nlohmann::json j{{"id", std::to_string(job.id)},
                   {"kind", job.kind},
                   {"state", to_string(job.state)},
                   {"attempts", job.attempts},
                   {"max_attempts", job.max_attempts},
                   {"created_at", time_or_null(job.created_ms)},
                   {"updated_at", time_or_null(job.updated_ms)},
                   {"last_error", job.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.last_error)},
                   {"incident", parse_or_null(job.payload)},
                   {"result", parse_or_null(job.result)}};
  if (job.state == JobState::queued) j["visible_at"] = time_or_null(job.visible_ms);
  if (auto t = TraceContext::parse(job.traceparent)) j["trace_id"] = t->trace_id;
  return j;
}

}  // namespace triagent
