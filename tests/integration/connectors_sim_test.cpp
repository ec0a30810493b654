// The connectors against the real simulator process, over real HTTP on loopback: every call goes
// through the curl client, the upstream policies and the simulator's realistic answers and faults.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/http_test_client.hpp"
#include "support/sim_process.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/connectors/dataset_lrq.hpp"
#include "triagent/connectors/deep_visibility.hpp"
#include "triagent/connectors/llm_chain.hpp"
#include "triagent/connectors/llm_factory.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/core/clock.hpp"

namespace triagent {
namespace {

using nlohmann::json;
using testing::kSimDatasetReadKey;
using testing::kSimDatasetWriteKey;
using testing::kSimLlmKey;
using testing::kSimS1Token;
using testing::HttpTestClient;
using testing::SimProcess;

constexpr const char* kThreatId = "2287651234567890101";
constexpr const char* kAlertId = "019a8f3c-5b2d-7e41-9c6a-3f2b1d0e4a57";

class ConnectorsSimTest : public ::testing::Test {
 protected:
  ConnectorsSimTest() : control_("127.0.0.1", sim_.port()) {
    HttpClientConfig http;
    http.max_connections_per_host = 32;
    http_ = make_curl_http_client(http);
  }

  // Runs one connector coroutine to completion on the test's io_context.
  template <class T>
  T run(boost::asio::awaitable<T> task) {
    std::optional<T> out;
    auto body = [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(task)); };
    boost::asio::co_spawn(io_, body(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
    io_.restart();
    return std::move(*out);
  }

  // One policy per upstream name, with quick retries so fault tests finish fast.
  Upstream upstream(const std::string& name, std::string base_url = "") {
    auto& policy = policies_[name];
    if (!policy) {
      UpstreamPolicyConfig cfg;
      cfg.name = name;
      cfg.retry.max_attempts = 3;
      cfg.retry.base_delay_ms = 1;
      cfg.retry.max_delay_ms = 5;
      cfg.max_inline_wait_ms = 1'500;
      cfg.retry_budget.enabled = false;
      policy = std::make_unique<UpstreamPolicy>(cfg, clock_, rng_);
    }
    return Upstream{http_.get(), policy.get(), base_url.empty() ? sim_.base_url() : base_url,
                    std::chrono::seconds(10)};
  }

  SingularityConfig s1_config(std::string token = kSimS1Token) const {
    SingularityConfig c;
    c.base_url = sim_.base_url();
    c.api_token = Secret(std::move(token));
    c.deep_visibility.poll_interval_ms = 5;
    c.deep_visibility.status_requests_per_second = 1000;
    return c;
  }

  DataSetConfig dataset_config() const {
    DataSetConfig c;
    c.base_url = sim_.base_url();
    c.read_key = Secret(kSimDatasetReadKey);
    c.write_key = Secret(kSimDatasetWriteKey);
    c.tenant = true;
    c.lrq.poll_interval_ms = 100;
    return c;
  }

  LlmProviderConfig llm_config(const std::string& name, LlmProviderKind kind) const {
    LlmProviderConfig c;
    c.name = name;
    c.kind = kind;
    c.base_url = sim_.base_url();
    c.model = "sim-analyst-1";
    c.deployment = kind == LlmProviderKind::azure_openai ? "triage-gpt-4o" : "";
    c.api_key = Secret(kSimLlmKey);
    return c;
  }

  std::unique_ptr<LlmProvider> provider(const std::string& name, LlmProviderKind kind) {
    auto p = make_llm_provider(llm_config(name, kind), upstream(name));
    EXPECT_TRUE(p) << (p ? "" : p.error().message);
    return std::move(*p);
  }

  json control(const std::string& method, const std::string& target, const json& body = nullptr) {
    auto r = control_.request(method, target, body.is_null() ? "" : body.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << method << " " << target << ": " << r.body;
    return r.json();
  }
  void set_faults(const json& rules) { control("POST", "/_sim/faults", {{"faults", rules}}); }

  static LlmRequest analysis_request() {
    LlmRequest req;
    req.system = "You are a SOC analyst. Answer JSON only.";
    req.messages.push_back({LlmRole::user,
                            "<evidence id=\"ev-1\">powershell.exe -nop -w hidden -enc SQBFAFgA on WS-FIN-023</evidence>"});
    req.json_schema = json{{"type", "object"}};
    return req;
  }

  SimProcess sim_;
  HttpTestClient control_;
  boost::asio::io_context io_;
  SystemClock clock_;
  SeededRandom rng_{11};
  std::unique_ptr<HttpClient> http_;
  std::map<std::string, std::unique_ptr<UpstreamPolicy>> policies_;
};

// ------------------------------------------------------------------ Singularity

TEST_F(ConnectorsSimTest, ThreatIsReadAndANotePostedOnce) {
  SingularityThreats threats(s1_config(), upstream("singularity"));
  auto threat = run(threats.get_threat(kThreatId));
  ASSERT_TRUE(threat) << threat.error().message;
  EXPECT_EQ(threat->id, kThreatId);
  EXPECT_FALSE(threat->agent_computer_name.empty());

  auto first = run(threats.add_note_once(kThreatId, "[triagent:job-1]", "[triagent:job-1] summary"));
  ASSERT_TRUE(first) << first.error().message;
  auto again = run(threats.add_note_once(kThreatId, "[triagent:job-1]", "[triagent:job-1] summary"));
  ASSERT_TRUE(again) << again.error().message;
  json notes = control("GET", "/_sim/notes");
  int posted = 0;
  for (const auto& n : notes["threat_notes"]) posted += n.dump().find("[triagent:job-1]") != std::string::npos;
  EXPECT_EQ(posted, 1) << notes.dump();
}

TEST_F(ConnectorsSimTest, ThreatListFollowsCursorsToTheEnd) {
  SingularityConfig cfg = s1_config();
  cfg.page_size = 1;
  SingularityThreats threats(cfg, upstream("singularity"));
  auto list = run(threats.list_threats({}));
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->threats.size(), 3u);
  EXPECT_FALSE(list->truncated);
}

TEST_F(ConnectorsSimTest, WrongTokenIsUnauthenticatedAndNeverEchoed) {
  SingularityThreats threats(s1_config("wrong-token-0123456789"), upstream("singularity"));
  auto r = run(threats.get_threat(kThreatId));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().message.find("wrong-token-0123456789"), std::string::npos);
}

TEST_F(ConnectorsSimTest, DeepVisibilityQueryPollsUntilFinishedThenPages) {
  SingularityConfig cfg = s1_config();
  cfg.deep_visibility.page_limit = 5;
  DeepVisibility dv(cfg, upstream("singularity"));
  DvQuery q;
  q.query = "AgentName = \"WS-FIN-023\"";
  q.from_ms = parse_rfc3339_ms("2025-11-18T00:00:00Z");
  q.to_ms = parse_rfc3339_ms("2025-11-18T23:59:59Z");
  auto result = run(dv.run_query(q));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_GE(result->polls, 2);
  EXPECT_GT(result->events.size(), 5u);  // more than one page
}

TEST_F(ConnectorsSimTest, GraphqlAlertNoteAndA200WithErrors) {
  SingularityAlertsGraphql uam(s1_config(), upstream("singularity"));
  auto alert = run(uam.get_alert(kAlertId));
  ASSERT_TRUE(alert) << alert.error().message;
  auto note = run(uam.add_alert_note(kAlertId, "triagent: LSASS dump confirmed"));
  ASSERT_TRUE(note) << note.error().message;

  set_faults(json::array({{{"route", "POST /web/api/v2.1/unifiedalerts/graphql"}, {"error_body_200", true},
                           {"message", "Missing UAM manage permissions"}}}));
  auto refused = run(uam.add_alert_note(kAlertId, "second note"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("permission"), std::string::npos) << refused.error().message;
}

// ------------------------------------------------------------------ DataSet

TEST_F(ConnectorsSimTest, PowerQueryAndLongRunningQueryReturnTables) {
  DataSetClient client(dataset_config(), upstream("dataset"));
  DataSetPowerQuery q;
  q.query = "| group count = count() by serverHost";
  q.range.start = "24h";
  auto table = run(client.power_query(q));
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_FALSE(table->rows.empty());

  DataSetLrq lrq(dataset_config(), upstream("dataset"));
  auto long_running = run(lrq.power_query(q));
  ASSERT_TRUE(long_running) << long_running.error().message;
  EXPECT_EQ(long_running->rows.size(), table->rows.size());
  EXPECT_EQ(control("GET", "/_sim/requests")["routes"].value("DELETE /sdl/v2/api/queries/{id}", 0), 1);
}

TEST_F(ConnectorsSimTest, AddEventsArriveInOrderInOneSession) {
  DataSetEventWriter writer(dataset_config(), upstream("dataset"), clock_);
  std::vector<DataSetEvent> events(3);
  for (int i = 0; i < 3; ++i) events[i].attrs = {{"message", "ai event " + std::to_string(i)}, {"ai_severity", "high"}};
  auto receipt = run(writer.add(events));
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->events, 3);
  auto second = run(writer.add({events[0]}));
  ASSERT_TRUE(second) << second.error().message;

  json stored = control("GET", "/_sim/addEvents");
  EXPECT_NE(stored.dump().find("ai event 2"), std::string::npos) << stored.dump();
}

// ------------------------------------------------------------------ LLM providers

TEST_F(ConnectorsSimTest, EachProviderKindGetsStructuredJsonWithUsage) {
  for (auto kind : {LlmProviderKind::openai, LlmProviderKind::azure_openai, LlmProviderKind::anthropic}) {
    auto p = provider(to_string(kind), kind);
    auto answer = run(p->complete(analysis_request()));
    ASSERT_TRUE(answer) << to_string(kind) << ": " << answer.error().message;
    json doc = json::parse(answer->text, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << to_string(kind) << ": " << answer->text;
    EXPECT_TRUE(doc.contains("summary")) << answer->text;
    EXPECT_GT(answer->usage.input_tokens, 0);
    EXPECT_GT(answer->usage.output_tokens, 0);
  }
}

TEST_F(ConnectorsSimTest, ChainFailsOverWhenTheFirstProviderKeepsFailing) {
  set_faults(json::array({{{"route", "POST /v1/chat/completions"}, {"status", 500}}}));
  std::vector<std::unique_ptr<LlmProvider>> providers;
  providers.push_back(provider("openai", LlmProviderKind::openai));
  providers.push_back(provider("anthropic", LlmProviderKind::anthropic));
  LlmProviderChain chain("analysis", std::move(providers));
  auto answer = run(chain.complete(analysis_request()));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->provider, "anthropic");
  ASSERT_EQ(answer->failed_providers.size(), 1u);
  EXPECT_EQ(answer->failed_providers[0].provider, "openai");
  EXPECT_EQ(answer->failed_providers[0].error.upstream_status, 500);
}

// ------------------------------------------------------------------ faults through the policies

TEST_F(ConnectorsSimTest, ResetsAndServerErrorsAreRetriedToSuccess) {
  set_faults(json::array({{{"route", "GET /web/api/v2.1/threats"}, {"reset", true}, {"count", 1}},
                          {{"route", "GET /web/api/v2.1/threats"}, {"status", 503}, {"count", 1}}}));
  SingularityThreats threats(s1_config(), upstream("singularity"));
  auto threat = run(threats.get_threat(kThreatId));
  ASSERT_TRUE(threat) << threat.error().message;
  json faults = control("GET", "/_sim/faults")["faults"];
  EXPECT_EQ(faults[0]["applied"], 1) << faults.dump();
  EXPECT_EQ(faults[1]["applied"], 1) << faults.dump();
}

TEST_F(ConnectorsSimTest, ALongRetryAfterHandsTheJobBack) {
  set_faults(json::array({{{"route", "GET /web/api/v2.1/threats"}, {"status", 429}, {"retry_after", 300}}}));
  SingularityThreats threats(s1_config(), upstream("singularity"));
  auto r = run(threats.get_threat(kThreatId));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().upstream_status, 429);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_EQ(*r.error().retry_after_ms, 300'000);
}

TEST_F(ConnectorsSimTest, DamagedAnswersAreErrorsNotCrashes) {
  set_faults(json::array({{{"route", "POST /api/powerQuery"}, {"malformed_json", true}},
                          {{"route", "GET /web/api/v2.1/threats"}, {"truncated_body", true}}}));
  DataSetClient client(dataset_config(), upstream("dataset"));
  DataSetPowerQuery q;
  q.query = "| limit 5";
  auto table = run(client.power_query(q));
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().code, ErrorCode::unavailable);

  SingularityThreats threats(s1_config(), upstream("singularity"));
  auto threat = run(threats.get_threat(kThreatId));
  ASSERT_FALSE(threat);
  EXPECT_EQ(threat.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace triagent
