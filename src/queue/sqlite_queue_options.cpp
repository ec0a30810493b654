#include "triagent/queue/sqlite_job_queue.hpp"

namespace triagent {

// Only reads Config's inline members, so the queue needs config.hpp but not the config library.
SqliteQueueOptions SqliteQueueOptions::from_config(const Config& cfg) {
  SqliteQueueOptions o;
  o.path = cfg.queue_path();
  o.max_depth = cfg.queue.max_depth;
  o.lease_seconds = cfg.queue.lease_seconds;
  o.default_max_attempts = cfg.queue.max_attempts;
  o.backoff_base_ms = cfg.queue.backoff_base_ms;
  o.backoff_cap_ms = cfg.queue.backoff_cap_ms;
  o.group_commit_max_batch = cfg.queue.group_commit_max_batch;
  o.done_retention_hours = cfg.queue.done_retention_hours;
  return o;
}

}  // namespace triagent
