// POST /v1/webhooks/{source}: authenticate, check back-pressure, parse, normalize, enqueue, and
// answer 202 only once the job is durable.
#include <nlohmann/json.hpp>

#include "triagent/core/ids.hpp"
#include "triagent/ingress/routes.hpp"
#include "triagent/ingress/webhook_auth.hpp"
#include "triagent/observability/log.hpp"

namespace triagent {

namespace {

ServerResponse overloaded_response(const Config& cfg) {
  auto r = ServerResponse::error(503, "queue is full; retry later");
  r.headers.emplace_back("Retry-After", std::to_string(cfg.queue.retry_after_seconds));
  return r;
}

void bump(metrics::Counter* counter) {
  if (counter != nullptr) counter->inc();
}

// 202 {"duplicate":...,"job_id":"..."}: the bytes ServerResponse::json gives (keys sorted), built
// without a JSON document, on the thread that runs every enqueue callback.
ServerResponse accepted_response(std::int64_t job_id, bool duplicate) {
  ServerResponse r;
  r.status = 202;
  r.body.reserve(48);
  r.body += duplicate ? R"({"duplicate":true,"job_id":")" : R"({"duplicate":false,"job_id":")";
  r.body += std::to_string(job_id);
  r.body += "\"}";
  return r;
}

void handle_webhook(const std::shared_ptr<WebhookContext>& ctx, ServerRequest req, Responder respond) {
  const std::string source_name = req.params["source"];
  auto it = ctx->sources.find(source_name);
  if (it == ctx->sources.end()) {
    respond(ServerResponse::error(404, "unknown or disabled webhook source: " + source_name.substr(0, 64)));
    return;
  }
  const WebhookSource& source = it->second;
  IngressStats& stats = *ctx->stats;
  stats.received++;
  // Handles resolved at start-up: counting costs one atomic add, no label lookup.
  WebhookCounters counters;
  if (auto c = ctx->counters.find(source_name); c != ctx->counters.end()) counters = c->second;
  std::optional<TraceContext> parsed = TraceContext::parse(req.header("traceparent"));
  TraceContext trace = parsed ? std::move(*parsed) : TraceContext::generate();
  log::LogContext lc{.trace_id = trace.trace_id};

  auto auth = authenticate_webhook(source.config, req.header("authorization"), req.header("x-triagent-signature"),
                                   req.body, ctx->clock->now_seconds(), ctx->config->webhooks.replay_window_seconds);
  if (!auth) {
    stats.unauthorized++;
    bump(counters.unauthorized);
    log::warn("ingress", "webhook rejected", lc,
              {{"source", source_name}, {"reason", auth.error().message}, {"remote", req.remote_address}});
    respond(ServerResponse::error(401, auth.error().message));
    return;
  }
  if (ctx->queue->approximate_depth() >= ctx->config->queue.max_depth) {
    stats.overloaded++;
    bump(counters.overloaded);
    respond(overloaded_response(*ctx->config));
    return;
  }
  auto incident = source.normalizer->normalize_text(req.body);
  if (!incident) {
    stats.invalid++;
    bump(counters.invalid);
    respond(ServerResponse::error(400, incident.error().message));
    return;
  }

  NewJob job;
  job.kind = "enrich";
  job.dedupe_key = incident->dedupe_key();
  job.payload = incident_payload_json(*incident, req.body);
  job.traceparent = trace.to_header();
  std::string external_id = std::move(incident->external_id);
  // Everything moved in: this callback runs once per webhook on the queue's writer thread.
  auto on_stored = [ctx, respond = std::move(respond), source_name, external_id = std::move(external_id),
                    trace = std::move(trace), counters](Result<EnqueueOutcome> r) {
    IngressStats& stats = *ctx->stats;
    log::LogContext lc{.trace_id = trace.trace_id};
    if (!r) {
      if (r.error().code == ErrorCode::overloaded) {
        stats.overloaded++;
        bump(counters.overloaded);
        respond(overloaded_response(*ctx->config));
        return;
      }
      stats.store_errors++;
      bump(counters.store_error);
      log::error("ingress", "could not store webhook job", lc, {{"source", source_name}, {"error", r.error().message}});
      auto resp = ServerResponse::error(503, "could not store the job; retry later");
      resp.headers.emplace_back("Retry-After", std::to_string(ctx->config->queue.retry_after_seconds));
      respond(std::move(resp));
      return;
    }
    if (r->duplicate) {
      stats.duplicates++;
      bump(counters.duplicate);
    } else {
      stats.accepted++;
      bump(counters.accepted);
      // Checked here: the fields' JSON object would be built even when info is off.
      if (log::enabled(log::Level::info)) {
        const std::string job_id = std::to_string(r->job_id);
        log::info("ingress", "webhook queued", {.trace_id = trace.trace_id, .job_id = job_id},
                  {{"source", source_name}, {"external_id", external_id}});
      }
      if (ctx->on_new_job) ctx->on_new_job();
    }
    respond(accepted_response(r->job_id, r->duplicate));
  };
  ctx->queue->enqueue(std::move(job), std::move(on_stored));
}

}  // namespace

std::map<std::string, WebhookSource> build_webhook_sources(const Config& cfg) {
  std::map<std::string, WebhookSource> out;
  for (const auto& [name, source_cfg] : cfg.webhooks.sources) {
    if (!source_cfg.enabled) continue;
    auto normalizer = make_normalizer(name, source_cfg);
    if (!normalizer) throw std::invalid_argument("no normalizer for webhook source '" + name + "'");
    out.emplace(name, WebhookSource{source_cfg, std::move(normalizer)});
  }
  return out;
}

void register_webhook_routes(Router& router, std::shared_ptr<WebhookContext> ctx) {
  router.add("POST", "/v1/webhooks/{source}",
             [ctx](ServerRequest req, Responder respond) { handle_webhook(ctx, std::move(req), std::move(respond)); });
}

}  // namespace triagent
