#pragma once
// HuntSurface: the daemon's side of the hunting copilot: POST /v1/hunt (role viewer) and the
// scheduled hunts, built from the `hunt:` section. With hunt.enabled false the route still exists
// and answers 503 saying how to turn it on, so a client sees why rather than a bare 404.
//
//   auto hunts = HuntSurface::build(cfg, ioc, access, audit_log, queue);   // config errors: invalid_argument
//   hunts->register_routes(router);
//   hunts->start();   // the scheduler's timer (no-op without schedules)
//   hunts->stop();    // before the io_context stops

#include <memory>

#include "triagent/audit/audit_log.hpp"
#include "triagent/config/config.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/core/result.hpp"
#include "triagent/net/router.hpp"
#include "triagent/queue/job_queue.hpp"

namespace boost::asio {
class io_context;
}

namespace triagent {

class HuntSurface {
 public:
  static Result<std::unique_ptr<HuntSurface>> build(const Config& cfg, boost::asio::io_context& ioc,
                                                    std::shared_ptr<const AccessControl> access,
                                                    audit::AuditLog* audit, JobQueue& queue);
  ~HuntSurface();

  void register_routes(Router& router);
  void start();
  void stop();

  struct Parts;

 private:
  explicit HuntSurface(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace triagent
