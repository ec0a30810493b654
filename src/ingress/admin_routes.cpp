// The admin job API: read a job, list jobs by state (dead letters), replay a job, back the queue
// up online. Reading needs the viewer role, replaying and backing up admin (AccessControl: 401
// unknown token, 403 too low a role).
#include <charconv>

#include "ingress/job_json.hpp"
#include "triagent/observability/log.hpp"
#include "triagent/queue/sqlite_job_queue.hpp"
#include "triagent/ingress/routes.hpp"
#include "triagent/net/require_role.hpp"

namespace triagent {

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 1000;

std::optional<std::int64_t> parse_job_id(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

ServerResponse error_response(const Error& e) {
  switch (e.code) {
    case ErrorCode::not_found: return ServerResponse::error(404, e.message);
    case ErrorCode::conflict: return ServerResponse::error(409, e.message);
    case ErrorCode::invalid_argument: return ServerResponse::error(400, e.message);
    default: return ServerResponse::error(503, "job store unavailable: " + e.message);
  }
}

// Wraps a handler so it runs only for a caller holding at least `needed`.
Handler guarded(const std::shared_ptr<AdminContext>& ctx, Role needed, Handler inner) {
  auto access = ctx->access ? ctx->access
                            : std::make_shared<const AccessControl>(ctx->admin_token, std::vector<TokenGrant>{});
  return require_role(std::move(access), needed, [inner = std::move(inner)](ServerRequest req, Responder respond,
                                                                            Principal) {
    inner(std::move(req), std::move(respond));
  });
}

void get_job(const std::shared_ptr<AdminContext>& ctx, ServerRequest req, Responder respond) {
  auto id = parse_job_id(req.params["id"]);
  if (!id) {
    respond(ServerResponse::error(400, "job id must be a positive integer"));
    return;
  }
  ctx->queue->get(*id, [respond, id](Result<std::optional<JobRecord>> r) {
    if (!r) return respond(error_response(r.error()));
    if (!r->has_value()) return respond(ServerResponse::error(404, "no job " + std::to_string(*id)));
    respond(ServerResponse::json(200, job_to_json(**r)));
  });
}

void list_jobs(const std::shared_ptr<AdminContext>& ctx, ServerRequest req, Responder respond) {
  auto state_text = req.query_param("state").value_or("dead");
  auto state = parse_job_state(state_text);
  if (!state) {
    respond(ServerResponse::error(400, "state must be one of queued, leased, done, dead"));
    return;
  }
  int limit = kDefaultListLimit;
  if (auto l = req.query_param("limit")) {
    auto parsed = parse_job_id(*l);
    if (!parsed || *parsed > kMaxListLimit) {
      respond(ServerResponse::error(400, "limit must be an integer from 1 to " + std::to_string(kMaxListLimit)));
      return;
    }
    limit = static_cast<int>(*parsed);
  }
  ctx->queue->list(*state, limit, [respond](Result<std::vector<JobRecord>> r) {
    if (!r) return respond(error_response(r.error()));
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& job : *r) jobs.push_back(job_to_json(job));
    respond(ServerResponse::json(200, {{"jobs", jobs}, {"count", jobs.size()}}));
  });
}

void replay_job(const std::shared_ptr<AdminContext>& ctx, ServerRequest req, Responder respond) {
  auto id = parse_job_id(req.params["id"]);
  if (!id) {
    respond(ServerResponse::error(400, "job id must be a positive integer"));
    return;
  }
  ctx->queue->replay(*id, [ctx, respond](Result<JobRecord> r) {
    if (!r) return respond(error_response(r.error()));
    if (ctx->on_replay) ctx->on_replay();
    respond(ServerResponse::json(200, job_to_json(*r)));
  });
}

// The copy goes where the queue decides (backups/ beside its database), never to a path the
// caller names: an admin token must not be a way to write files anywhere the daemon can.
void backup_queue(const std::shared_ptr<AdminContext>& ctx, Responder respond) {
  backup_sqlite_job_queue(*ctx->queue, [respond](Result<QueueBackup> r) {
    if (!r) {
      log::warn("admin", "queue backup failed", {}, {{"error", r.error().message}});
      return respond(error_response(r.error()));
    }
    log::info("admin", "queue backup written", {}, {{"path", r->path}, {"bytes", std::to_string(r->bytes)}});
    respond(ServerResponse::json(200, {{"path", r->path}, {"pages", r->pages}, {"bytes", r->bytes}}));
  });
}

}  // namespace

void register_admin_routes(Router& router, std::shared_ptr<AdminContext> ctx) {
  router.add("GET", "/v1/jobs/{id}", guarded(ctx, Role::viewer, [ctx](ServerRequest req, Responder respond) {
               get_job(ctx, std::move(req), std::move(respond));
             }));
  router.add("GET", "/v1/jobs", guarded(ctx, Role::viewer, [ctx](ServerRequest req, Responder respond) {
               list_jobs(ctx, std::move(req), std::move(respond));
             }));
  router.add("POST", "/v1/jobs/{id}/replay", guarded(ctx, Role::admin, [ctx](ServerRequest req, Responder respond) {
               replay_job(ctx, std::move(req), std::move(respond));
             }));
  router.add("POST", "/v1/admin/backup", guarded(ctx, Role::admin, [ctx](ServerRequest, Responder respond) {
               backup_queue(ctx, std::move(respond));
             }));
}

}  // namespace triagent
