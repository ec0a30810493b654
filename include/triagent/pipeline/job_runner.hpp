#pragma once
// JobRunner: what a worker does with one leased job. The outcome tells the worker whether to ack
// the job, retry it later, or dead-letter it.
//
//   class MyRunner : public JobRunner {
//     boost::asio::awaitable<JobOutcome> run(LeasedJob job) override {
//       co_return JobOutcome::done(R"({"ok":true})");
//     }
//   };

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "triagent/queue/job_queue.hpp"

namespace triagent {

struct JobOutcome {
  enum class Kind { done, retry, fail };
  Kind kind = Kind::done;
  std::string result_json;                    // done: stored with the job
  std::string error;                          // retry / fail: the reason, shown in the API
  std::optional<std::int64_t> retry_after_ms; // retry: an upstream's Retry-After, if any

  static JobOutcome done(std::string result) { return {Kind::done, std::move(result), {}, {}}; }
  static JobOutcome retry(std::string error, std::optional<std::int64_t> after = {}) {
    return {Kind::retry, {}, std::move(error), after};
  }
  static JobOutcome fail(std::string error) { return {Kind::fail, {}, std::move(error), {}}; }
};

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // Takes the job by value: it must stay valid across suspension points.
  virtual boost::asio::awaitable<JobOutcome> run(LeasedJob job) = 0;
};

}  // namespace triagent
