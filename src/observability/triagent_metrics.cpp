// Triagent's metric families and their help texts (see triagent_metrics.hpp).
#include "triagent/observability/triagent_metrics.hpp"

#include <utility>
#include <vector>

namespace triagent {

namespace {

using metrics::Labels;

std::string s(std::string_view v) { return std::string(v); }

metrics::Counter* webhook(metrics::Registry& r, std::string_view source, const char* outcome) {
  return &r.counter(metric_names::webhooks_received, "Webhook requests to an enabled source, by outcome.",
                    {{"source", s(source)}, {"outcome", outcome}});
}

}  // namespace

WebhookCounters webhook_counters(metrics::Registry& r, std::string_view source) {
  WebhookCounters c;
  c.accepted = webhook(r, source, "accepted");
  c.duplicate = webhook(r, source, "duplicate");
  c.unauthorized = webhook(r, source, "unauthorized");
  c.invalid = webhook(r, source, "invalid");
  c.overloaded = webhook(r, source, "overloaded");
  c.store_error = webhook(r, source, "store_error");
  return c;
}

UpstreamRequestCounters::UpstreamRequestCounters(metrics::Registry& r, std::string_view upstream) {
  static constexpr const char* kClasses[] = {"2xx", "3xx", "4xx", "5xx", "error"};
  for (std::size_t i = 0; i < by_class_.size(); ++i) {
    by_class_[i] = &r.counter(metric_names::upstream_requests, "Attempts sent to an upstream, by answer class.",
                              {{"upstream", s(upstream)}, {"status_class", kClasses[i]}});
  }
}

void UpstreamRequestCounters::count(int status) const {
  std::size_t index = 4;
  if (status >= 200 && status < 600) index = static_cast<std::size_t>(status / 100 - 2);
  if (status >= 100 && status < 200) index = 4;
  by_class_[index]->inc();
}

QueueCommitMetrics::QueueCommitMetrics(metrics::Registry& r) {
  // From a fast disk's fsync (0.1 ms) to one that is failing (1 s and more).
  const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
  for (auto [series, durability] : {std::pair{&synced_, "synced"}, std::pair{&deferred_, "deferred"}}) {
    const Labels labels{{"durability", durability}};
    series->commits = &r.counter(metric_names::queue_commits, "Group commits of the job queue.", labels);
    series->operations =
        &r.counter(metric_names::queue_committed_operations,
                   "Queue operations (new jobs, leases, acks, ...) in committed group commits.", labels);
    series->duration = &r.histogram(metric_names::queue_commit_duration,
                                    "Time of each group commit's COMMIT: WAL write, and fsync when synced.", bounds,
                                    labels);
  }
  failures_ = &r.counter(metric_names::queue_store_failures,
                         "Queue batches that could not begin or commit (disk full, I/O error); each operation failed.");
}

void QueueCommitMetrics::observe_commit(bool synced, std::size_t operations, double seconds) {
  Series& series = synced ? synced_ : deferred_;
  series.commits->inc();
  series.operations->inc(static_cast<double>(operations));
  series.duration->observe(seconds);
}

void QueueCommitMetrics::count_store_failure() { failures_->inc(); }

PipelineMetrics::PipelineMetrics(metrics::Registry& registry) : registry_(registry) {}

void PipelineMetrics::observe_stage(std::string_view stage, double seconds) {
  registry_
      .histogram(metric_names::stage_duration, "Time spent in each pipeline stage per job.",
                 metrics::default_duration_buckets(), {{"stage", s(stage)}})
      .observe(seconds);
}

void PipelineMetrics::add_llm_usage(std::string_view provider, double tokens_in, double tokens_out, double cost_usd) {
  constexpr std::string_view tokens_help = "LLM tokens sent (in) and received (out), by provider.";
  registry_.counter(metric_names::llm_tokens, tokens_help, {{"provider", s(provider)}, {"direction", "in"}})
      .inc(tokens_in);
  registry_.counter(metric_names::llm_tokens, tokens_help, {{"provider", s(provider)}, {"direction", "out"}})
      .inc(tokens_out);
  registry_.counter(metric_names::llm_cost, "Estimated LLM spend in US dollars, by provider.",
                    {{"provider", s(provider)}})
      .inc(cost_usd);
}

void PipelineMetrics::declare_provider(std::string_view provider) { add_llm_usage(provider, 0, 0, 0); }

void PipelineMetrics::count_fallback(std::string_view reason) {
  registry_
      .counter(metric_names::llm_fallbacks, "Analyses that fell back to the next provider or the built-in analyst.",
               {{"reason", s(reason)}})
      .inc();
}

void register_build_info(metrics::Registry& r, std::string_view version, std::string_view git_sha) {
  r.gauge(metric_names::build_info, "Build of the running daemon (always 1).",
          {{"version", s(version)}, {"git_sha", s(git_sha)}})
      .set(1);
}

}  // namespace triagent
