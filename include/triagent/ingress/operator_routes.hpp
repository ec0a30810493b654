#pragma once
// The operator surface beside the job API: who am I, an overview for the review UI, the Prometheus
// scrape and a config check. Every route needs a bearer token (AccessControl).
//
//   GET  /v1/whoami        any valid token   {"name": "alice", "role": "approver"}
//   GET  /v1/overview      viewer            {"mode","version","queue":{...},"approvals_pending","checks","feedback"}
//   GET  /metrics          viewer            Prometheus text 0.0.4
//   POST /v1/config/check  admin             body: YAML text (<= 256 KiB); 200 {"valid":true},
//                                            422 {"valid":false,"errors":[...]}, 400 empty, 413 too large
//
//   auto ctx = std::make_shared<OperatorContext>();
//   ctx->access = access; ctx->queue = &jobs; ctx->metrics = &registry; ...
//   register_operator_routes(router, ctx);

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/access_control.hpp"
#include "triagent/core/clock.hpp"
#include "triagent/net/router.hpp"
#include "triagent/observability/metrics.hpp"
#include "triagent/queue/job_queue.hpp"

namespace triagent {

inline constexpr std::size_t kMaxConfigCheckBytes = 256 * 1024;

struct OperatorContext {
  std::shared_ptr<const AccessControl> access;
  JobQueue* queue = nullptr;
  const Clock* clock = nullptr;
  std::string mode;
  std::string version;
  metrics::Registry* metrics = nullptr;
  // Runs blocking work (SQLite reads, config parsing) off the reactor; empty: inline.
  std::function<void(std::function<void()>)> run_blocking;
  // Blocking reads; each may be empty (then shown as null / omitted).
  std::function<std::optional<std::int64_t>()> approvals_pending;
  std::function<nlohmann::json()> feedback_summary;  // {"accepted","edited","rejected","acceptance_rate"}
  // name -> "ok" | "failed: why"; cheap.
  std::function<std::map<std::string, std::string>()> checks;
  // The errors of a config text (empty: valid). Must never return a secret.
  std::function<std::vector<std::string>(std::string_view yaml)> check_config;
  // Runs (blocking) before each scrape renders, to refresh gauges read from stores.
  std::function<void()> before_scrape;
};

void register_operator_routes(Router& router, std::shared_ptr<OperatorContext> ctx);

}  // namespace triagent
