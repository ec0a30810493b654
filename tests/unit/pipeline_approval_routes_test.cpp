// The approval admin API through the Router, with plain request structs (no socket).

#include <gtest/gtest.h>

#include "pipeline_approval_test_support.hpp"
#include "triagent/pipeline/approval_routes.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::ApprovalFixture;

constexpr const char* kToken = "admin-token-0123456789abcdef";
constexpr const char* kViewerToken = "viewer-token-0123456789abcdef";
constexpr const char* kApproverToken = "approver-token-0123456789abcdef";

ServerRequest request(std::string method, std::string target, std::string body = "",
                      std::string authorization = std::string("Bearer ") + kToken) {
  ServerRequest r;
  r.method = std::move(method);
  r.target = target;
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  if (!authorization.empty()) r.headers.emplace_back("authorization", authorization);
  r.body = std::move(body);
  return r;
}

class ApprovalRoutes : public ::testing::Test {
 protected:
  ApprovalRoutes() {
    ctx_ = std::make_shared<ApprovalRoutesContext>();
    ctx_->store = f_.store.get();
    ctx_->access = std::make_shared<const AccessControl>(
        Secret(kToken), std::vector<TokenGrant>{{"vera", Role::viewer, sha256_hex(kViewerToken)},
                                                {"alice", Role::approver, sha256_hex(kApproverToken)}});
    ctx_->metrics = &metrics_;
    ctx_->on_approved = [this](ApprovalRecord r) { started_.push_back(std::move(r)); };
    register_approval_routes(router_, ctx_);
  }

  ServerResponse dispatch(ServerRequest req) {
    ServerResponse out;
    out.status = -1;
    router_.dispatch(std::move(req), [&out](ServerResponse r) { out = std::move(r); });
    return out;
  }
  static json body(const ServerResponse& r) { return json::parse(r.body); }

  ApprovalFixture f_;
  std::shared_ptr<ApprovalRoutesContext> ctx_;
  Router router_;
  std::vector<ApprovalRecord> started_;
  metrics::Registry metrics_;
};

TEST_F(ApprovalRoutes, EveryRouteNeedsTheAdminToken) {
  auto id = f_.create(testing::isolate_request("job-1")).id;
  for (std::string auth : {std::string(), std::string("Bearer wrong"), std::string("Basic YWRtaW46YWRtaW4="),
                           std::string("Bearer"), std::string("bearer ") + kToken + "x"}) {
    EXPECT_EQ(dispatch(request("GET", "/v1/approvals", "", auth)).status, 401) << auth;
    EXPECT_EQ(dispatch(request("GET", "/v1/approvals/" + id, "", auth)).status, 401);
    EXPECT_EQ(dispatch(request("POST", "/v1/approvals/" + id + "/approve", R"({"reason":"x"})", auth)).status, 401);
    EXPECT_EQ(dispatch(request("POST", "/v1/approvals/" + id + "/reject", R"({"reason":"x"})", auth)).status, 401);
  }
  EXPECT_TRUE(started_.empty());
  EXPECT_EQ(f_.store->get(id)->status, ApprovalStatus::pending);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals", "", std::string("bearer  ") + kToken)).status, 200);

  ctx_->access = nullptr;  // older wiring: the admin token alone
  ctx_->admin_token = Secret(kToken);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals")).status, 200);
  ctx_->admin_token = Secret();  // no token configured: nobody gets in
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals", "", "Bearer ")).status, 401);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals")).status, 401);
}

TEST_F(ApprovalRoutes, ViewersReadApproversDecide) {
  auto id = f_.create(testing::isolate_request("job-1")).id;
  const std::string viewer = std::string("Bearer ") + kViewerToken;
  const std::string approver = std::string("Bearer ") + kApproverToken;
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals", "", viewer)).status, 200);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals/" + id, "", viewer)).status, 200);
  EXPECT_EQ(dispatch(request("POST", "/v1/approvals/" + id + "/approve", R"({"reason":"x"})", viewer)).status, 403);
  EXPECT_EQ(dispatch(request("POST", "/v1/approvals/" + id + "/reject", R"({"reason":"x"})", viewer)).status, 403);
  EXPECT_EQ(f_.store->get(id)->status, ApprovalStatus::pending);
  EXPECT_EQ(metrics_.render().find("approvals_decided"), std::string::npos);

  auto res = dispatch(request("POST", "/v1/approvals/" + id + "/reject",
                              R"({"reason":"benign","actor":"mallory"})", approver));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body(res)["decided_by"], "alice");  // the token's name, whatever the body says
  EXPECT_NE(metrics_.render().find("triagent_approvals_decided_total{decision=\"rejected\"} 1\n"),
            std::string::npos);
}

TEST_F(ApprovalRoutes, ListsPendingByDefaultAndFiltersByStatus) {
  auto a = f_.create(testing::isolate_request("job-1")).id;
  f_.clock.advance(std::chrono::seconds(1));
  auto b = f_.create(testing::verdict_request("job-2")).id;
  ASSERT_TRUE(f_.approve(b));

  auto pending = dispatch(request("GET", "/v1/approvals"));
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(body(pending)["count"], 1);
  EXPECT_EQ(body(pending)["approvals"][0]["id"], a);
  EXPECT_EQ(body(pending)["approvals"][0]["status"], "pending");

  EXPECT_EQ(body(dispatch(request("GET", "/v1/approvals?status=approved")))["approvals"][0]["id"], b);
  EXPECT_EQ(body(dispatch(request("GET", "/v1/approvals?status=all")))["count"], 2);
  EXPECT_EQ(body(dispatch(request("GET", "/v1/approvals?status=all&limit=1")))["count"], 1);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals?status=bogus")).status, 400);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals?limit=0")).status, 400);
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals?limit=abc")).status, 400);
}

TEST_F(ApprovalRoutes, GetsOneApprovalOr404) {
  auto r = f_.create(testing::isolate_request("job-1"));
  auto got = dispatch(request("GET", "/v1/approvals/" + r.id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(body(got)["action"], "isolate_endpoint");
  EXPECT_EQ(body(got)["action_hash"], r.action_hash);
  EXPECT_EQ(body(got)["params"], json({{"agent_id", "42"}}));
  EXPECT_EQ(dispatch(request("GET", "/v1/approvals/0123456789abcdef0123456789abcdef")).status, 404);
}

TEST_F(ApprovalRoutes, ApprovingAnswers202AndStartsExecutionOnce) {
  auto r = f_.create(testing::isolate_request("job-1"));
  auto res = dispatch(request("POST", "/v1/approvals/" + r.id + "/approve",
                              json{{"reason", "confirmed C2"}, {"actor", "alice"}, {"action_hash", r.action_hash}}.dump()));
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(body(res)["status"], "approved");
  EXPECT_EQ(body(res)["decided_by"], "admin");  // the token's name; the body's actor is ignored
  EXPECT_EQ(body(res)["decision_reason"], "confirmed C2");
  ASSERT_EQ(started_.size(), 1u);
  EXPECT_EQ(started_[0].id, r.id);
  EXPECT_EQ(started_[0].status, ApprovalStatus::approved);

  EXPECT_EQ(dispatch(request("POST", "/v1/approvals/" + r.id + "/approve", R"({"reason":"again"})")).status, 409);
  EXPECT_EQ(dispatch(request("POST", "/v1/approvals/" + r.id + "/reject", R"({"reason":"late"})")).status, 409);
  EXPECT_EQ(started_.size(), 1u);
}

TEST_F(ApprovalRoutes, RejectingAnswers200AndStartsNothing) {
  auto r = f_.create(testing::isolate_request("job-1"));
  auto res = dispatch(request("POST", "/v1/approvals/" + r.id + "/reject", R"({"reason":"admin tool, benign"})"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body(res)["status"], "rejected");
  EXPECT_EQ(body(res)["decided_by"], "admin");  // the admin token's name
  EXPECT_TRUE(started_.empty());
}

TEST_F(ApprovalRoutes, BadBodiesAre400AndDecideNothing) {
  auto r = f_.create(testing::isolate_request("job-1"));
  const std::string url = "/v1/approvals/" + r.id + "/approve";
  for (const char* bad : {"", "not json", "[1]", "{}", R"({"reason":""})", R"({"reason":"   "})", R"({"reason":7})",
                          R"({"reason":"ok","actor":5})", R"({"reason":"ok","actor":""})",
                          R"({"reason":"ok","action_hash":1})"}) {
    EXPECT_EQ(dispatch(request("POST", url, bad)).status, 400) << bad;
  }
  std::string deep(100, '[');
  EXPECT_EQ(dispatch(request("POST", url, deep)).status, 400);
  EXPECT_EQ(f_.store->get(r.id)->status, ApprovalStatus::pending);
  EXPECT_TRUE(started_.empty());
}

TEST_F(ApprovalRoutes, UnknownExpiredOrMismatchedApprovalsAreRefused) {
  EXPECT_EQ(dispatch(request("POST", "/v1/approvals/ffffffffffffffffffffffffffffffff/approve", R"({"reason":"x"})")).status,
            404);
  auto r = f_.create(testing::isolate_request("job-1"));
  auto mismatch = dispatch(request("POST", "/v1/approvals/" + r.id + "/approve",
                                   json{{"reason", "x"}, {"action_hash", std::string(64, 'a')}}.dump()));
  EXPECT_EQ(mismatch.status, 409);
  f_.clock.advance(std::chrono::hours(2));
  auto expired = dispatch(request("POST", "/v1/approvals/" + r.id + "/approve", R"({"reason":"too late"})"));
  EXPECT_EQ(expired.status, 409);
  EXPECT_NE(body(expired)["error"].get<std::string>().find("expired"), std::string::npos);
  EXPECT_TRUE(started_.empty());
}

TEST_F(ApprovalRoutes, StoreWorkRunsWhereTheContextSays) {
  std::vector<std::function<void()>> queued;
  ctx_->run_blocking = [&queued](std::function<void()> work) { queued.push_back(std::move(work)); };
  auto r = f_.create(testing::isolate_request("job-1"));
  ServerResponse out;
  out.status = -1;
  router_.dispatch(request("POST", "/v1/approvals/" + r.id + "/approve", R"({"reason":"ok"})"),
                   [&out](ServerResponse res) { out = std::move(res); });
  EXPECT_EQ(out.status, -1);  // not answered until the pool runs the work
  ASSERT_EQ(queued.size(), 1u);
  queued[0]();
  EXPECT_EQ(out.status, 202);
}

}  // namespace
}  // namespace triagent
