#include "triagent/queue/job_queue.hpp"

namespace triagent {

const char* to_string(JobState s) {
  switch (s) {
    case JobState::queued: return "queued";
    case JobState::leased: return "leased";
    case JobState::done: return "done";
    case JobState::dead: return "dead";
  }
  return "dead";
}

std::optional<JobState> parse_job_state(std::string_view text) {
  if (text == "queued") return JobState::queued;
  if (text == "leased") return JobState::leased;
  if (text == "done") return JobState::done;
  if (text == "dead") return JobState::dead;
  return std::nullopt;
}

}  // namespace triagent
