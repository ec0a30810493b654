#pragma once
// LlmProviderChain: an LlmProvider that asks its providers in order and returns the first answer.
// Any failure except cancellation moves on to the next provider (a rate-limited, down, refusing or
// misconfigured provider may be fine elsewhere); the answer records who answered and every earlier
// failure, for the audit trail.
//
//   std::vector<std::unique_ptr<LlmProvider>> providers;
//   providers.push_back(std::move(*make_llm_provider(openai_cfg, openai_upstream)));
//   providers.push_back(std::move(*make_llm_provider(claude_cfg, claude_upstream)));
//   LlmProviderChain chain("llm", std::move(providers));
//   Result<LlmResponse> r = co_await chain.complete(std::move(request));
//   audit(r->provider, r->failed_providers);
//
// When every provider fails, the Error lists each provider's message. It carries retry_after_ms
// (the shortest one) when any provider asked to be retried later, so the job is re-queued rather
// than failed; otherwise it has the last provider's code.

#include <memory>
#include <string>
#include <vector>

#include "triagent/connectors/llm_types.hpp"

namespace triagent {

class LlmProviderChain final : public LlmProvider {
 public:
  LlmProviderChain(std::string name, std::vector<std::unique_ptr<LlmProvider>> providers);

  boost::asio::awaitable<Result<LlmResponse>> complete(LlmRequest request) override;
  const std::string& name() const override { return name_; }
  std::size_t size() const { return providers_.size(); }

 private:
  std::string name_;
  std::vector<std::unique_ptr<LlmProvider>> providers_;
};

}  // namespace triagent
