#pragma once
// HuntRuntime: everything a HuntService needs, built from the daemon's config and owned in one
// place: its own HTTP client and upstream policies, the LLM chain, and a DataSet client that holds
// only the read key. Used by `triagent hunt` and by the daemon's /v1/hunt and scheduled hunts.
//
//   auto hunt_cfg = hunt_config_of(cfg);                       // the `hunt:` section, validated
//   auto rt = build_hunt_runtime(cfg, *hunt_cfg, /*want_llm=*/true, audit_log);
//   co_await (*rt)->service->hunt({.question = "failed logins in the last hour"});

#include <map>
#include <memory>
#include <random>
#include <string>

#include "triagent/audit/audit_log.hpp"
#include "triagent/config/config.hpp"
#include "triagent/connectors/dataset_client.hpp"
#include "triagent/connectors/llm_types.hpp"
#include "triagent/hunt/hunt_config.hpp"
#include "triagent/hunt/hunt_service.hpp"
#include "triagent/net/http_client.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent::hunt {

// Everything the service needs, owned in one place for the command's lifetime.
struct HuntRuntime {
  std::unique_ptr<HttpClient> http;
  SeededRandom rng{std::random_device{}()};
  std::map<std::string, std::unique_ptr<UpstreamPolicy>> policies;
  std::unique_ptr<LlmProvider> llm;
  std::unique_ptr<DataSetClient> dataset;
  std::unique_ptr<HuntService> service;

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
};


// The `hunt:` section of a loaded config (defaults when absent). Errors name the file, the
// section's line and the key ("triagent.yaml:120: hunt.max_limit: must be within [1, 10000]").
Result<HuntConfig> hunt_config_of(const Config& cfg);

// Fails with the key at fault ("hunt.templates: ..."). `audit` may be null.
Result<std::unique_ptr<HuntRuntime>> build_hunt_runtime(const Config& cfg, const HuntConfig& hunt_cfg, bool want_llm,
                                                        audit::AuditLog* audit = nullptr);

}  // namespace triagent::hunt
