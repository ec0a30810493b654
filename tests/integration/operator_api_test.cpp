// The operator API of the real daemon with three role tokens (viewer, approver, admin): the whole
// role matrix over every admin endpoint, bad input, and /metrics after traffic.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "triagent/core/access_control.hpp"

namespace triagent::testing {
namespace {

const std::string kViewer = "operator-viewer-token-0123456789";
const std::string kApprover = "operator-approver-token-0123456789";
const std::string kAdmin2 = "operator-admin-token-0123456789";

TestConfig operator_config() {
  TestConfig c;
  c.extra_auth_yaml = "  tokens:\n"
                      "    - {name: vera, role: viewer, sha256: " + sha256_hex(kViewer) + "}\n"
                      "    - {name: alice, role: approver, sha256: " + sha256_hex(kApprover) + "}\n"
                      "    - {name: root, role: admin, sha256: " + sha256_hex(kAdmin2) + "}\n";
  return c;
}

enum class Need { any, viewer, approver, admin };

struct Endpoint {
  std::string method;
  std::string target;
  std::string body;
  Need need;
};

class OperatorApiTest : public ::testing::Test {
 protected:
  void SetUp() override { daemon_ = std::make_unique<DaemonProcess>(operator_config(), dir_.path()); }

  HttpTestResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                        const std::string& token = "") {
    HttpTestClient c("127.0.0.1", daemon_->port());
    return c.request(method, target, body, token.empty() ? Headers{} : bearer(token));
  }

  std::string post_webhook(const std::string& id) {
    auto r = call("POST", "/v1/webhooks/generic", R"({"id":")" + id + R"(","title":"T","severity":"high"})",
                  kWebhookToken);
    EXPECT_EQ(r.status, 202) << r.body;
    return r.json().value("job_id", "");
  }

  void wait_done(const std::string& job_id) {
    HttpTestResponse job;
    ASSERT_TRUE(eventually([&] {
      job = call("GET", "/v1/jobs/" + job_id, "", kViewer);
      return job.status == 200 && job.json()["state"] == "done";
    }, std::chrono::seconds(15))) << job.body;
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(OperatorApiTest, WhoamiNamesEachToken) {
  EXPECT_EQ(call("GET", "/v1/whoami", "", kViewer).json(), (nlohmann::json{{"name", "vera"}, {"role", "viewer"}}));
  EXPECT_EQ(call("GET", "/v1/whoami", "", kApprover).json(),
            (nlohmann::json{{"name", "alice"}, {"role", "approver"}}));
  EXPECT_EQ(call("GET", "/v1/whoami", "", kAdmin2).json(), (nlohmann::json{{"name", "root"}, {"role", "admin"}}));
  EXPECT_EQ(call("GET", "/v1/whoami", "", kAdminToken).json(), (nlohmann::json{{"name", "admin"}, {"role", "admin"}}));
  EXPECT_EQ(call("GET", "/v1/whoami").status, 401);
  EXPECT_EQ(call("GET", "/v1/whoami", "", "wrong-token-0123456789").status, 401);
}

TEST_F(OperatorApiTest, RoleMatrixOverEveryAdminEndpoint) {
  const std::string job = post_webhook("matrix-1");
  wait_done(job);
  const std::string approval = "ffffffffffffffffffffffffffffffff";  // unknown: the matrix is about access
  const std::string feedback = R"({"rating":"accepted","reason":"right call"})";
  const std::vector<Endpoint> endpoints = {
      {"GET", "/v1/whoami", "", Need::any},
      {"GET", "/v1/overview", "", Need::viewer},
      {"GET", "/metrics", "", Need::viewer},
      {"GET", "/v1/jobs?state=done", "", Need::viewer},
      {"GET", "/v1/jobs/" + job, "", Need::viewer},
      {"GET", "/v1/jobs/" + job + "/feedback", "", Need::viewer},
      {"GET", "/v1/approvals", "", Need::viewer},
      {"GET", "/v1/approvals/" + approval, "", Need::viewer},
      {"POST", "/v1/approvals/" + approval + "/approve", R"({"reason":"ok"})", Need::approver},
      {"POST", "/v1/approvals/" + approval + "/reject", R"({"reason":"no"})", Need::approver},
      {"POST", "/v1/jobs/" + job + "/feedback", feedback, Need::approver},
      {"POST", "/v1/jobs/" + job + "/replay", "", Need::admin},
      {"POST", "/v1/config/check", "mode: shadow\n", Need::admin},
      {"POST", "/v1/admin/backup", "", Need::admin},
  };
  // Without a token, or with a wrong one: 401 everywhere.
  for (const auto& e : endpoints) {
    EXPECT_EQ(call(e.method, e.target, e.body).status, 401) << e.method << " " << e.target;
    EXPECT_EQ(call(e.method, e.target, e.body, "Bearer-not-a-token-0123").status, 401) << e.target;
    EXPECT_EQ(call(e.method, e.target, e.body, std::string(kAdminToken) + "x").status, 401) << e.target;
  }
  // Too low a role: 403, and nothing changed (no feedback stored, the job still done).
  struct Caller {
    std::string token;
    int rank;
  };
  for (const Caller& caller : {Caller{kViewer, 1}, Caller{kApprover, 2}}) {
    for (const auto& e : endpoints) {
      const int needed = static_cast<int>(e.need);
      if (needed <= caller.rank) continue;
      EXPECT_EQ(call(e.method, e.target, e.body, caller.token).status, 403) << caller.token << " " << e.target;
    }
  }
  EXPECT_EQ(call("GET", "/v1/jobs/" + job + "/feedback", "", kViewer).json()["feedback"].size(), 0u);
  EXPECT_EQ(call("GET", "/v1/jobs/" + job, "", kViewer).json()["state"], "done");

  // The right role gets through (404 for the unknown approval is the handler's answer, past auth).
  for (const auto& e : endpoints) {
    if (e.target.find("/replay") != std::string::npos) continue;  // changes state: checked below
    const std::string token = e.need == Need::admin ? kAdmin2 : e.need == Need::approver ? kApprover : kViewer;
    const int status = call(e.method, e.target, e.body, token).status;
    if (e.target.find(approval) != std::string::npos) {
      EXPECT_EQ(status, 404) << e.target;
    } else if (e.method == "POST" && e.target.ends_with("/feedback")) {
      EXPECT_EQ(status, 201) << e.target;
    } else if (e.target == "/v1/config/check") {
      EXPECT_EQ(status, 422) << e.target;  // allowed; that text lacks auth.admin_token
    } else {
      EXPECT_EQ(status, 200) << e.target;
    }
  }
  auto replay = call("POST", "/v1/jobs/" + job + "/replay", "", kAdmin2);
  EXPECT_EQ(replay.status, 200) << replay.body;
}

TEST_F(OperatorApiTest, UnknownIdsAndMalformedBodies) {
  const std::string job = post_webhook("bad-input-1");
  wait_done(job);
  EXPECT_EQ(call("GET", "/v1/jobs/999999", "", kViewer).status, 404);
  EXPECT_EQ(call("GET", "/v1/jobs/abc", "", kViewer).status, 400);
  EXPECT_EQ(call("POST", "/v1/jobs/999999/replay", "", kAdmin2).status, 404);
  EXPECT_EQ(call("GET", "/v1/jobs/999999/feedback", "", kViewer).status, 404);
  EXPECT_EQ(call("POST", "/v1/jobs/999999/feedback", R"({"rating":"accepted","reason":"x"})", kApprover).status, 404);
  EXPECT_EQ(call("GET", "/v1/approvals/ffffffffffffffffffffffffffffffff", "", kViewer).status, 404);
  EXPECT_EQ(call("GET", "/v1/jobs?state=nope", "", kViewer).status, 400);

  for (const char* bad : {"", "not json", "[1]", "{}", R"({"rating":"great","reason":"x"})",
                          R"({"rating":"accepted"})", R"({"rating":"accepted","reason":"  "})",
                          R"({"rating":"accepted","reason":"x","comment":5})"}) {
    auto r = call("POST", "/v1/jobs/" + job + "/feedback", bad, kApprover);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(r.json().contains("error")) << r.body;
  }
  for (const char* bad : {"", "nope", R"({"reason":7})"}) {
    EXPECT_EQ(call("POST", "/v1/approvals/ffffffffffffffffffffffffffffffff/approve", bad, kApprover).status, 400)
        << bad;
  }
  EXPECT_EQ(call("POST", "/v1/config/check", "", kAdmin2).status, 400);
  // Nothing was stored by any failed request.
  EXPECT_EQ(call("GET", "/v1/jobs/" + job + "/feedback", "", kViewer).json()["feedback"].size(), 0u);
}

TEST_F(OperatorApiTest, FeedbackIsStoredWithTheCallersNameAndCounted) {
  const std::string job = post_webhook("feedback-1");
  wait_done(job);
  auto r = call("POST", "/v1/jobs/" + job + "/feedback", R"({"rating":"edited","reason":"wrong host","comment":"c"})",
                kApprover);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["actor"], "alice");
  EXPECT_EQ(r.json()["job_id"], job);
  EXPECT_EQ(r.json()["rating"], "edited");
  ASSERT_EQ(call("POST", "/v1/jobs/" + job + "/feedback", R"({"rating":"accepted","reason":"fine"})", kAdmin2).status,
            201);
  auto list = call("GET", "/v1/jobs/" + job + "/feedback", "", kViewer).json()["feedback"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["rating"], "edited");
  EXPECT_EQ(list[1]["actor"], "root");

  auto overview = call("GET", "/v1/overview", "", kViewer).json();
  EXPECT_EQ(overview["feedback"]["accepted"], 1);
  EXPECT_EQ(overview["feedback"]["edited"], 1);
  EXPECT_DOUBLE_EQ(overview["feedback"]["acceptance_rate"].get<double>(), 0.5);
  auto metrics = call("GET", "/metrics", "", kViewer).body;
  EXPECT_NE(metrics.find("triagent_feedback_total{rating=\"edited\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("triagent_ai_acceptance_ratio 0.5\n"), std::string::npos);
  // Time to first action: observed once per job (the second feedback is not a first action).
  EXPECT_NE(metrics.find("triagent_time_to_first_action_seconds_count 1\n"), std::string::npos) << metrics;

  // The audit chain holds the feedback record.
  std::ifstream audit(dir_.path() + "/audit/audit.jsonl");
  std::stringstream text;
  text << audit.rdbuf();
  EXPECT_NE(text.str().find("\"kind\":\"feedback\""), std::string::npos);
}

TEST_F(OperatorApiTest, ConfigCheckValidatesWithoutEchoingSecrets) {
  std::ifstream in(daemon_->config_path());
  std::stringstream config;
  config << in.rdbuf();
  auto ok = call("POST", "/v1/config/check", config.str(), kAdmin2);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), (nlohmann::json{{"valid", true}}));

  auto bad = call("POST", "/v1/config/check", config.str() + "bogus: 1\n", kAdmin2);
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json()["valid"], false);
  ASSERT_EQ(bad.json()["errors"].size(), 1u);
  EXPECT_NE(bad.json()["errors"][0].get<std::string>().find("bogus: unknown key"), std::string::npos);

  auto short_secret = call("POST", "/v1/config/check", "auth:\n  admin_token: SECRET-short\n", kAdmin2);
  EXPECT_EQ(short_secret.status, 422);
  EXPECT_EQ(short_secret.body.find(kAdminToken), std::string::npos);
  EXPECT_EQ(call("POST", "/v1/config/check", std::string(300 * 1024, '#'), kAdmin2).status, 413);
}

TEST_F(OperatorApiTest, OverviewAndVerboseReadiness) {
  auto overview = call("GET", "/v1/overview", "", kViewer);
  ASSERT_EQ(overview.status, 200) << overview.body;
  auto o = overview.json();
  EXPECT_EQ(o["mode"], "shadow");
  EXPECT_TRUE(o["version"].is_string());
  for (const char* key : {"ready", "leased", "done", "dead", "oldest_ready_age_seconds"}) {
    EXPECT_TRUE(o["queue"].contains(key)) << key;
  }
  EXPECT_EQ(o["approvals_pending"], 0);
  EXPECT_EQ(o["checks"]["job_store"], "ok");
  EXPECT_EQ(o["checks"]["audit_log"], "ok");

  auto ready = call("GET", "/readyz?verbose");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["job_store"], "ok");
  EXPECT_EQ(ready.json()["checks"]["accepting"], "ok");
  EXPECT_EQ(ready.json()["checks"]["audit_log"], "ok");
  EXPECT_EQ(call("GET", "/readyz").json(), (nlohmann::json{{"status", "ok"}}));
}

TEST_F(OperatorApiTest, MetricsMoveWithWebhooks) {
  const std::string before = call("GET", "/metrics", "", kViewer).body;
  EXPECT_EQ(before.find("triagent_webhooks_received_total{outcome=\"accepted\",source=\"generic\"} 1"),
            std::string::npos);
  wait_done(post_webhook("metrics-1"));
  post_webhook("metrics-2");
  post_webhook("metrics-2");  // duplicate
  EXPECT_EQ(call("POST", "/v1/webhooks/generic", R"({"id":"x"})", "wrong-webhook-token-0123").status, 401);

  auto scrape = call("GET", "/metrics", "", kViewer);
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = scrape.body;
  EXPECT_NE(m.find("# TYPE triagent_webhooks_received_total counter\n"), std::string::npos);
  EXPECT_NE(m.find("triagent_webhooks_received_total{outcome=\"accepted\",source=\"generic\"} 2\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("triagent_webhooks_received_total{outcome=\"duplicate\",source=\"generic\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.find("triagent_webhooks_received_total{outcome=\"unauthorized\",source=\"generic\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.find("triagent_jobs_total{outcome=\"done\"} "), std::string::npos);
  EXPECT_EQ(m.find("triagent_jobs_total{outcome=\"done\"} 0\n"), std::string::npos);
  EXPECT_NE(m.find("triagent_queue_depth{state=\"done\"} "), std::string::npos);
  EXPECT_NE(m.find("triagent_queue_oldest_ready_age_seconds "), std::string::npos);
  EXPECT_NE(m.find("triagent_approvals_pending 0\n"), std::string::npos);
  EXPECT_NE(m.find("triagent_build_info{git_sha=\""), std::string::npos);
  // The queue's group commits: the webhooks' (synced) and the workers' leases and acks (deferred).
  for (const char* durability : {"synced", "deferred"}) {
    const std::string labels = std::string("{durability=\"") + durability + "\"} ";
    EXPECT_NE(m.find("triagent_queue_commits_total" + labels), std::string::npos) << m;
    EXPECT_EQ(m.find("triagent_queue_commits_total" + labels + "0\n"), std::string::npos) << m;
    EXPECT_EQ(m.find("triagent_queue_commit_duration_seconds_count" + labels + "0\n"), std::string::npos) << m;
  }
  EXPECT_NE(m.find("triagent_queue_store_failures_total 0\n"), std::string::npos);
}

}  // namespace
}  // namespace triagent::testing
