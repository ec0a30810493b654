#pragma once
// OperatorSurface: what the daemon adds for operators (issue 6): the AccessControl built from
// auth.*, the metrics registry with every triagent_* family wired to its source, the feedback
// store and its routes, whoami/overview/metrics/config-check routes, and the extra readiness checks.
//
//   metrics::Registry registry;                      // before the pipeline: PipelineMetrics need it
//   auto surface = OperatorSurface::build(cfg, registry, jobs, *pipeline, workers);
//   webhooks->counters = surface->webhook_counters(webhooks->sources);
//   admin->access = surface->access();
//   (*pipeline)->register_routes(router, surface->access(), &surface->registry());
//   surface->register_routes(router);
//   health->extra_checks = [&] { return surface->readiness_checks(); };

#include <map>
#include <memory>
#include <string>

#include "daemon/pipeline_assembly.hpp"
#include "triagent/config/config.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/ingress/routes.hpp"
#include "triagent/observability/metrics.hpp"
#include "triagent/observability/triagent_metrics.hpp"
#include "triagent/pipeline/feedback_store.hpp"
#include "triagent/pipeline/worker_pool.hpp"
#include "triagent/queue/job_queue.hpp"

namespace triagent {

class OperatorSurface {
 public:
  // Opens the feedback table in <data_dir>/state.db. Call before the workers start: it installs
  // the upstream policies' attempt observers.
  static Result<std::unique_ptr<OperatorSurface>> build(const Config& cfg, metrics::Registry& registry,
                                                        JobQueue& queue, PipelineAssembly& pipeline,
                                                        WorkerPool& workers);

  std::shared_ptr<const AccessControl> access() const { return access_; }
  metrics::Registry& registry() { return registry_; }

  std::map<std::string, WebhookCounters> webhook_counters(const std::map<std::string, WebhookSource>& sources);
  // /v1/whoami, /v1/overview, /metrics, /v1/config/check, /v1/jobs/{id}/feedback.
  void register_routes(Router& router);
  // name -> "ok" | "failed: ..." (the audit log); part of /readyz and the overview.
  std::map<std::string, std::string> readiness_checks() const;
  // upstream.<name> -> closed | half_open | open; shown by /readyz?verbose, never fails it.
  std::map<std::string, std::string> upstream_info() const;

 private:
  OperatorSurface(const Config& cfg, metrics::Registry& registry, JobQueue& queue, PipelineAssembly& pipeline,
                  WorkerPool& workers);
  void register_metrics();
  void refresh_store_gauges();

  const Config& cfg_;
  JobQueue& queue_;
  PipelineAssembly& pipeline_;
  WorkerPool& workers_;
  std::shared_ptr<const AccessControl> access_;
  metrics::Registry& registry_;
  std::unique_ptr<FeedbackStore> feedback_;
};

}  // namespace triagent
