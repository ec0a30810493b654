// /livez answers whenever the event loop runs (no dependency checks, so an outage of a dependency
// never turns into a restart storm); /readyz checks that the job store answers and that the
// daemon is not draining. ?verbose lists each check. /healthz is an alias of /livez.
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
  ctx->queue->stats([respond, verbose, draining](Result<QueueStats> r) {
    bool ok = r.has_value() && !draining;
    nlohmann::json body{{"status", ok ? "ok" : "unavailable"}};
    if (verbose || !ok) {
      body["checks"] = {{"job_store", r ? "ok" : "failed: " + r.error().message},
                        {"accepting", draining ? "draining" : "ok"}};
      if (r) body["queue"] = {{"ready", r->ready}, {"leased", r->leased}, {"dead", r->dead}};
    }
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
