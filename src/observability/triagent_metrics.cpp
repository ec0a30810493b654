// Triagent's metric families and their help texts (see triagent_metrics.hpp).
#include "triagent/observability/triagent_metrics.hpp"

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
