// The approval admin API (see approval_routes.hpp).
#include "triagent/pipeline/approval_routes.hpp"

#include <charconv>

#include "triagent/core/json_safety.hpp"
#include "triagent/pipeline/approval_flow.hpp"

namespace triagent {

namespace {

using nlohmann::json;

constexpr int kDefaultListLimit = 100;

// Same rule as the job admin API's bearer check (ingress/webhook_auth.hpp), which the pipeline
// module cannot depend on: length differences leak only the length.
bool constant_time_equals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool bearer_is(std::string_view authorization, const Secret& expected) {
  if (expected.empty()) return false;
  std::string_view value = trim_ows(authorization);
  constexpr std::string_view scheme = "bearer";
  if (value.size() <= scheme.size() + 1) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = value[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return false;
  }
  if (value[scheme.size()] != ' ' && value[scheme.size()] != '\t') return false;
  std::string_view token = trim_ows(value.substr(scheme.size() + 1));
  return !token.empty() && constant_time_equals(token, expected.reveal());
}

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

Handler require_admin(const std::shared_ptr<ApprovalRoutesContext>& ctx, Handler inner) {
  return [ctx, inner = std::move(inner)](ServerRequest req, Responder respond) {
    if (!bearer_is(req.header("authorization"), ctx->admin_token)) {
      respond(ServerResponse::error(401, "missing or invalid admin token"));
      return;
    }
    if (ctx->store == nullptr) {
      respond(ServerResponse::error(503, "approvals are not configured"));
      return;
    }
    inner(std::move(req), std::move(respond));
  };
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

// {"reason": "...", "actor": "...", "action_hash": "..."}: reason required, the others optional.
Result<ApprovalDecisionInput> read_decision_body(std::string_view body, ApprovalChoice choice) {
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
  d.actor = "admin";
  if (auto actor = parsed->find("actor"); actor != parsed->end() && !actor->is_null()) {
    if (!actor->is_string()) return make_error(ErrorCode::invalid_argument, "actor must be a string");
    d.actor = actor->get<std::string>();
  }
  if (auto hash = parsed->find("action_hash"); hash != parsed->end() && !hash->is_null()) {
    if (!hash->is_string()) return make_error(ErrorCode::invalid_argument, "action_hash must be a string");
    d.expected_hash = hash->get<std::string>();
  }
  return d;
}

void decide_approval(const std::shared_ptr<ApprovalRoutesContext>& ctx, ServerRequest req, Responder respond,
                     ApprovalChoice choice) {
  auto decision = read_decision_body(req.body, choice);
  if (!decision) {
    respond(error_response(decision.error()));
    return;
  }
  std::string id = req.params["id"];
  run_store_work(ctx, [ctx, id, decision = std::move(*decision), respond] {
    auto r = ctx->store->decide(id, decision);
    if (!r) return respond(error_response(r.error()));
    audit_approval_decided(ctx->audit, *r);
    const bool approved = r->status == ApprovalStatus::approved;
    if (approved && ctx->on_approved) ctx->on_approved(*r);
    respond(ServerResponse::json(approved ? 202 : 200, to_json(*r)));
  });
}

}  // namespace

void register_approval_routes(Router& router, std::shared_ptr<ApprovalRoutesContext> ctx) {
  router.add("GET", "/v1/approvals", require_admin(ctx, [ctx](ServerRequest req, Responder respond) {
               list_approvals(ctx, std::move(req), std::move(respond));
             }));
  router.add("GET", "/v1/approvals/{id}", require_admin(ctx, [ctx](ServerRequest req, Responder respond) {
               get_approval(ctx, std::move(req), std::move(respond));
             }));
  router.add("POST", "/v1/approvals/{id}/approve", require_admin(ctx, [ctx](ServerRequest req, Responder respond) {
               decide_approval(ctx, std::move(req), std::move(respond), ApprovalChoice::approve);
             }));
  router.add("POST", "/v1/approvals/{id}/reject", require_admin(ctx, [ctx](ServerRequest req, Responder respond) {
               decide_approval(ctx, std::move(req), std::move(respond), ApprovalChoice::reject);
             }));
}

}  // namespace triagent
