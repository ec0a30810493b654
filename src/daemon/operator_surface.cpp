// The operator surface's wiring (see operator_surface.hpp).
#include "daemon/operator_surface.hpp"

#include <unistd.h>

#include "triagent/config/loader.hpp"
#include "triagent/ingress/operator_routes.hpp"
#include "triagent/observability/log.hpp"
#include "triagent/pipeline/feedback_routes.hpp"

#ifndef TRIAGENT_VERSION
#define TRIAGENT_VERSION "0.0.0"
#endif
#ifndef TRIAGENT_GIT_SHA
#define TRIAGENT_GIT_SHA "unknown"
#endif

namespace triagent {

namespace {

double breaker_value(BreakerState s) {
  switch (s) {
    case BreakerState::closed: return 0;
    case BreakerState::half_open: return 1;
    case BreakerState::open: return 2;
  }
  return 0;
}

// Every secret the config holds, so a config-check message can never repeat one.
std::vector<std::string> known_secrets(const Config& cfg) {
  std::vector<std::string> out = {cfg.auth.admin_token.reveal()};
  for (const auto& [name, source] : cfg.webhooks.sources) {
    out.push_back(source.token.reveal());
    out.push_back(source.hmac_secret.reveal());
  }
  if (cfg.connectors.singularity) out.push_back(cfg.connectors.singularity->api_token.reveal());
  if (cfg.connectors.dataset) {
    out.push_back(cfg.connectors.dataset->read_key.reveal());
    out.push_back(cfg.connectors.dataset->write_key.reveal());
  }
  for (const auto& p : cfg.llm.providers) out.push_back(p.api_key.reveal());
  std::erase_if(out, [](const std::string& s) { return s.size() < 8; });
  return out;
}

std::string without_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "<redacted>");
    }
  }
  return text;
}

}  // namespace

OperatorSurface::OperatorSurface(const Config& cfg, metrics::Registry& registry, JobQueue& queue,
                                 PipelineAssembly& pipeline, WorkerPool& workers)
    : cfg_(cfg),
      queue_(queue),
      pipeline_(pipeline),
      workers_(workers),
      access_(std::make_shared<const AccessControl>(cfg.auth.admin_token, cfg.auth.tokens)),
      registry_(registry) {}

Result<std::unique_ptr<OperatorSurface>> OperatorSurface::build(const Config& cfg, metrics::Registry& registry,
                                                                JobQueue& queue, PipelineAssembly& pipeline,
                                                                WorkerPool& workers) {
  std::unique_ptr<OperatorSurface> s(new OperatorSurface(cfg, registry, queue, pipeline, workers));
  auto feedback = FeedbackStore::open({.path = cfg.data_dir + "/state.db"}, SystemClock::instance());
  if (!feedback) return make_error(feedback.error().code, "feedback store: " + feedback.error().message);
  s->feedback_ = std::move(*feedback);
  s->register_metrics();
  return s;
}

void OperatorSurface::register_metrics() {
  metrics::Registry& r = registry_;
  register_build_info(r, TRIAGENT_VERSION, TRIAGENT_GIT_SHA);

  constexpr std::string_view jobs_help = "Jobs finished by the workers of this process, by outcome.";
  WorkerPool* workers = &workers_;
  r.counter_callback(metric_names::jobs, jobs_help, {{"outcome", "done"}},
                     [workers] { return static_cast<double>(workers->stats().completed); });
  r.counter_callback(metric_names::jobs, jobs_help, {{"outcome", "retried"}},
                     [workers] { return static_cast<double>(workers->stats().retried); });
  r.counter_callback(metric_names::jobs, jobs_help, {{"outcome", "failed"}},
                     [workers] { return static_cast<double>(workers->stats().failed); });
  r.counter_callback(metric_names::jobs, jobs_help, {{"outcome", "lost_lease"}},
                     [workers] { return static_cast<double>(workers->stats().lost_leases); });

  for (auto& [name, policy] : pipeline_.upstream_policies()) {
    // Shared with the observer: the policy (owned by the pipeline) may outlive this surface.
    auto counters = std::make_shared<const UpstreamRequestCounters>(r, name);
    policy->set_attempt_observer([counters](int status) { counters->count(status); });
    UpstreamPolicy* p = policy;
    r.counter_callback(metric_names::upstream_retries, "Retries decided by an upstream's policy.", {{"upstream", name}},
                       [p] { return static_cast<double>(p->stats().retries_total); });
    r.gauge_callback(metric_names::circuit_breaker_state, "Breaker state: 0 closed, 1 half-open, 2 open.",
                     {{"upstream", name}}, [p] { return breaker_value(p->stats().breaker_state); });
  }
  PipelineMetrics llm(r);
  for (const auto& provider : cfg_.llm.providers) llm.declare_provider(provider.name);
  for (const char* rating : {"accepted", "edited", "rejected"}) {
    r.counter(metric_names::feedback, "Analyst feedback on AI results, by rating.", {{"rating", rating}});
  }
  for (const char* decision : {"approved", "rejected"}) {
    r.counter(metric_names::approvals_decided, "Approvals decided through the API, by decision.",
              {{"decision", decision}});
  }
  if (audit::AuditShipper* shipper = pipeline_.audit_shipper()) {
    r.counter_callback("triagent_audit_shipped_records_total", "Audit records DataSet acknowledged.", {},
                       [shipper] { return static_cast<double>(shipper->stats().shipped_records); });
    r.counter_callback("triagent_audit_ship_failures_total", "Failed audit shipping attempts (retried).", {},
                       [shipper] { return static_cast<double>(shipper->stats().failed_batches); });
    r.gauge_callback("triagent_audit_ship_lag_records", "Durable audit records not yet shipped.", {},
                     [shipper] { return static_cast<double>(shipper->stats().lag_records); });
  }
  r.gauge(metric_names::approvals_pending, "Approvals waiting for a decision (counted up to 1000).");
  r.gauge(metric_names::ai_acceptance_ratio, "Accepted / (accepted + edited + rejected) over all feedback.");
}

// Runs on the blocking pool before each scrape: these values live in SQLite.
void OperatorSurface::refresh_store_gauges() {
  if (ApprovalStore* approvals = pipeline_.approvals()) {
    if (auto pending = approvals->list(ApprovalStatus::pending, kMaxApprovalListLimit)) {
      registry_.gauge(metric_names::approvals_pending, "").set(static_cast<double>(pending->size()));
    }
  }
  if (auto summary = feedback_->summary()) {
    registry_.gauge(metric_names::ai_acceptance_ratio, "").set(summary->acceptance_rate());
  }
}

std::map<std::string, WebhookCounters> OperatorSurface::webhook_counters(
    const std::map<std::string, WebhookSource>& sources) {
  std::map<std::string, WebhookCounters> out;
  for (const auto& [name, source] : sources) out.emplace(name, triagent::webhook_counters(registry_, name));
  return out;
}

std::map<std::string, std::string> OperatorSurface::readiness_checks() const {
  std::map<std::string, std::string> checks;
  if (audit::AuditLog* audit = pipeline_.audit_log()) {
    checks["audit_log"] = ::access(audit->path().c_str(), W_OK) == 0 ? "ok" : "failed: " + audit->path() + " is not writable";
  }
  return checks;
}

std::map<std::string, std::string> OperatorSurface::upstream_info() const {
  std::map<std::string, std::string> info;
  for (auto& [name, policy] : pipeline_.upstream_policies()) {
    info["upstream." + name] = to_string(policy->stats().breaker_state);
  }
  return info;
}

void OperatorSurface::register_routes(Router& router) {
  auto blocking = pipeline_.blocking_poster();

  auto ops = std::make_shared<OperatorContext>();
  ops->access = access_;
  ops->queue = &queue_;
  ops->clock = &SystemClock::instance();
  ops->mode = cfg_.mode;
  ops->version = TRIAGENT_VERSION;
  ops->metrics = &registry_;
  ops->run_blocking = blocking;
  ops->approvals_pending = [this]() -> std::optional<std::int64_t> {
    ApprovalStore* approvals = pipeline_.approvals();
    if (approvals == nullptr) return std::nullopt;
    auto pending = approvals->list(ApprovalStatus::pending, kMaxApprovalListLimit);
    if (!pending) return std::nullopt;
    return static_cast<std::int64_t>(pending->size());
  };
  ops->feedback_summary = [this]() -> nlohmann::json {
    auto s = feedback_->summary();
    if (!s) return nullptr;
    return {{"accepted", s->accepted}, {"edited", s->edited}, {"rejected", s->rejected},
            {"acceptance_rate", s->acceptance_rate()}};
  };
  ops->checks = [this] { return readiness_checks(); };
  ops->check_config = [secrets = known_secrets(cfg_)](std::string_view yaml) {
    std::vector<std::string> errors;
    auto loaded = load_config_text(yaml, "<request>");
    if (!loaded) errors.push_back(without_secrets(loaded.error().message, secrets));
    return errors;
  };
  ops->before_scrape = [this] { refresh_store_gauges(); };
  register_operator_routes(router, ops);

  auto fb = std::make_shared<FeedbackRoutesContext>();
  fb->store = feedback_.get();
  fb->queue = &queue_;
  fb->access = access_;
  fb->audit = pipeline_.audit_log();
  fb->metrics = &registry_;
  fb->run_blocking = blocking;
  register_feedback_routes(router, fb);
}

}  // namespace triagent
