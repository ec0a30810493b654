#pragma once
// The pipeline's first stage: check that the job's payload is a well-formed Incident and record it
// as the job's result. Later stages (context, analysis, delivery) extend the pipeline after it.

#include "triagent/pipeline/job_runner.hpp"

namespace triagent {

class StoreIncidentRunner final : public JobRunner {
 public:
  boost::asio::awaitable<JobOutcome> run(LeasedJob job) override;
};

// The synchronous core of the stage, for tests and reuse: the result JSON text, or the reason the
// payload is unusable (never retryable: the same payload fails the same way).
Result<std::string> store_incident_result(const LeasedJob& job);

}  // namespace triagent
