#include "daemon/pipeline_assembly.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/audit_section.hpp"
#include "triagent/connectors/dataset_audit_sink.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <atomic>
#include <latch>
#include <map>
#include <memory>
#include <thread>

#include "triagent/connectors/llm_chain.hpp"
#include "triagent/connectors/llm_factory.hpp"
#include "triagent/observability/log.hpp"
#include "triagent/pipeline/approval_executor.hpp"
#include "triagent/pipeline/approval_flow.hpp"
#include "triagent/pipeline/approval_routes.hpp"
#include "triagent/pipeline/enrichment_runner.hpp"
#include "triagent/pipeline/job_checkpoint_sweep.hpp"

namespace triagent {

namespace asio = boost::asio;

namespace {

// Moves the calling coroutine to the pool for `fn`, then back to its own executor.
asio::awaitable<void> run_on_pool(asio::thread_pool& pool, std::function<void()> fn) {
  auto home = co_await asio::this_coro::executor;
  co_await asio::post(asio::bind_executor(pool.get_executor(), asio::use_awaitable));
  std::exception_ptr error;
  try {
    fn();
  } catch (...) {
    error = std::current_exception();
  }
  co_await asio::post(asio::bind_executor(home, asio::use_awaitable));
  if (error) std::rethrow_exception(error);
}

// The compute pool runs the pipeline's CPU-heavy stages at nice +kComputeNice, below the reactor
// that answers webhooks: when an alert storm saturates the CPU, acknowledging the webhooks (their
// senders time out and retry) comes first and the enrichment catches up after; with idle CPU the
// nice value changes nothing. Half the cores, at least one thread. (The blocking pool, whose
// threads mostly wait on fsync, keeps the normal priority.)
constexpr int kComputeNice = 10;

int compute_threads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2)); }

// Linux keeps a nice value per thread, and lowering one's own needs no privilege.
void lower_priority(asio::thread_pool& pool, int threads, int nice) {
  auto arrived = std::make_shared<std::latch>(threads);
  for (int i = 0; i < threads; ++i) {
    asio::post(pool, [arrived, nice] {
      if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice) != 0) {
        log::warn("daemon", "could not lower the compute pool's priority", {}, {{"errno", errno}});
      }
      arrived->arrive_and_wait();  // holds this thread until every thread of the pool has taken one
    });
  }
}

// A free coroutine (not a capturing lambda): its arguments live in its own frame.
asio::awaitable<void> execute_and_log(ApprovalRecord record, ApprovalExecution env) {
  auto done = co_await execute_approved(std::move(record), std::move(env));
  if (!done) log::warn("approvals", "approved action not executed", {}, {{"error", done.error().message}});
}

// Expiry already fails closed (an approval past its time cannot be approved); this sweep writes
// it down and audits it, so the review UI and the audit trail show "expired" without anyone asking.
constexpr auto kApprovalSweepInterval = std::chrono::seconds(60);

asio::awaitable<void> sweep_expired_approvals(ApprovalStore* store, audit::AuditLog* audit, asio::steady_timer* timer,
                                              const std::atomic<bool>* stopped,
                                              std::function<asio::awaitable<void>(std::function<void()>)> run_blocking) {
  while (!stopped->load()) {
    Result<std::vector<ApprovalRecord>> expired = std::vector<ApprovalRecord>{};
    // Named, not a temporary inside co_await (GCC 12 miscompiles capturing temporaries there).
    std::function<void()> sweep = [&expired, store] { expired = store->expire_due(); };
    co_await run_blocking(std::move(sweep));
    if (!expired) {
      log::warn("approvals", "expiry sweep failed", {}, {{"error", expired.error().message}});
    } else {
      for (const auto& record : *expired) audit_approval_decided(audit, record);
    }
    timer->expires_after(kApprovalSweepInterval);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

template <class T>
Result<T> fail_to_start(const std::string& what, const Error& e) {
  return make_error(e.code, what + ": " + e.message);
}

}  // namespace

struct PipelineAssembly::Parts {
  asio::io_context* ioc = nullptr;
  std::unique_ptr<HttpClient> http;
  SeededRandom rng{std::random_device{}()};
  std::map<std::string, std::unique_ptr<UpstreamPolicy>> policies;
  std::unique_ptr<SingularityThreats> threats;
  std::unique_ptr<SingularityAlertsGraphql> uam_alerts;
  std::unique_ptr<SingularityStarAlerts> star_alerts;
  std::unique_ptr<SingularityAgents> agents;
  std::unique_ptr<DeepVisibility> deep_visibility;
  std::unique_ptr<DataSetClient> dataset;
  std::unique_ptr<DataSetEventWriter> ai_events;
  std::unique_ptr<analysis::Analyzer> analyzer;
  std::unique_ptr<privacy::Redactor> redactor;
  std::unique_ptr<analysis::PromptTemplate> prompt;
  std::unique_ptr<analysis::BuiltinAnalyst> builtin;
  std::unique_ptr<LlmProvider> llm;
  std::unique_ptr<AnalyzeStage> analyze;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<ApprovalStore> approvals;
  std::unique_ptr<DeliveryLedger> ledger;
  std::unique_ptr<JobCheckpointStore> checkpoints;
  std::unique_ptr<asio::steady_timer> checkpoint_sweep;
  std::unique_ptr<DataSetAuditSink> audit_sink;
  std::unique_ptr<audit::AuditShipper> audit_shipper;  // null unless audit.ship.enabled
  std::unique_ptr<asio::steady_timer> approval_sweep;
  std::atomic<bool> stopping{false};
  asio::thread_pool blocking{2};
  asio::thread_pool compute{static_cast<std::size_t>(compute_threads())};
  std::unique_ptr<EnrichmentRunner> runner;
  Secret admin_token;

  Upstream upstream(const Config& cfg, const std::string& name, const std::string& base_url) {
    auto& policy = policies[name];
    if (!policy) {
      auto it = cfg.upstreams.find(name);
      UpstreamPolicyConfig pc = it != cfg.upstreams.end() ? it->second : UpstreamPolicyConfig{};
      pc.name = name;
      policy = std::make_unique<UpstreamPolicy>(pc, SystemClock::instance(), rng);
    }
    return Upstream{http.get(), policy.get(), base_url, std::chrono::seconds(60)};
  }

  std::function<asio::awaitable<void>(std::function<void()>)> blocking_runner() {
    return [this](std::function<void()> fn) { return run_on_pool(blocking, std::move(fn)); };
  }
  std::function<asio::awaitable<void>(std::function<void()>)> compute_runner() {
    return [this](std::function<void()> fn) { return run_on_pool(compute, std::move(fn)); };
  }
};

PipelineAssembly::PipelineAssembly(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
PipelineAssembly::~PipelineAssembly() { close(); }

JobRunner& PipelineAssembly::runner() { return *parts_->runner; }

void PipelineAssembly::close() {
  if (!parts_) return;
  if (parts_->audit_shipper) parts_->audit_shipper->stop();
  parts_->stopping = true;
  if (parts_->approval_sweep) parts_->approval_sweep->cancel();
  if (parts_->checkpoint_sweep) parts_->checkpoint_sweep->cancel();
  parts_->compute.join();
  parts_->blocking.join();
  if (parts_->audit) parts_->audit->close();
}

Result<std::unique_ptr<PipelineAssembly>> PipelineAssembly::build(const Config& cfg, asio::io_context& ioc,
                                                                 PipelineMetrics* metrics) {
  auto p = std::make_unique<Parts>();
  lower_priority(p->compute, compute_threads(), kComputeNice);
  p->ioc = &ioc;
  p->admin_token = cfg.auth.admin_token;
  p->http = make_curl_http_client(cfg.http_client);
  std::vector<std::string> secrets = {cfg.auth.admin_token.reveal()};

  if (const auto& s1 = cfg.connectors.singularity) {
    Upstream up = p->upstream(cfg, "singularity", s1->base_url);
    p->threats = std::make_unique<SingularityThreats>(*s1, up);
    p->uam_alerts = std::make_unique<SingularityAlertsGraphql>(*s1, up);
    p->star_alerts = std::make_unique<SingularityStarAlerts>(*s1, up);
    p->agents = std::make_unique<SingularityAgents>(*s1, up);
    // Deep Visibility has its own limits and failures: a struggling DV must not open the breaker
    // that notes and verdicts go through.
    p->deep_visibility = std::make_unique<DeepVisibility>(*s1, p->upstream(cfg, "deep_visibility", s1->base_url));
    secrets.push_back(s1->api_token.reveal());
  }
  if (const auto& ds = cfg.connectors.dataset) {
    Upstream up = p->upstream(cfg, "dataset", ds->base_url);
    if (!ds->read_key.empty()) p->dataset = std::make_unique<DataSetClient>(*ds, up);
    // Ingestion is a separate service from queries (often another host): its own policy.
    if (!ds->write_key.empty()) {
      p->ai_events = std::make_unique<DataSetEventWriter>(*ds, p->upstream(cfg, "dataset_ingest", ds->base_url),
                                                          SystemClock::instance());
    }
    secrets.push_back(ds->read_key.reveal());
    secrets.push_back(ds->write_key.reveal());
  }

  auto analyzer = analysis::Analyzer::create(analysis::AnalyzerConfig{});
  if (!analyzer) return fail_to_start<std::unique_ptr<PipelineAssembly>>("analyzer", analyzer.error());
  p->analyzer = std::make_unique<analysis::Analyzer>(std::move(*analyzer));
  auto redactor = privacy::Redactor::create(privacy::RedactionConfig{});
  if (!redactor) return fail_to_start<std::unique_ptr<PipelineAssembly>>("redactor", redactor.error());
  p->redactor = std::make_unique<privacy::Redactor>(std::move(*redactor));
  auto prompt = analysis::PromptTemplate::load(cfg.pipeline.prompts_dir, cfg.pipeline.prompt);
  if (!prompt) return fail_to_start<std::unique_ptr<PipelineAssembly>>("pipeline.prompts_dir", prompt.error());
  p->prompt = std::make_unique<analysis::PromptTemplate>(std::move(*prompt));
  p->builtin = std::make_unique<analysis::BuiltinAnalyst>(*p->analyzer, analysis::ActionPolicy::low_risk());

  // The configured providers, in order; `builtin` needs no connector (it is the fallback anyway).
  std::vector<std::unique_ptr<LlmProvider>> providers;
  for (const auto& pc : cfg.llm.providers) {
    if (pc.kind == LlmProviderKind::builtin) continue;
    auto provider = make_llm_provider(pc, p->upstream(cfg, pc.name, effective_base_url(pc)));
    if (!provider) return fail_to_start<std::unique_ptr<PipelineAssembly>>("llm.providers", provider.error());
    providers.push_back(std::move(*provider));
    secrets.push_back(pc.api_key.reveal());
  }
  if (providers.size() == 1) p->llm = std::move(providers.front());
  else if (!providers.empty()) p->llm = std::make_unique<LlmProviderChain>("llm", std::move(providers));

  AnalyzeStageConfig analyze_cfg;
  analyze_cfg.max_output_tokens = cfg.pipeline.llm_max_output_tokens;
  for (const auto& pc : cfg.llm.providers) {
    analyze_cfg.prices[pc.name] = {pc.usd_per_million_input_tokens, pc.usd_per_million_output_tokens};
  }
  p->analyze = std::make_unique<AnalyzeStage>(*p->prompt, p->llm.get(), *p->builtin, analysis::AttackCatalog::builtin(),
                                              analysis::ActionPolicy::all(), secrets, analyze_cfg);

  auto audit_log = audit::AuditLog::open({.dir = cfg.data_dir + "/audit"}, SystemClock::instance());
  if (!audit_log) return fail_to_start<std::unique_ptr<PipelineAssembly>>("audit log", audit_log.error());
  p->audit = std::move(*audit_log);
  if (!p->audit->open_warning().empty()) log::warn("daemon", p->audit->open_warning());
  auto ship = audit_shipping_config_of(cfg);
  if (!ship) return fail_to_start<std::unique_ptr<PipelineAssembly>>("audit shipping", ship.error());
  if (ship->enabled) {
    const auto& ds = *cfg.connectors.dataset;
    p->audit_sink = std::make_unique<DataSetAuditSink>(ds, p->upstream(cfg, "dataset_ingest", ds.base_url), *ship);
    audit::AuditShipper::Options o;
    o.dir = cfg.data_dir + "/audit";
    o.config = *ship;
    o.durable_seq = [log = p->audit.get()] { return log->durable_seq(); };
    o.run_blocking = p->blocking_runner();
    p->audit_shipper = std::make_unique<audit::AuditShipper>(std::move(o), *p->audit_sink);
    asio::co_spawn(ioc, p->audit_shipper->run(), asio::detached);
  }
  const std::string state_db = cfg.data_dir + "/state.db";
  auto approvals = ApprovalStore::open({.path = state_db}, SystemClock::instance());
  if (!approvals) return fail_to_start<std::unique_ptr<PipelineAssembly>>("approval store", approvals.error());
  p->approvals = std::move(*approvals);
  auto ledger = DeliveryLedger::open(state_db, SystemClock::instance());
  if (!ledger) return fail_to_start<std::unique_ptr<PipelineAssembly>>("delivery ledger", ledger.error());
  p->ledger = std::move(*ledger);
  // Beside the ledger in state.db: the checkpoint and the ledger rows describe the same deliveries,
  // so a backup or a restore of the file keeps them consistent with each other.
  auto checkpoints = JobCheckpointStore::open({.path = state_db}, SystemClock::instance());
  if (!checkpoints) return fail_to_start<std::unique_ptr<PipelineAssembly>>("job checkpoints", checkpoints.error());
  p->checkpoints = std::move(*checkpoints);
  // Kept as long as the queue keeps finished jobs: any job an admin can still replay finds its
  // checkpoint (a dead job's too, which the queue never purges, until this retention passes). At
  // least a day, far longer than a job's retries last, so a retrying job never loses its own.
  JobCheckpointSweepConfig sweep_cfg;
  sweep_cfg.retention = std::max<std::chrono::milliseconds>(std::chrono::hours(cfg.queue.done_retention_hours),
                                                            std::chrono::hours(24));
  p->checkpoint_sweep = std::make_unique<asio::steady_timer>(ioc);
  asio::co_spawn(ioc,
                 sweep_job_checkpoints(p->checkpoints.get(), sweep_cfg, p->checkpoint_sweep.get(), &p->stopping,
                                       p->blocking_runner(), &SystemClock::instance()),
                 asio::detached);
  p->approval_sweep = std::make_unique<asio::steady_timer>(ioc);
  asio::co_spawn(ioc,
                 sweep_expired_approvals(p->approvals.get(), p->audit.get(), p->approval_sweep.get(), &p->stopping,
                                         p->blocking_runner()),
                 asio::detached);

  PipelineConfig pipeline_cfg;
  pipeline_cfg.governance.mode = *parse_governance_mode(cfg.mode);
  pipeline_cfg.governance.auto_confidence_threshold = cfg.pipeline.auto_confidence_threshold;
  pipeline_cfg.governance.approval_ttl_minutes = cfg.pipeline.approval_ttl_minutes;
  pipeline_cfg.evidence.token_budget = static_cast<std::size_t>(cfg.pipeline.evidence_token_budget);
  ContextPlanConfig context;
  for (const auto& t : cfg.pipeline.context_templates) {
    context.templates.push_back({.name = t.name,
                                 .source = *parse_context_source(t.source),  // the loader checked the name
                                 .applies_to = t.applies_to,
                                 .text = t.text,
                                 .window_before_minutes = t.window_before_minutes,
                                 .window_after_minutes = t.window_after_minutes,
                                 .max_results = t.max_results});
  }
  context.max_queries_per_job = cfg.pipeline.context_max_queries_per_job;
  context.deadline_ms = cfg.pipeline.context_deadline_ms;
  pipeline_cfg.context = with_defaults(std::move(context));
  if (auto ok = validate(pipeline_cfg.context); !ok) {
    return fail_to_start<std::unique_ptr<PipelineAssembly>>(cfg.source_name, ok.error());
  }
  pipeline_cfg.send_ai_events = cfg.pipeline.send_ai_events;

  PipelineServices services;
  services.threats = p->threats.get();
  services.uam_alerts = p->uam_alerts.get();
  services.star_alerts = p->star_alerts.get();
  services.agents = p->agents.get();
  services.deep_visibility = p->deep_visibility.get();
  services.dataset = p->dataset.get();
  services.ai_events = p->ai_events.get();
  services.analyzer = p->analyzer.get();
  services.redactor = p->redactor.get();
  services.analyze = p->analyze.get();
  services.approvals = p->approvals.get();
  services.ledger = p->ledger.get();
  services.checkpoints = p->checkpoints.get();
  services.audit = p->audit.get();
  services.metrics = metrics;
  services.run_blocking = p->blocking_runner();
  services.run_compute = p->compute_runner();
  p->runner = std::make_unique<EnrichmentRunner>(std::move(services), pipeline_cfg);
  return std::unique_ptr<PipelineAssembly>(new PipelineAssembly(std::move(p)));
}

audit::AuditLog* PipelineAssembly::audit_log() { return parts_->audit.get(); }
audit::AuditShipper* PipelineAssembly::audit_shipper() { return parts_->audit_shipper.get(); }
ApprovalStore* PipelineAssembly::approvals() { return parts_->approvals.get(); }

std::vector<std::pair<std::string, UpstreamPolicy*>> PipelineAssembly::upstream_policies() {
  std::vector<std::pair<std::string, UpstreamPolicy*>> out;
  for (auto& [name, policy] : parts_->policies) out.emplace_back(name, policy.get());
  return out;
}

std::function<void(std::function<void()>)> PipelineAssembly::blocking_poster() {
  Parts* p = parts_.get();
  return [p](std::function<void()> fn) { asio::post(p->blocking, std::move(fn)); };
}

void PipelineAssembly::register_routes(Router& router, std::shared_ptr<const AccessControl> access,
                                       metrics::Registry* metrics) {
  Parts* p = parts_.get();
  auto ctx = std::make_shared<ApprovalRoutesContext>();
  ctx->store = p->approvals.get();
  ctx->access = std::move(access);
  ctx->metrics = metrics;
  ctx->admin_token = p->admin_token;
  ctx->audit = p->audit.get();
  ctx->run_blocking = [p](std::function<void()> fn) { asio::post(p->blocking, std::move(fn)); };
  ctx->on_approved = [p](ApprovalRecord record) {
    ApprovalExecution env;
    env.store = p->approvals.get();
    env.connectors = {p->threats.get(), p->agents.get()};
    env.audit = p->audit.get();
    env.run_blocking = p->blocking_runner();
    asio::co_spawn(*p->ioc, execute_and_log(std::move(record), std::move(env)), asio::detached);
  };
  register_approval_routes(router, ctx);
}

}  // namespace triagent
