// /livez answers whenever the event loop runs (no dependency checks, so an outage of a dependency
// never turns into a restart storm); /readyz checks that the job store answers and that the
// daemon is not draining (plus the context's extra checks: the audit log). ?verbose lists each
// check, and facts that never fail readiness (each upstream's breaker state) under "info".
// /healthz is an alias of /livez.
#include "triagent/ingress/routes.hpp"

namespace triagent {

namespace {

void livez(ServerRequest req, Responder respond) {
  if (req.query_param("verbose")) {
    respond(ServerResponse::json(200, {{"status", "ok"}, {"checks", {{"event_loop", "ok"}}}}));
    return;
  }
  respond(ServerResponse::json(200, {{"status", "ok"}}));
}

void readyz(const std::shared_ptr<HealthContext>& ctx, ServerRequest req, Responder respond) {
  bool verbose = req.query_param("verbose").has_value();
  bool draining = ctx->draining && ctx->draining();
  std::map<std::string, std::string> extra = ctx->extra_checks ? ctx->extra_checks() : std::map<std::string, std::string>{};
  std::map<std::string, std::string> info =
      verbose && ctx->info ? ctx->info() : std::map<std::string, std::string>{};
  ctx->queue->stats([respond, verbose, draining, extra = std::move(extra), info = std::move(info)](Result<QueueStats> r) {
    bool ok = r.has_value() && !draining;
    for (const auto& [name, state] : extra) ok = ok && state == "ok";
    nlohmann::json body{{"status", ok ? "ok" : "unavailable"}};
    if (verbose || !ok) {
      body["checks"] = {{"job_store", r ? "ok" : "failed: " + r.error().message},
                        {"accepting", draining ? "draining" : "ok"}};
      for (const auto& [name, state] : extra) body["checks"][name] = state;
      if (r) body["queue"] = {{"ready", r->ready}, {"leased", r->leased}, {"dead", r->dead}};
    }
    if (verbose && !info.empty()) body["info"] = info;
    respond(ServerResponse::json(ok ? 200 : 503, body));
  });
}

}  // namespace

void register_health_routes(Router& router, std::shared_ptr<HealthContext> ctx) {
  router.add("GET", "/livez", livez);
  router.add("GET", "/healthz", livez);
  router.add("GET", "/readyz", [ctx](ServerRequest req, Responder respond) {
    readyz(ctx, std::move(req), std::move(respond));
  });
}

}  // namespace triagent
