// The hunting copilot end to end: POST /v1/hunt on the real daemon, with the simulator as the LLM
// and as DataSet. The question goes to the LLM, its query is validated and run read-only, and the
// answer comes back with results; an unusable LLM answer is repaired once; with no LLM answer at
// all, the template library answers; a viewer may hunt, a caller without a token may not.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"
#include "triagent/core/access_control.hpp"

namespace triagent::testing {
namespace {

using nlohmann::json;

const std::string kViewer = "hunt-viewer-token-0123456789";
constexpr const char* kHashQuestion =
    "Where else did we see ad060e2291a9d10ab1b7d57ce16e89b86ac6d79c0f3b32da6cc03fe8fb93b98b in the last week?";

class HuntEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    TestConfig config;
    config.extra_auth_yaml = "  tokens:\n    - {name: vera, role: viewer, sha256: " + sha256_hex(kViewer) + "}\n";
    config.extra_yaml = sim_connectors_yaml(sim_.base_url()) +
                        "hunt:\n"
                        "  enabled: true\n"
                        "  field_catalogue: " TRIAGENT_SOURCE_DIR "/config/hunt/fields.yaml\n"
                        "  templates: " TRIAGENT_SOURCE_DIR "/config/hunt/templates.yaml\n"
                        "  prompts_dir: " TRIAGENT_SOURCE_DIR "/config/prompts\n";
    daemon_ = std::make_unique<DaemonProcess>(config, dir_.path());
  }

  HttpTestResponse hunt(const json& body, const std::string& token = kViewer) {
    HttpTestClient c("127.0.0.1", daemon_->port());
    Headers headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return c.request("POST", "/v1/hunt", body.dump(), headers);
  }

  void llm_mode(const std::string& mode, int count) {
    HttpTestClient c("127.0.0.1", sim_.port());
    auto r = c.request("POST", "/_sim/llm/mode", json{{"mode", mode}, {"count", count}}.dump(),
                       {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  SimProcess sim_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(HuntEndToEnd, TheLlmsQueryIsValidatedRunAndExplained) {
  auto r = hunt({{"question", kHashQuestion}, {"from", "2025-11-18T12:00:00Z"}, {"to", "2025-11-18T18:00:00Z"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json a = r.json();
  EXPECT_EQ(a["source"], "llm") << r.body;
  EXPECT_FALSE(a["repaired"].get<bool>());
  EXPECT_TRUE(a["ran"].get<bool>());
  const std::string query = a["query"];
  EXPECT_NE(query.find("ad060e2291a9d10ab1b7d57ce16e89b86ac6d79c0f3b32da6cc03fe8fb93b98b"), std::string::npos) << query;
  EXPECT_NE(query.find("| limit "), std::string::npos) << "the validator keeps a limit on every query: " << query;
  EXPECT_TRUE(a["results"]["columns"].is_array());
  EXPECT_FALSE(a["results"]["rows"].empty()) << "the scenario logged this hash: " << r.body;
  EXPECT_FALSE(a["interpretation"].get<std::string>().empty());
  EXPECT_LE(a["follow_ups"].size(), 3u);
}

TEST_F(HuntEndToEnd, AnUnusableAnswerIsRepairedOnce) {
  llm_mode("invalid_json", 1);
  auto r = hunt({{"question", kHashQuestion}, {"from", "2025-11-18T12:00:00Z"}, {"to", "2025-11-18T18:00:00Z"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["source"], "llm") << r.body;
  EXPECT_TRUE(r.json()["repaired"].get<bool>()) << r.body;
}

TEST_F(HuntEndToEnd, WithoutAnLlmAnswerTheTemplatesAnswer) {
  llm_mode("refusal", 10);
  auto r = hunt({{"question", "failed logins in the last hour"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["source"], "template") << r.body;
  EXPECT_NE(r.json()["query"].get<std::string>().find("event.login.loginIsSuccessful = false"), std::string::npos)
      << r.body;
}

TEST_F(HuntEndToEnd, BadRequestsAreRefusedWithAReason) {
  EXPECT_EQ(hunt({{"question", kHashQuestion}}, "").status, 401);
  EXPECT_EQ(hunt({{"question", kHashQuestion}}, "not-a-known-token-0123456789").status, 401);
  EXPECT_EQ(hunt({{"nothing", true}}).status, 400);
  EXPECT_EQ(hunt({{"question", std::string(5000, 'a')}}).status, 400);
}

}  // namespace
}  // namespace triagent::testing
