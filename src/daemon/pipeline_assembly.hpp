#pragma once
// PipelineAssembly: builds, from the config, everything the enrichment pipeline runs on: the HTTP
// client and one policy per upstream, the enabled connectors, the analyzer, redactor, prompt and
// LLM chain, the audit log, the approval store and delivery ledger, a small thread pool for their
// blocking SQLite calls, and the EnrichmentRunner itself. Owns them all; destroy it before the
// io_context it was given (the HTTP client posts completions there).
//
//   auto pipeline = PipelineAssembly::build(cfg, ioc);
//   if (!pipeline) fail((*pipeline).error().message);
//   WorkerPool workers(ioc, queue, (*pipeline)->runner(), cfg.workers, owner);
//   (*pipeline)->register_routes(router);          // approvals API

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "triagent/audit/audit_log.hpp"
#include "triagent/audit/audit_shipper.hpp"
#include "triagent/config/config.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/router.hpp"
#include "triagent/observability/metrics.hpp"
#include "triagent/pipeline/approval_store.hpp"
#include "triagent/pipeline/job_runner.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace boost::asio {
class io_context;
}

namespace triagent {

class PipelineMetrics;

class PipelineAssembly {
 public:
  static Result<std::unique_ptr<PipelineAssembly>> build(const Config& cfg, boost::asio::io_context& ioc,
                                                         PipelineMetrics* metrics = nullptr);
  ~PipelineAssembly();

  JobRunner& runner();
  // The approvals API, guarded by `access` (null: the admin token alone), counting decisions in
  // `metrics` (may be null).
  void register_routes(Router& router, std::shared_ptr<const AccessControl> access = nullptr,
                       metrics::Registry* metrics = nullptr);
  // For the operator surface (overview, readiness, metrics); owned by the assembly.
  audit::AuditLog* audit_log();
  audit::AuditShipper* audit_shipper();  // null unless audit.ship.enabled
  ApprovalStore* approvals();
  std::vector<std::pair<std::string, UpstreamPolicy*>> upstream_policies();
  // Posts blocking work (SQLite) to the assembly's small pool.
  std::function<void(std::function<void()>)> blocking_poster();
  // Stops the blocking pool and closes the audit log (after the workers have drained).
  void close();

  struct Parts;

 private:
  explicit PipelineAssembly(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace triagent
