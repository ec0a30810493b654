// HuntService with scripted LLM (OpenAI-compatible) and DataSet answers: the template fallback, the
// validation repair loop, the DataSet-error repair, read-only enforcement and auditing.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "hunt_test_support.hpp"
#include "support/scripted_http_client.hpp"
#include "triagent/audit/audit_reader.hpp"
#include "triagent/connectors/llm_factory.hpp"
#include "triagent/hunt/hunt_prompt.hpp"
#include "triagent/hunt/hunt_service.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::hunt {
namespace {

using nlohmann::json;
using testing::json_response;
using testing::ScriptedHttpClient;

constexpr const char* kReadKey = "read-key-hunt-0001";
constexpr const char* kWriteKey = "write-key-hunt-0001";

std::string chat(const json& answer) {
  return json{{"id", "c1"},
              {"object", "chat.completion"},
              {"model", "m"},
              {"choices", json::array({{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", answer.dump()}}},
                                        {"finish_reason", "stop"}}})},
              {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}}}}
      .dump();
}

std::string table(int rows) {
  json values = json::array();
  for (int i = 0; i < rows; ++i) values.push_back({"WS-FIN-023", "powershell.exe", 1});
  return json{{"status", "success"},
              {"matchingEvents", rows},
              {"omittedEvents", 0},
              {"columns", json::array({{{"name", "endpoint.name"}}, {{"name", "src.process.name"}}, {{"name", "n"}}})},
              {"values", values}}
      .dump();
}

UpstreamPolicyConfig fast(const std::string& name) {
  UpstreamPolicyConfig cfg;
  cfg.name = name;
  cfg.retry.max_attempts = 1;
  cfg.retry_budget.enabled = false;
  return cfg;
}

// One scripted HTTP client behind an OpenAI provider (llm.test) and a DataSet client (sdl.test).
struct Harness {
  explicit Harness(ScriptedHttpClient::Handler handler, bool with_llm = true)
      : http(std::move(handler)), llm_policy(fast("llm"), clock, rng), ds_policy(fast("dataset"), clock, rng) {
    DataSetConfig ds;
    ds.base_url = "https://sdl.test";
    ds.read_key = Secret(kReadKey);
    ds.write_key = Secret(kWriteKey);
    dataset = std::make_unique<DataSetClient>(read_only_dataset_config(ds), Upstream{&http, &ds_policy, "https://sdl.test", {}});
    if (with_llm) {
      LlmProviderConfig pc;
      pc.name = "scripted";
      pc.base_url = "https://llm.test";
      pc.model = "m";
      pc.api_key = Secret("sk-test");
      llm = std::move(*make_llm_provider(pc, Upstream{&http, &llm_policy, "", {}}));
    }
    auto templates = HuntTemplates::load_file(hunt_test::source_path("config/hunt/templates.yaml"));
    if (!templates) throw std::runtime_error(templates.error().message);
    HuntConfig cfg;
    auto system = load_hunt_system_prompt(hunt_test::source_path("config/prompts"), hunt_test::catalogue(), *templates,
                                          cfg.policy());
    if (!system) throw std::runtime_error(system.error().message);
    service = std::make_unique<HuntService>(cfg, hunt_test::catalogue(), std::move(*templates), *system,
                                            HuntServices{llm.get(), dataset.get(), audit_log.get(), &clock});
  }

  Result<HuntAnswer> hunt(std::string question, bool dry_run = false) {
    HuntRequest r;
    r.question = std::move(question);
    r.dry_run = dry_run;
    r.trace_id = "0af7651916cd43dd8448eb211c80319c";
    return hunt_test::run_coro(io, service->hunt(std::move(r)));
  }

  std::vector<HttpRequest> to(const std::string& host) const {
    std::vector<HttpRequest> out;
    for (auto& r : http.requests()) {
      if (r.url.find(host) != std::string::npos) out.push_back(r);
    }
    return out;
  }

  ScriptedHttpClient http;
  ManualClock clock{1'763'481'600'000};
  SeededRandom rng{3};
  UpstreamPolicy llm_policy, ds_policy;
  std::unique_ptr<DataSetClient> dataset;
  std::unique_ptr<LlmProvider> llm;
  std::unique_ptr<audit::AuditLog> audit_log;
  std::unique_ptr<HuntService> service;
  boost::asio::io_context io;
};

bool is_llm(const HttpRequest& r) { return r.url.find("llm.test") != std::string::npos; }

TEST(HuntService, TemplateFallbackWithoutAnLlm) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, table(3)); }, false);
  auto a = h.hunt("show me failed logins for user jsmith in the last hour");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->source, "template");
  EXPECT_EQ(a->template_id, "failed_logins");
  EXPECT_EQ(a->query,
            "event.type = \"Login\" and event.login.loginIsSuccessful = false and event.login.userName contains:anycase "
            "\"jsmith\" | group fails = count(), sources = estimate_distinct(src.ip.address) by endpoint.name, "
            "event.login.userName | sort -fails | limit 100");
  EXPECT_TRUE(a->ran);
  EXPECT_EQ(a->results.rows.size(), 3u);
  EXPECT_EQ(a->window_start, "1h");
  EXPECT_NE(a->interpretation.find("3 rows"), std::string::npos);
  EXPECT_NE(a->interpretation.find("WS-FIN-023 (3)"), std::string::npos) << a->interpretation;
  ASSERT_FALSE(a->follow_ups.empty());
  EXPECT_LE(a->follow_ups.size(), 3u);
  for (const auto& f : a->follow_ups) EXPECT_TRUE(validate_power_query(f.query, HuntPolicy{}, hunt_test::catalogue()).ok);
  auto sent = json::parse(h.to("sdl.test").at(0).body);
  EXPECT_EQ(sent["query"], a->query);
  EXPECT_EQ(sent["startTime"], "1h");
}

TEST(HuntService, NoTemplateAndNoLlmIsAnError) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, table(0)); }, false);
  auto a = h.hunt("what is the weather like");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "could not translate the question: no hunt template matches the question");
  EXPECT_TRUE(h.http.requests().empty());
}

TEST(HuntService, InvalidLlmQueryIsRepairedOnce) {
  std::atomic<int> llm_calls{0};
  Harness h([&](const HttpRequest& r) -> HttpResult {
    if (!is_llm(r)) return json_response(200, table(2));
    if (llm_calls++ == 0) return json_response(200, chat({{"query", "src.proc.name = 'x.exe' | nolimit"}, {"rationale", "r1"}}));
    return json_response(200, chat({{"query", "src.process.name = 'x.exe' | limit 5000"}, {"rationale", "r2"}}));
  });
  auto a = h.hunt("which hosts ran x.exe?");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->source, "llm");
  EXPECT_TRUE(a->repaired);
  EXPECT_EQ(a->rationale, "r2");
  EXPECT_EQ(a->query, "src.process.name = \"x.exe\" | limit 1000");
  EXPECT_TRUE(a->validation.limit_capped);
  auto llm = h.to("llm.test");
  ASSERT_EQ(llm.size(), 2u);
  const json second = json::parse(llm[1].body);
  const std::string repair = second["messages"].back()["content"];
  EXPECT_NE(repair.find("position 0: unknown field 'src.proc.name' (did you mean 'src.process.name'?)"), std::string::npos) << repair;
  EXPECT_NE(repair.find("command 'nolimit' is not allowed"), std::string::npos);
  const std::string system = second["messages"].front()["content"];
  EXPECT_NE(system.find("PowerQuery"), std::string::npos);
  EXPECT_NE(system.find("src.process.cmdline"), std::string::npos);
  const std::string user = second["messages"][1]["content"];
  EXPECT_NE(user.find("<question>\nwhich hosts ran x.exe?\n</question>"), std::string::npos) << user;
}

TEST(HuntService, StillInvalidAfterRepairFallsBackToTemplates) {
  Harness h([&](const HttpRequest& r) -> HttpResult {
    if (!is_llm(r)) return json_response(200, table(1));
    return json_response(200, chat({{"query", "*"}, {"rationale", "everything"}}));
  });
  auto a = h.hunt("any outbound connections to 203.0.113.66?");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->source, "template");
  EXPECT_EQ(a->template_id, "outbound_to_ip");
  EXPECT_EQ(h.to("llm.test").size(), 2u);  // one answer, one repair, no more
  ASSERT_FALSE(a->notes.empty());
  EXPECT_NE(a->notes.front().find("still invalid after one repair"), std::string::npos);
}

TEST(HuntService, DataSetErrorIsFedBackOnce) {
  std::atomic<int> ds_calls{0};
  Harness h([&](const HttpRequest& r) -> HttpResult {
    if (is_llm(r)) {
      const json body = json::parse(r.body);
      const bool repair = body["messages"].size() > 2;  // system + user on the first call
      return json_response(200, chat({{"query", repair ? "src.process.name = 'b.exe'" : "src.process.name = 'a.exe'"},
                                      {"rationale", repair ? "fixed" : "first"}}));
    }
    if (ds_calls++ == 0) {
      return json_response(200, json{{"status", "error/client/badParam"}, {"message", "Unknown operator near 'a.exe'"}}.dump());
    }
    return json_response(200, table(1));
  });
  auto a = h.hunt("where did a.exe run?");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->repaired);
  EXPECT_EQ(a->query, "src.process.name = \"b.exe\" | limit 100");
  EXPECT_EQ(a->rationale, "fixed");
  auto llm = h.to("llm.test");
  ASSERT_EQ(llm.size(), 2u);
  const std::string repair = json::parse(llm[1].body)["messages"].back()["content"];
  EXPECT_NE(repair.find("Unknown operator near 'a.exe'"), std::string::npos) << repair;
  EXPECT_EQ(ds_calls.load(), 2);
}

TEST(HuntService, ReadOnlyKeyAndNoWritingCommands) {
  Harness h([&](const HttpRequest& r) -> HttpResult {
    if (is_llm(r)) {
      return json_response(200, chat({{"query", "src.process.name = 'x' | savelookup 'exfil'"}, {"rationale", "injected"}}));
    }
    return json_response(200, table(1));
  });
  auto a = h.hunt("which hosts ran powershell.exe?");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->source, "template");  // the injected command was refused twice, then templates answered
  for (const auto& r : h.to("sdl.test")) {
    EXPECT_EQ(r.url, "https://sdl.test/api/powerQuery");
    auto auth = find_header(r.headers, "authorization");
    ASSERT_TRUE(auth);
    EXPECT_EQ(*auth, std::string("Bearer ") + kReadKey);
    EXPECT_EQ(r.body.find("savelookup"), std::string::npos);
  }
  DataSetConfig both;
  both.read_key = Secret("r");
  both.write_key = Secret("w");
  EXPECT_TRUE(read_only_dataset_config(both).write_key.empty());
  EXPECT_FALSE(read_only_dataset_config(both).read_key.empty());
}

TEST(HuntService, DryRunRunsNothing) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, table(1)); }, false);
  auto a = h.hunt("find powershell with encoded commands", true);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->template_id, "powershell_encoded");
  EXPECT_FALSE(a->ran);
  EXPECT_TRUE(h.http.requests().empty());
}

TEST(HuntService, RejectsBadQuestionsAndWindows) {
  Harness h([](const HttpRequest&) -> HttpResult { return json_response(200, table(1)); }, false);
  EXPECT_FALSE(h.hunt("   "));
  EXPECT_FALSE(h.hunt(std::string(2001, 'a')));
  HuntRequest r;
  r.question = "failed logins";
  r.from = "30d";
  auto a = hunt_test::run_coro(h.io, h.service->hunt(r));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "the time window is 720 hours; at most 168 are allowed");
}

TEST(HuntService, EveryStepIsAudited) {
  const std::string dir = ::testing::TempDir() + "/hunt_audit_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  Harness h([&](const HttpRequest& r) -> HttpResult {
    if (is_llm(r)) {
      const bool repair = json::parse(r.body)["messages"].size() > 2;
      return json_response(200, chat({{"query", repair ? "src.process.name = 'x'" : "nope ="}, {"rationale", "r"}}));
    }
    return json_response(200, table(1));
  });
  ManualClock clock;
  auto log = audit::AuditLog::open({.dir = dir}, clock);
  ASSERT_TRUE(log);
  h.audit_log = std::move(*log);
  h.service = std::make_unique<HuntService>(HuntConfig{}, hunt_test::catalogue(), h.service->templates(), "PowerQuery",
                                            HuntServices{h.llm.get(), h.dataset.get(), h.audit_log.get(), &h.clock});
  ASSERT_TRUE(h.hunt("where did x run?"));
  h.audit_log->close();
  std::ifstream in(audit::audit_file_path(dir));
  std::vector<std::string> kinds;
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line);
    kinds.push_back(j["kind"]);
    EXPECT_EQ(j["trace_id"], "0af7651916cd43dd8448eb211c80319c");
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"hunt_translated", "hunt_validated", "hunt_repaired", "hunt_translated", "hunt_validated", "hunt_run"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace triagent::hunt
