#pragma once
// How a job is shown by the admin API.

#include <nlohmann/json.hpp>

#include "triagent/queue/job_queue.hpp"

namespace triagent {

// The job with its incident (the stored payload) and result parsed back into JSON.
nlohmann::json job_to_json(const JobRecord& job);

}  // namespace triagent
