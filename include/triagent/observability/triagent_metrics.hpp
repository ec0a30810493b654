#pragma once
// Triagent's own metric names (prefix triagent_) and pre-resolved handles for the hot paths, so a
// webhook or an upstream attempt costs one atomic add and no label lookup.
//
//   metrics::Registry registry;
//   WebhookCounters c = webhook_counters(registry, "dataset");   // once per source, at start-up
//   c.accepted->inc();                                           // per request
//
//   PipelineMetrics pm(registry);                                // handed to the pipeline; may be null
//   if (pm_ptr) pm_ptr->observe_stage("context", seconds);
//   if (pm_ptr) pm_ptr->add_llm_usage("openai", 1200, 300, 0.0042);

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "triagent/observability/metrics.hpp"

namespace triagent {

namespace metric_names {
inline constexpr std::string_view webhooks_received = "triagent_webhooks_received_total";
inline constexpr std::string_view queue_depth = "triagent_queue_depth";
inline constexpr std::string_view queue_oldest_ready_age = "triagent_queue_oldest_ready_age_seconds";
inline constexpr std::string_view queue_commits = "triagent_queue_commits_total";
inline constexpr std::string_view queue_committed_operations = "triagent_queue_committed_operations_total";
inline constexpr std::string_view queue_commit_duration = "triagent_queue_commit_duration_seconds";
inline constexpr std::string_view queue_store_failures = "triagent_queue_store_failures_total";
inline constexpr std::string_view jobs = "triagent_jobs_total";
inline constexpr std::string_view stage_duration = "triagent_stage_duration_seconds";
inline constexpr std::string_view upstream_requests = "triagent_upstream_requests_total";
inline constexpr std::string_view upstream_retries = "triagent_upstream_retries_total";
inline constexpr std::string_view circuit_breaker_state = "triagent_circuit_breaker_state";
inline constexpr std::string_view llm_tokens = "triagent_llm_tokens_total";
inline constexpr std::string_view llm_cost = "triagent_llm_cost_usd_total";
inline constexpr std::string_view llm_fallbacks = "triagent_llm_fallbacks_total";
inline constexpr std::string_view approvals_pending = "triagent_approvals_pending";
inline constexpr std::string_view approvals_decided = "triagent_approvals_decided_total";
inline constexpr std::string_view feedback = "triagent_feedback_total";
inline constexpr std::string_view ai_acceptance_ratio = "triagent_ai_acceptance_ratio";
inline constexpr std::string_view build_info = "triagent_build_info";
}  // namespace metric_names

// triagent_webhooks_received_total{source, outcome} for one source, one handle per outcome.
struct WebhookCounters {
  metrics::Counter* accepted = nullptr;
  metrics::Counter* duplicate = nullptr;
  metrics::Counter* unauthorized = nullptr;
  metrics::Counter* invalid = nullptr;
  metrics::Counter* overloaded = nullptr;
  metrics::Counter* store_error = nullptr;
};
WebhookCounters webhook_counters(metrics::Registry& registry, std::string_view source);

// triagent_upstream_requests_total{upstream, status_class}: 2xx, 3xx, 4xx, 5xx, error (no answer).
class UpstreamRequestCounters {
 public:
  UpstreamRequestCounters(metrics::Registry& registry, std::string_view upstream);
  // `status` 0 means the attempt got no HTTP answer.
  void count(int status) const;

 private:
  std::array<metrics::Counter*, 5> by_class_{};
};

// The job queue's group commits: triagent_queue_commits_total{durability},
// triagent_queue_committed_operations_total{durability} (their ratio is the batch size),
// triagent_queue_commit_duration_seconds{durability} and triagent_queue_store_failures_total.
// durability is "synced" (the COMMIT waited for an fsync: new jobs, replays) or "deferred".
// Thread-safe; handles resolved once, so a commit costs a few atomic updates.
class QueueCommitMetrics {
 public:
  explicit QueueCommitMetrics(metrics::Registry& registry);
  void observe_commit(bool synced, std::size_t operations, double seconds);
  // A batch that could not begin or commit (disk full, I/O error): every operation in it failed.
  void count_store_failure();

 private:
  struct Series {
    metrics::Counter* commits = nullptr;
    metrics::Counter* operations = nullptr;
    metrics::Histogram* duration = nullptr;
  };
  Series synced_;
  Series deferred_;
  metrics::Counter* failures_ = nullptr;
};

// What the enrichment pipeline reports; every method is thread-safe.
class PipelineMetrics {
 public:
  explicit PipelineMetrics(metrics::Registry& registry);
  // triagent_stage_duration_seconds{stage} (context, redact, analyze, govern, deliver, ...).
  void observe_stage(std::string_view stage, double seconds);
  // triagent_llm_tokens_total{provider, direction=in|out} and triagent_llm_cost_usd_total{provider}.
  void add_llm_usage(std::string_view provider, double tokens_in, double tokens_out, double cost_usd = 0);
  // triagent_llm_fallbacks_total{reason}.
  void count_fallback(std::string_view reason);
  // Makes a provider's series visible (at 0) before its first call.
  void declare_provider(std::string_view provider);

 private:
  metrics::Registry& registry_;
};

// triagent_build_info{version, git_sha} 1.
void register_build_info(metrics::Registry& registry, std::string_view version, std::string_view git_sha);

}  // namespace triagent
