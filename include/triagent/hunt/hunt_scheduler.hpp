#pragma once
// HuntScheduler: runs the configured scheduled hunts (hunt.schedules) and turns results over a
// threshold into incidents on the job queue, exactly like a webhook would (kind "enrich", payload
// the Incident JSON), so they go through the pipeline. Each run covers the last whole interval
// (aligned to the interval, in epoch seconds), and the dedupe key is "hunt:<name>:<window start>",
// so a restart or a second tick in the same interval never queues the same window twice.
// The caller drives time: call tick() from a timer (e.g. every minute); tests call it by hand
// with a ManualClock.
//
//   auto s = HuntScheduler::create(cfg.schedules, cfg.policy(), catalogue, dataset, queue, clock);
//   std::vector<ScheduledHuntRun> runs = co_await s->tick();   // runs only what is due

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "triagent/connectors/dataset_client.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_config.hpp"
#include "triagent/queue/job_queue.hpp"

namespace triagent::hunt {

struct ScheduledHuntRun {
  std::string name;
  std::int64_t window_start_s = 0;
  std::int64_t rows = 0;
  bool enqueued = false;  // handed to the queue (the queue's callback logs failures)
  std::string error;
};

class HuntScheduler {
 public:
  // Every schedule's query is validated here (invalid_argument names the schedule).
  static Result<HuntScheduler> create(std::vector<HuntSchedule> schedules, const HuntPolicy& policy,
                                      const FieldCatalogue& catalogue, DataSetClient* dataset, JobQueue* queue,
                                      const Clock& clock);

  boost::asio::awaitable<std::vector<ScheduledHuntRun>> tick();

  // The incident a run over threshold becomes (exposed for tests and the replay tool).
  static Incident make_incident(const HuntSchedule& schedule, const std::string& query, std::int64_t window_start_s,
                                std::int64_t window_end_s, const DataSetTable& table);

 private:
  struct Entry {
    HuntSchedule schedule;
    std::string query;                 // validated canonical text
    std::int64_t last_window_start_s = -1;
  };
  HuntScheduler(std::vector<Entry> entries, DataSetClient* dataset, JobQueue* queue, const Clock& clock)
      : entries_(std::move(entries)), dataset_(dataset), queue_(queue), clock_(&clock) {}

  std::vector<Entry> entries_;
  DataSetClient* dataset_;
  JobQueue* queue_;
  const Clock* clock_;
};

}  // namespace triagent::hunt
