#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "connectors_llm_test_support.hpp"
#include "triagent/connectors/llm_chain.hpp"

namespace triagent {
namespace {

using namespace llm_test;

// A provider whose answer the test decides; it logs its name when asked.
class FakeProvider final : public LlmProvider {
 public:
  FakeProvider(std::string name, Result<LlmResponse> answer, std::vector<std::string>* asked)
      : name_(std::move(name)), answer_(std::move(answer)), asked_(asked) {}
  boost::asio::awaitable<Result<LlmResponse>> complete(LlmRequest) override {
    asked_->push_back(name_);
    co_return answer_;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  Result<LlmResponse> answer_;
  std::vector<std::string>* asked_;
};

LlmResponse answered_by(const std::string& provider) {
  LlmResponse r;
  r.text = "{}";
  r.provider = provider;
  r.finish_reason = "stop";
  return r;
}

Error failure(ErrorCode code, std::string message, int status = 0, std::optional<std::int64_t> retry_after = {}) {
  Error e{code, std::move(message)};
  e.upstream_status = status;
  e.retry_after_ms = retry_after;
  return e;
}

struct ChainBuilder {
  ChainBuilder& add(std::string name, Result<LlmResponse> answer) {
    providers.push_back(std::make_unique<FakeProvider>(std::move(name), std::move(answer), &asked));
    return *this;
  }
  LlmProviderChain build() { return LlmProviderChain("llm", std::move(providers)); }

  std::vector<std::unique_ptr<LlmProvider>> providers;
  std::vector<std::string> asked;
};

TEST(LlmChain, FirstProviderThatAnswersWins) {
  ChainBuilder b;
  b.add("openai", answered_by("openai")).add("claude", answered_by("claude"));
  LlmProviderChain chain = b.build();
  auto r = run_completion(chain, triage_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->provider, "openai");
  EXPECT_TRUE(r->failed_providers.empty());
  EXPECT_EQ(b.asked, (std::vector<std::string>{"openai"}));
  EXPECT_EQ(chain.name(), "llm");
}

TEST(LlmChain, FailsOverInOrderAndRecordsEachFailure) {
  ChainBuilder b;
  b.add("openai", failure(ErrorCode::unavailable, "llm openai: HTTP 503", 503))
      .add("azure", failure(ErrorCode::unavailable, "azure: token_rate; retry in 30000 ms", 0, 30'000))
      .add("claude", answered_by("claude"))
      .add("local", answered_by("local"));
  LlmProviderChain chain = b.build();
  auto r = run_completion(chain, triage_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->provider, "claude");
  EXPECT_EQ(b.asked, (std::vector<std::string>{"openai", "azure", "claude"}));
  ASSERT_EQ(r->failed_providers.size(), 2u);
  EXPECT_EQ(r->failed_providers[0].provider, "openai");
  EXPECT_EQ(r->failed_providers[0].error.upstream_status, 503);
  EXPECT_EQ(r->failed_providers[1].provider, "azure");
  EXPECT_EQ(r->failed_providers[1].error.retry_after_ms, 30'000);
}

TEST(LlmChain, FailsOverOnRequestErrorsToo) {
  // A 400 or a refusal from one provider may not happen at another (other limits, other filters).
  ChainBuilder b;
  b.add("openai", failure(ErrorCode::invalid_argument, "llm openai: model refused", 0))
      .add("claude", answered_by("claude"));
  LlmProviderChain chain = b.build();
  auto r = run_completion(chain, triage_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->provider, "claude");
  ASSERT_EQ(r->failed_providers.size(), 1u);
  EXPECT_EQ(r->failed_providers[0].error.code, ErrorCode::invalid_argument);
}

TEST(LlmChain, CancellationStopsTheChain) {
  ChainBuilder b;
  b.add("openai", failure(ErrorCode::cancelled, "openai: call cancelled")).add("claude", answered_by("claude"));
  LlmProviderChain chain = b.build();
  auto r = run_completion(chain, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::cancelled);
  EXPECT_EQ(b.asked, (std::vector<std::string>{"openai"}));
}

TEST(LlmChain, AllFailingListsEveryProviderAndKeepsTheLastCode) {
  ChainBuilder b;
  b.add("openai", failure(ErrorCode::unavailable, "llm openai: HTTP 500", 500))
      .add("claude", failure(ErrorCode::unauthenticated, "llm claude: HTTP 401: authentication_error", 401));
  LlmProviderChain chain = b.build();
  auto r = run_completion(chain, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(r.error().upstream_status, 401);
  EXPECT_FALSE(r.error().retry_after_ms.has_value());
  EXPECT_NE(r.error().message.find("all 2 providers failed"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("openai: llm openai: HTTP 500"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("claude: llm claude: HTTP 401"), std::string::npos) << r.error().message;
}

TEST(LlmChain, AllFailingRequeuesAtTheSoonestRetryAfter) {
  ChainBuilder b;
  b.add("openai", failure(ErrorCode::unavailable, "openai: HTTP 429; retry in 90000 ms", 429, 90'000))
      .add("azure", failure(ErrorCode::unavailable, "azure: breaker_open; retry in 20000 ms", 0, 20'000))
      .add("claude", failure(ErrorCode::invalid_argument, "llm claude: HTTP 400", 400));
  LlmProviderChain chain = b.build();
  auto r = run_completion(chain, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_EQ(*r.error().retry_after_ms, 20'000);
}

TEST(LlmChain, EmptyChainIsUnavailable) {
  LlmProviderChain chain("llm", {});
  auto r = run_completion(chain, triage_request());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace triagent
