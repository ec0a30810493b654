#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <deque>
#include <optional>

#include "triagent/analysis/analyzer.hpp"
#include "triagent/pipeline/analyze_stage.hpp"

namespace triagent {
namespace {

namespace asio = boost::asio;
using analysis::ActionPolicy;
using analysis::EvidenceItem;
using analysis::EvidencePack;

// Answers from a script, one per call, and keeps every request it was sent.
class ScriptedLlm final : public LlmProvider {
 public:
  std::deque<Result<LlmResponse>> answers;
  std::vector<LlmRequest> requests;

  asio::awaitable<Result<LlmResponse>> complete(LlmRequest request) override {
    requests.push_back(std::move(request));
    if (answers.empty()) co_return Error{ErrorCode::unavailable, "script exhausted"};
    Result<LlmResponse> next = std::move(answers.front());
    answers.pop_front();
    co_return next;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_ = "scripted";
};

LlmResponse text_answer(std::string text) {
  LlmResponse r;
  r.text = std::move(text);
  r.provider = "scripted";
  r.model = "test-model";
  r.usage = {1200, 300};
  return r;
}

class AnalyzeStageTest : public ::testing::Test {
 protected:
  AnalyzeStageTest()
      : analyzer_(std::move(*analysis::Analyzer::create(analysis::AnalyzerConfig{}))),
        builtin_(analyzer_, ActionPolicy::low_risk()),
        prompt_(std::move(*analysis::PromptTemplate::load(std::string(TRIAGENT_SOURCE_DIR) + "/config/prompts",
                                                          "analysis@v1"))) {
    EvidenceItem item;
    item.id = "ev-1";
    item.source = analysis::EvidenceSource::deep_visibility;
    item.time_ms = 1'763'474'512'604;
    item.host = "<HOST_1>";
    item.user = "<USER_1>";
    item.summary = "powershell.exe started by WINWORD.EXE";
    item.raw = "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA parent=WINWORD.EXE";
    pack_.title = "Malicious document on <HOST_1>";
    pack_.kind = "threat";
    pack_.items.push_back(item);
    vault_.placeholder("HOST", "WS-FIN-023");
    vault_.placeholder("USER", "jsmith");
  }

  AnalyzeOutcome run(LlmProvider* llm, std::vector<std::string> secrets = {}, AnalyzeStageConfig config = {}) {
    AnalyzeStage stage(prompt_, llm, builtin_, analysis::AttackCatalog::builtin(), ActionPolicy::low_risk(),
                       std::move(secrets), std::move(config));
    std::optional<AnalyzeOutcome> out;
    auto body = [&]() -> asio::awaitable<void> { out.emplace(co_await stage.run(pack_, vault_, std::nullopt)); };
    asio::co_spawn(io_, body(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io_.run();
    io_.restart();
    return std::move(*out);
  }

  // A valid answer for the pack: the built-in analyst's own output, as a model would send it.
  std::string valid_answer() const { return nlohmann::json(builtin_.analyze(pack_)).dump(); }

  analysis::Analyzer analyzer_;
  analysis::BuiltinAnalyst builtin_;
  analysis::PromptTemplate prompt_;
  EvidencePack pack_;
  privacy::Vault vault_;
  asio::io_context io_;
};

TEST_F(AnalyzeStageTest, WithoutAnLlmTheBuiltinAnalystAnswers) {
  AnalyzeOutcome out = run(nullptr);
  EXPECT_EQ(out.produced_by, "builtin");
  EXPECT_FALSE(out.fallback);
  EXPECT_TRUE(out.attempts.empty());
  EXPECT_FALSE(out.output.summary.empty());
}

TEST_F(AnalyzeStageTest, AValidAnswerIsAcceptedAndAudited) {
  ScriptedLlm llm;
  llm.answers.push_back(text_answer(valid_answer()));
  AnalyzeOutcome out = run(&llm);
  EXPECT_EQ(out.produced_by, "llm:scripted");
  ASSERT_EQ(out.attempts.size(), 1u);
  const AnalysisAttempt& a = out.attempts[0];
  EXPECT_EQ(a.outcome, AnalysisAttempt::Outcome::accepted);
  EXPECT_EQ(a.prompt_id, "analysis@v1");
  EXPECT_EQ(a.prompt_template_sha256, prompt_.sha256());
  EXPECT_EQ(a.prompt_sha256.size(), 64u);
  EXPECT_EQ(a.input_tokens, 1200);
  ASSERT_EQ(llm.requests.size(), 1u);
  EXPECT_TRUE(llm.requests[0].json_schema.has_value());
  // Evidence is fenced as data in what the model sees.
  EXPECT_NE(llm.requests[0].messages[0].content.find("<evidence id=\"ev-1\""), std::string::npos);
}

TEST_F(AnalyzeStageTest, TheCostIsTheTokensAtTheProvidersPrices) {
  ScriptedLlm llm;
  llm.answers.push_back(text_answer(valid_answer()));
  AnalyzeStageConfig config;
  config.prices["scripted"] = {2.50, 10.00};  // USD per million tokens in, out
  AnalyzeOutcome out = run(&llm, {}, config);
  ASSERT_EQ(out.attempts.size(), 1u);
  // 1,200 tokens in at 2.50 + 300 out at 10.00 per million.
  EXPECT_DOUBLE_EQ(out.attempts[0].cost_usd, 1200 * 2.50 / 1e6 + 300 * 10.00 / 1e6);

  ScriptedLlm unpriced;
  unpriced.answers.push_back(text_answer(valid_answer()));
  EXPECT_EQ(run(&unpriced).attempts[0].cost_usd, 0.0);
}

TEST_F(AnalyzeStageTest, AnInvalidAnswerGetsOneRepairWithItsErrors) {
  ScriptedLlm llm;
  llm.answers.push_back(text_answer(R"({"summary": "half an answer"})"));
  llm.answers.push_back(text_answer(valid_answer()));
  AnalyzeOutcome out = run(&llm);
  EXPECT_EQ(out.produced_by, "llm:scripted");
  ASSERT_EQ(out.attempts.size(), 2u);
  EXPECT_EQ(out.attempts[0].outcome, AnalysisAttempt::Outcome::rejected);
  EXPECT_FALSE(out.attempts[0].errors.empty());
  EXPECT_TRUE(out.attempts[1].repair);
  ASSERT_EQ(llm.requests.size(), 2u);
  const auto& repair = llm.requests[1].messages;
  ASSERT_EQ(repair.size(), 3u);
  EXPECT_EQ(repair[1].role, LlmRole::assistant);
  EXPECT_NE(repair[2].content.find(out.attempts[0].errors[0].substr(0, 20)), std::string::npos);
}

TEST_F(AnalyzeStageTest, TwoInvalidAnswersFallBackToTheBuiltinAnalyst) {
  ScriptedLlm llm;
  llm.answers.push_back(text_answer("not json at all"));
  llm.answers.push_back(text_answer(R"({"summary": 7})"));
  AnalyzeOutcome out = run(&llm);
  EXPECT_EQ(out.produced_by, "builtin");
  EXPECT_TRUE(out.fallback);
  EXPECT_NE(out.fallback_reason.find("failed validation twice"), std::string::npos);
  EXPECT_EQ(out.attempts.size(), 2u);
}

TEST_F(AnalyzeStageTest, AnUnreachableLlmFallsBackAndSaysWhy) {
  ScriptedLlm llm;
  llm.answers.push_back(Error{ErrorCode::timeout, "llm scripted: deadline passed"});
  AnalyzeOutcome out = run(&llm);
  EXPECT_EQ(out.produced_by, "builtin");
  EXPECT_TRUE(out.fallback);
  EXPECT_NE(out.fallback_reason.find("deadline passed"), std::string::npos);
  ASSERT_EQ(out.attempts.size(), 1u);
  EXPECT_EQ(out.attempts[0].outcome, AnalysisAttempt::Outcome::failed);
}

TEST_F(AnalyzeStageTest, ARawValueInThePromptBlocksTheCall) {
  pack_.items[0].raw += " logon by jsmith";  // the redactor missed this occurrence
  ScriptedLlm llm;
  llm.answers.push_back(text_answer(valid_answer()));
  AnalyzeOutcome out = run(&llm);
  EXPECT_TRUE(llm.requests.empty());
  EXPECT_EQ(out.produced_by, "builtin");
  ASSERT_EQ(out.attempts.size(), 1u);
  EXPECT_EQ(out.attempts[0].outcome, AnalysisAttempt::Outcome::blocked);
  EXPECT_EQ(out.attempts[0].errors[0], "raw value of <USER_1> present in the prompt");
  EXPECT_EQ(out.attempts[0].errors[0].find("jsmith"), std::string::npos);
}

TEST_F(AnalyzeStageTest, AConfiguredSecretInThePromptBlocksTheCall) {
  pack_.items[0].raw += " Authorization: ApiToken s1-secret-token-value";
  ScriptedLlm llm;
  AnalyzeOutcome out = run(&llm, {"s1-secret-token-value"});
  EXPECT_TRUE(llm.requests.empty());
  ASSERT_EQ(out.attempts.size(), 1u);
  EXPECT_EQ(out.attempts[0].outcome, AnalysisAttempt::Outcome::blocked);
  EXPECT_EQ(out.attempts[0].errors[0], "a configured secret is present in the prompt");
}

}  // namespace
}  // namespace triagent
