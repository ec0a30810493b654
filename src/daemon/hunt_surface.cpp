#include "daemon/hunt_surface.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "triagent/hunt/hunt_routes.hpp"
#include "triagent/hunt/hunt_runtime.hpp"
#include "triagent/hunt/hunt_scheduler.hpp"
#include "triagent/net/require_role.hpp"
#include "triagent/observability/log.hpp"

namespace triagent {

namespace asio = boost::asio;

// Scheduled windows are whole intervals, so a minute's resolution loses nothing.
constexpr auto kSchedulerTick = std::chrono::seconds(60);

struct HuntSurface::Parts {
  asio::io_context* ioc = nullptr;
  std::shared_ptr<const AccessControl> access;
  hunt::HuntConfig config;
  std::unique_ptr<hunt::HuntRuntime> runtime;       // null when hunting is off
  std::optional<hunt::HuntScheduler> scheduler;     // empty without schedules
  std::unique_ptr<asio::steady_timer> timer;
  bool stopped = false;
};

namespace {

asio::awaitable<void> run_schedules(HuntSurface::Parts* p) {
  while (!p->stopped) {
    auto runs = co_await p->scheduler->tick();
    for (const auto& run : runs) {
      if (!run.error.empty()) {
        log::warn("hunt", "scheduled hunt failed", {}, {{"name", run.name}, {"error", run.error}});
      } else if (run.enqueued) {
        log::info("hunt", "scheduled hunt over threshold: incident queued", {}, {{"name", run.name}, {"rows", run.rows}});
      }
    }
    p->timer->expires_after(kSchedulerTick);
    boost::system::error_code ec;
    co_await p->timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

HuntSurface::HuntSurface(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
HuntSurface::~HuntSurface() { stop(); }

Result<std::unique_ptr<HuntSurface>> HuntSurface::build(const Config& cfg, asio::io_context& ioc,
                                                        std::shared_ptr<const AccessControl> access,
                                                        audit::AuditLog* audit, JobQueue& queue) {
  auto p = std::make_unique<Parts>();
  p->ioc = &ioc;
  p->access = std::move(access);
  auto hunt_cfg = hunt::hunt_config_of(cfg);
  if (!hunt_cfg) return hunt_cfg.error();
  p->config = std::move(*hunt_cfg);
  if (p->config.enabled) {
    auto runtime = hunt::build_hunt_runtime(cfg, p->config, /*want_llm=*/true, audit);
    if (!runtime) return runtime.error();
    p->runtime = std::move(*runtime);
    if (!p->config.schedules.empty()) {
      auto scheduler = hunt::HuntScheduler::create(p->config.schedules, p->config.policy(),
                                                   p->runtime->service->catalogue(), p->runtime->dataset.get(), &queue,
                                                   SystemClock::instance());
      if (!scheduler) return scheduler.error();
      p->scheduler.emplace(std::move(*scheduler));
    }
  }
  return std::unique_ptr<HuntSurface>(new HuntSurface(std::move(p)));
}

void HuntSurface::register_routes(Router& router) {
  Parts* p = parts_.get();
  if (!p->runtime) {
    router.add("POST", "/v1/hunt", require_role(p->access, Role::viewer, [](ServerRequest, Responder respond, Principal) {
                 respond(ServerResponse::error(503, "hunting is off: set hunt.enabled: true in the config"));
               }));
    return;
  }
  auto ctx = std::make_shared<hunt::HuntRoutesContext>();
  ctx->service = p->runtime->service.get();
  ctx->executor = p->ioc->get_executor();
  ctx->authorize = [access = p->access](const ServerRequest& req, Responder& respond) {
    if (!access) {
      respond(ServerResponse::error(401, "missing or invalid token"));
      return false;
    }
    AccessDecision d = access->authorize(req.header("authorization"), Role::viewer);
    if (d.status == 0) return true;
    respond(ServerResponse::error(d.status, d.status == 403 ? "this token's role may not hunt" : "missing or invalid token"));
    return false;
  };
  hunt::register_hunt_routes(router, ctx);
}

void HuntSurface::start() {
  Parts* p = parts_.get();
  if (!p->scheduler) return;
  p->timer = std::make_unique<asio::steady_timer>(*p->ioc);
  asio::co_spawn(*p->ioc, run_schedules(p), asio::detached);
}

void HuntSurface::stop() {
  if (!parts_) return;
  parts_->stopped = true;
  if (parts_->timer) parts_->timer->cancel();
}

}  // namespace triagent
