#pragma once
// The daemon's HTTP surface for issue-2 scope: webhook intake, the admin job API and health.
//
//   Router router;
//   register_webhook_routes(router, webhook_context);
//   register_admin_routes(router, admin_context);
//   register_health_routes(router, health_context);

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "triagent/config/config.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/ingress/normalizer.hpp"
#include "triagent/net/router.hpp"
#include "triagent/observability/triagent_metrics.hpp"
#include "triagent/queue/job_queue.hpp"

namespace triagent {

// Counters of the intake path (exported as metrics by the operator surface).
struct IngressStats {
  std::atomic<std::uint64_t> received{0};       // requests to a known, enabled source
  std::atomic<std::uint64_t> accepted{0};       // 202, new job
  std::atomic<std::uint64_t> duplicates{0};     // 202, existing job
  std::atomic<std::uint64_t> unauthorized{0};   // 401
  std::atomic<std::uint64_t> invalid{0};        // 400
  std::atomic<std::uint64_t> overloaded{0};     // 503 back-pressure
  std::atomic<std::uint64_t> store_errors{0};   // 500: the queue failed
};

struct WebhookSource {
  WebhookSourceConfig config;
  std::unique_ptr<Normalizer> normalizer;
};

struct WebhookContext {
  const Config* config = nullptr;
  JobQueue* queue = nullptr;
  const Clock* clock = nullptr;
  std::map<std::string, WebhookSource> sources;  // enabled sources only
  IngressStats* stats = nullptr;
  // triagent_webhooks_received_total handles per enabled source; a source without an entry is not
  // counted there (IngressStats still is).
  std::map<std::string, WebhookCounters> counters;
  std::function<void()> on_new_job;              // wakes the workers
};

// Builds the enabled sources' normalizers from config. Throws std::invalid_argument for an
// unknown source name (config validation already rejects those).
std::map<std::string, WebhookSource> build_webhook_sources(const Config& cfg);

void register_webhook_routes(Router& router, std::shared_ptr<WebhookContext> ctx);

struct AdminContext {
  JobQueue* queue = nullptr;
  std::shared_ptr<const AccessControl> access;  // GET: viewer, replay: admin; null: admin_token alone
  Secret admin_token;
  std::function<void()> on_replay;  // wakes the workers
};

void register_admin_routes(Router& router, std::shared_ptr<AdminContext> ctx);

struct HealthContext {
  JobQueue* queue = nullptr;
  std::function<bool()> draining;
  // More readiness checks, name -> "ok" or "failed: why" (any failure makes /readyz 503), and
  // facts shown by ?verbose that never fail readiness (upstream breaker states). Cheap, non-blocking.
  std::function<std::map<std::string, std::string>()> extra_checks;
  std::function<std::map<std::string, std::string>()> info;
};

void register_health_routes(Router& router, std::shared_ptr<HealthContext> ctx);

}  // namespace triagent
