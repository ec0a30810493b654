#include "triagent/connectors/llm_chain.hpp"

#include <algorithm>
#include <utility>

namespace triagent {

namespace {

Error all_failed(const std::string& chain, const std::vector<LlmProviderFailure>& failures) {
  std::string message = "llm chain " + chain + ": all " + std::to_string(failures.size()) + " providers failed";
  for (std::size_t i = 0; i < failures.size(); ++i) {
    message += (i == 0 ? ": " : "; ") + failures[i].provider + ": " + failures[i].error.message;
  }
  // A provider that only asked for time makes the whole job worth re-queueing, at the soonest.
  const LlmProviderFailure* soonest = nullptr;
  for (const LlmProviderFailure& f : failures) {
    if (f.error.retry_after_ms && (!soonest || *f.error.retry_after_ms < *soonest->error.retry_after_ms)) soonest = &f;
  }
  const Error& basis = soonest ? soonest->error : failures.back().error;
  Error e{soonest ? ErrorCode::unavailable : basis.code, std::move(message)};
  e.upstream_status = basis.upstream_status;
  e.retry_after_ms = basis.retry_after_ms;
  return e;
}

}  // namespace

LlmProviderChain::LlmProviderChain(std::string name, std::vector<std::unique_ptr<LlmProvider>> providers)
    : name_(std::move(name)), providers_(std::move(providers)) {
  std::erase(providers_, nullptr);
}

boost::asio::awaitable<Result<LlmResponse>> LlmProviderChain::complete(LlmRequest request) {
  if (providers_.empty()) co_return Error{ErrorCode::unavailable, "llm chain " + name_ + ": no providers configured"};
  std::vector<LlmProviderFailure> failures;
  for (const std::unique_ptr<LlmProvider>& provider : providers_) {
    Result<LlmResponse> r = co_await provider->complete(request);
    if (r) {
      r->failed_providers = std::move(failures);
      co_return std::move(r);
    }
    // The job is being abandoned; asking another provider would only waste its quota.
    if (r.error().code == ErrorCode::cancelled) co_return r.error();
    failures.push_back({provider->name(), r.error()});
  }
  co_return all_failed(name_, failures);
}

}  // namespace triagent
