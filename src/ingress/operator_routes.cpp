// whoami, overview and the Prometheus scrape (see operator_routes.hpp).
#include "triagent/ingress/operator_routes.hpp"

#include "triagent/net/require_role.hpp"
#include "triagent/observability/triagent_metrics.hpp"

namespace triagent {

namespace {

using nlohmann::json;

void run_blocking(const std::shared_ptr<OperatorContext>& ctx, std::function<void()> work) {
  if (ctx->run_blocking) {
    ctx->run_blocking(std::move(work));
  } else {
    work();
  }
}

double oldest_ready_age_seconds(const OperatorContext& ctx, const QueueStats& s) {
  if (s.oldest_ready_created_ms <= 0 || ctx.clock == nullptr) return 0;
  const std::int64_t age_ms = ctx.clock->now_ms() - s.oldest_ready_created_ms;
  return age_ms > 0 ? static_cast<double>(age_ms) / 1000.0 : 0;
}

void set_queue_gauges(const OperatorContext& ctx, const QueueStats& s) {
  metrics::Registry& r = *ctx.metrics;
  constexpr std::string_view depth_help = "Jobs in the queue, by state.";
  r.gauge(metric_names::queue_depth, depth_help, {{"state", "ready"}}).set(static_cast<double>(s.ready));
  r.gauge(metric_names::queue_depth, depth_help, {{"state", "leased"}}).set(static_cast<double>(s.leased));
  r.gauge(metric_names::queue_depth, depth_help, {{"state", "done"}}).set(static_cast<double>(s.done));
  r.gauge(metric_names::queue_depth, depth_help, {{"state", "dead"}}).set(static_cast<double>(s.dead));
  r.gauge(metric_names::queue_oldest_ready_age, "Age of the oldest job waiting to run (0 when none).")
      .set(oldest_ready_age_seconds(ctx, s));
}

void whoami(ServerRequest, Responder respond, Principal who) {
  respond(ServerResponse::json(200, {{"name", who.name}, {"role", to_string(who.role)}}));
}

void overview(const std::shared_ptr<OperatorContext>& ctx, Responder respond) {
  ctx->queue->stats([ctx, respond](Result<QueueStats> stats) {
    run_blocking(ctx, [ctx, respond, stats = std::move(stats)] {
      json body{{"mode", ctx->mode}, {"version", ctx->version}};
      std::map<std::string, std::string> checks = ctx->checks ? ctx->checks() : std::map<std::string, std::string>{};
      if (stats) {
        body["queue"] = {{"ready", stats->ready},
                         {"leased", stats->leased},
                         {"done", stats->done},
                         {"dead", stats->dead},
                         {"oldest_ready_age_seconds", oldest_ready_age_seconds(*ctx, *stats)}};
        checks["job_store"] = "ok";
      } else {
        body["queue"] = nullptr;
        checks["job_store"] = "failed: " + stats.error().message;
      }
      std::optional<std::int64_t> pending = ctx->approvals_pending ? ctx->approvals_pending() : std::nullopt;
      body["approvals_pending"] = pending ? json(*pending) : json(nullptr);
      body["checks"] = checks;
      body["feedback"] = ctx->feedback_summary ? ctx->feedback_summary() : json(nullptr);
      respond(ServerResponse::json(200, body));
    });
  });
}

void scrape(const std::shared_ptr<OperatorContext>& ctx, Responder respond) {
  if (ctx->metrics == nullptr) {
    respond(ServerResponse::error(503, "metrics are not configured"));
    return;
  }
  ctx->queue->stats([ctx, respond](Result<QueueStats> stats) {
    run_blocking(ctx, [ctx, respond, stats = std::move(stats)] {
      if (stats) set_queue_gauges(*ctx, *stats);
      if (ctx->before_scrape) ctx->before_scrape();
      respond(ServerResponse::text(200, ctx->metrics->render(), std::string(metrics::kExpositionContentType)));
    });
  });
}

void check_config(const std::shared_ptr<OperatorContext>& ctx, ServerRequest req, Responder respond) {
  if (req.body.size() > kMaxConfigCheckBytes) {
    respond(ServerResponse::error(413, "config text is larger than 256 KiB"));
    return;
  }
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    respond(ServerResponse::error(400, "body must be a YAML config text"));
    return;
  }
  if (!ctx->check_config) {
    respond(ServerResponse::error(503, "config check is not configured"));
    return;
  }
  run_blocking(ctx, [ctx, respond, yaml = std::move(req.body)] {
    std::vector<std::string> errors = ctx->check_config(yaml);
    if (errors.empty()) {
      respond(ServerResponse::json(200, {{"valid", true}}));
    } else {
      respond(ServerResponse::json(422, {{"valid", false}, {"errors", errors}}));
    }
  });
}

}  // namespace

void register_operator_routes(Router& router, std::shared_ptr<OperatorContext> ctx) {
  router.add("GET", "/v1/whoami", require_role(ctx->access, Role::viewer, whoami));
  router.add("GET", "/v1/overview",
             require_role(ctx->access, Role::viewer,
                          [ctx](ServerRequest, Responder respond, Principal) { overview(ctx, std::move(respond)); }));
  router.add("GET", "/metrics", require_role(ctx->access, Role::viewer, [ctx](ServerRequest, Responder respond, Principal) {
               scrape(ctx, std::move(respond));
             }));
  router.add("POST", "/v1/config/check",
             require_role(ctx->access, Role::admin, [ctx](ServerRequest req, Responder respond, Principal) {
               check_config(ctx, std::move(req), std::move(respond));
             }));
}

}  // namespace triagent
