// POST /v1/hunt (see hunt_routes.hpp).
#include "triagent/hunt/hunt_routes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "triagent/core/ids.hpp"
#include "triagent/core/json_safety.hpp"

namespace triagent::hunt {

namespace {

int status_for(const Error& e) {
  switch (e.code) {
    case ErrorCode::invalid_argument:
      return e.message.rfind("could not translate", 0) == 0 ? 422 : (e.upstream_status ? 502 : 400);
    case ErrorCode::unavailable:
    case ErrorCode::overloaded:
    case ErrorCode::timeout: return 503;
    default: return 502;
  }
}

// A named coroutine with by-value parameters (no capturing lambda: GCC 12 coroutine bug).
boost::asio::awaitable<void> run_hunt(std::shared_ptr<HuntRoutesContext> ctx, HuntRequest request, Responder respond) {
  Result<HuntAnswer> answer = Error(ErrorCode::internal, "hunt failed");
  try {
    answer = co_await ctx->service->hunt(std::move(request));
  } catch (const std::exception& e) {
    answer = Error(ErrorCode::internal, std::string("hunt failed: ") + e.what());
  }
  if (!answer) {
    respond(ServerResponse::error(status_for(answer.error()), answer.error().message));
    co_return;
  }
  respond(ServerResponse::json(200, answer->to_json()));
}

void handle_hunt(const std::shared_ptr<HuntRoutesContext>& ctx, ServerRequest req, Responder respond) {
  if (!ctx->authorize) {
    respond(ServerResponse::error(401, "unauthenticated"));
    return;
  }
  if (!ctx->authorize(req, respond)) return;
  if (!ctx->service) {
    respond(ServerResponse::error(503, "hunting is not enabled (hunt.enabled)"));
    return;
  }
  if (req.body.size() > kMaxHuntBodyBytes) {
    respond(ServerResponse::error(400, "body larger than " + std::to_string(kMaxHuntBodyBytes) + " bytes"));
    return;
  }
  auto body = parse_untrusted_json(req.body, 4);
  if (!body) {
    respond(ServerResponse::error(400, body.error().message));
    return;
  }
  if (!body->is_object() || !body->contains("question") || !(*body)["question"].is_string()) {
    respond(ServerResponse::error(400, "expected {\"question\": string, \"from\"?: string, \"to\"?: string}"));
    return;
  }
  HuntRequest hr;
  hr.question = (*body)["question"].get<std::string>();
  for (const char* key : {"from", "to"}) {
    if (!body->contains(key) || (*body)[key].is_null()) continue;
    if (!(*body)[key].is_string()) {
      respond(ServerResponse::error(400, std::string(key) + ": expected a string"));
      return;
    }
    (key[0] == 'f' ? hr.from : hr.to) = (*body)[key].get<std::string>();
  }
  if (body->contains("dry_run")) {
    if (!(*body)["dry_run"].is_boolean()) {
      respond(ServerResponse::error(400, "dry_run: expected a boolean"));
      return;
    }
    hr.dry_run = (*body)["dry_run"].get<bool>();
  }
  if (auto tp = TraceContext::parse(req.header("traceparent"))) hr.trace_id = tp->trace_id;
  boost::asio::co_spawn(ctx->executor, run_hunt(ctx, std::move(hr), std::move(respond)), boost::asio::detached);
}

}  // namespace

void register_hunt_routes(Router& router, std::shared_ptr<HuntRoutesContext> ctx) {
  router.add("POST", "/v1/hunt", [ctx](ServerRequest req, Responder respond) { handle_hunt(ctx, std::move(req), std::move(respond)); });
}

}  // namespace triagent::hunt
