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

#include <memory>

#include "triagent/config/config.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/router.hpp"
#include "triagent/pipeline/job_runner.hpp"

namespace boost::asio {
class io_context;
}

namespace triagent {

class PipelineAssembly {
 public:
  static Result<std::unique_ptr<PipelineAssembly>> build(const Config& cfg, boost::asio::io_context& ioc);
  ~PipelineAssembly();

  JobRunner& runner();
  void register_routes(Router& router);
  // Stops the blocking pool and closes the audit log (after the workers have drained).
  void close();

  struct Parts;

 private:
  explicit PipelineAssembly(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace triagent
