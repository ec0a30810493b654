// The approval admin API (see approval_routes.hpp).
#include "triagent/pipeline/approval_routes.hpp"

#include <charconv>

#include "triagent/core/json_safety.hpp"
#include "triagent/net/require_role.hpp"
#include "triagent/pipeline/approval_flow.hpp"

namespace triagent {

namespace {

using nlohmann::json;

constexpr int kDefaultListLimit = 100;

ServerResponse error_response(const Error& e) {
  switch (e.code) {
    case ErrorCode::not_found: return ServerResponse::error(404, e.message);
    case ErrorCode::conflict: return ServerResponse::error(409, e.message);
    case ErrorCode::invalid_argument: return ServerResponse::error(400, e.message);
    default: return ServerResponse::error(503, "approval store unavailable: " + e.message);
  }
}

void run_store_work(const std::shared_ptr<ApprovalRoutesContext>& ctx, std::function<void()> work) {
  if (ctx->run_blocking) {
    ctx->run_blocking(std::move(work));
  } else {
    work();
  }
}

// The role check (401/403) comes first, so a caller without the role learns nothing else.
Handler guarded(const std::shared_ptr<ApprovalRoutesContext>& ctx, Role needed, PrincipalHandler inner) {
  return [ctx, needed, inner = std::move(inner)](ServerRequest req, Responder respond) {
    // Without an AccessControl, the admin token alone (older wiring and tests).
    auto access = ctx->access ? ctx->access
                              : std::make_shared<const AccessControl>(ctx->admin_token, std::vector<TokenGrant>{});
    auto checked = require_role(std::move(access), needed,
                                [ctx, inner](ServerRequest r, Responder out, Principal who) {
                                  if (ctx->store == nullptr) {
                                    out(ServerResponse::error(503, "approvals are not configured"));
                                    return;
                                  }
                                  inner(std::move(r), std::move(out), std::move(who));
                                });
    checked(std::move(req), std::move(respond));
  };
}

void count_decision(const std::shared_ptr<ApprovalRoutesContext>& ctx, const ApprovalRecord& r) {
  if (ctx->metrics == nullptr) return;
  ctx->metrics
      ->counter("triagent_approvals_decided_total", "Approvals decided through the API, by decision.",
                {{"decision", r.status == ApprovalStatus::approved ? "approved" : "rejected"}})
      .inc();
}

std::optional<int> parse_limit(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxApprovalListLimit) {
    return std::nullopt;
  }
  return value;
}

void list_approvals(const std::shared_ptr<ApprovalRoutesContext>& ctx, ServerRequest req, Responder respond) {
  std::string status_text = req.query_param("status").value_or("pending");
  std::optional<ApprovalStatus> status;
  if (status_text != "all") {
    status = parse_approval_status(status_text);
    if (!status) {
      respond(ServerResponse::error(
          400, "status must be one of pending, approved, rejected, expired, executing, executed, failed, all"));
      return;
    }
  }
  int limit = kDefaultListLimit;
  if (auto l = req.query_param("limit")) {
    auto parsed = parse_limit(*l);
    if (!parsed) {
      respond(ServerResponse::error(400, "limit must be an integer from 1 to " + std::to_string(kMaxApprovalListLimit)));
      return;
    }
    limit = *parsed;
  }
  run_store_work(ctx, [ctx, status, limit, respond] {
    auto r = ctx->store->list(status, limit);
    if (!r) return respond(error_response(r.error()));
    json approvals = json::array();
    for (const auto& a : *r) approvals.push_back(to_json(a));
    respond(ServerResponse::json(200, {{"approvals", approvals}, {"count", approvals.size()}}));
  });
}

void get_approval(const std::shared_ptr<ApprovalRoutesContext>& ctx, ServerRequest req, Responder respond) {
  std::string id = req.params["id"];
  run_store_work(ctx, [ctx, id, respond] {
    auto r = ctx->store->get(id);
    if (!r) return respond(error_response(r.error()));
    respond(ServerResponse::json(200, to_json(*r)));
  });
}

// {"reason": "...", "action_hash": "..."}: reason required. The actor is the caller's token name; an
// "actor" in the body (older clients) must still be a string but does not change who decided.
Result<ApprovalDecisionInput> read_decision_body(std::string_view body, ApprovalChoice choice, const Principal& who) {
  auto parsed = parse_untrusted_json(body);
  if (!parsed) return make_error(ErrorCode::invalid_argument, "body: " + parsed.error().message);
  if (!parsed->is_object()) return make_error(ErrorCode::invalid_argument, "body must be a JSON object");
  ApprovalDecisionInput d;
  d.choice = choice;
  auto reason = parsed->find("reason");
  if (reason == parsed->end() || !reason->is_string()) {
    return make_error(ErrorCode::invalid_argument, "reason (a string) is required");
  }
  d.reason = reason->get<std::string>();
  d.actor = who.name;
  if (auto actor = parsed->find("actor"); actor != parsed->end() && !actor->is_null()) {
    if (!actor->is_string() || actor->get<std::string>().empty()) {
      return make_error(ErrorCode::invalid_argument, "actor must be a non-empty string");
    }
  }
  if (auto hash = parsed->find("action_hash"); hash != parsed->end() && !hash->is_null()) {
    if (!hash->is_string()) return make_error(ErrorCode::invalid_argument, "action_hash must be a string");
    d.expected_hash = hash->get<std::string>();
  }
  return d;
}

void decide_approval(const std::shared_ptr<ApprovalRoutesContext>& ctx, ServerRequest req, Responder respond,
                     ApprovalChoice choice, const Principal& who) {
  auto decision = read_decision_body(req.body, choice, who);
  if (!decision) {
    respond(error_response(decision.error()));
    return;
  }
  std::string id = req.params["id"];
  run_store_work(ctx, [ctx, id, decision = std::move(*decision), respond] {
    auto r = ctx->store->decide(id, decision);
    if (!r) return respond(error_response(r.error()));
    audit_approval_decided(ctx->audit, *r);
    count_decision(ctx, *r);
    const bool approved = r->status == ApprovalStatus::approved;
    if (approved && ctx->on_approved) ctx->on_approved(*r);
    respond(ServerResponse::json(approved ? 202 : 200, to_json(*r)));
  });
}

}  // namespace

void register_approval_routes(Router& router, std::shared_ptr<ApprovalRoutesContext> ctx) {
  router.add("GET", "/v1/approvals", guarded(ctx, Role::viewer, [ctx](ServerRequest req, Responder respond, Principal) {
               list_approvals(ctx, std::move(req), std::move(respond));
             }));
  router.add("GET", "/v1/approvals/{id}",
             guarded(ctx, Role::viewer, [ctx](ServerRequest req, Responder respond, Principal) {
               get_approval(ctx, std::move(req), std::move(respond));
             }));
  router.add("POST", "/v1/approvals/{id}/approve",
             guarded(ctx, Role::approver, [ctx](ServerRequest req, Responder respond, Principal who) {
               decide_approval(ctx, std::move(req), std::move(respond), ApprovalChoice::approve, who);
             }));
  router.add("POST", "/v1/approvals/{id}/reject",
             guarded(ctx, Role::approver, [ctx](ServerRequest req, Responder respond, Principal who) {
               decide_approval(ctx, std::move(req), std::move(respond), ApprovalChoice::reject, who);
             }));
}

}  // namespace triagent
