#pragma once
// SingularityAgents: SentinelOne endpoints (agents) over the Management API v2.1 (apis.md B.9): read
// one agent for context, and - behind a human approval only - disconnect it from the network
// (isolate) or reconnect it. Every action is pinned to one agent id, never a broader filter.
//
//   SingularityAgents agents(cfg, Upstream{&client, &policy, cfg.base_url});
//   Result<Agent> a = co_await agents.get_agent(threat.agent_id);
//   // approval granted elsewhere:
//   Result<std::int64_t> n = co_await agents.disconnect_from_network(a->id);   // 1: isolated (or isolating)
//   // the API answers before the agent acts: re-read get_agent() and check network_status.
//
// The object holds no threads; the config and the upstream's client and policy must outlive it.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// The fields of a GET /agents element the pipeline uses; "" when absent. `raw` is the whole object.
struct Agent {
  std::string id;
  std::string uuid;
  std::string computer_name;
  std::string network_status;  // connected, connecting, disconnected, disconnecting
  bool is_active = false;
  std::string os_name;
  std::string os_type;
  std::string agent_version;
  std::string last_active_date;
  std::string external_ip;
  std::string account_id;
  std::string site_id;
  std::string site_name;
  std::string group_name;
  std::vector<std::string> ips;   // networkInterfaces[].inet and inet6
  std::vector<std::string> tags;  // tag names when the agent lists any
  nlohmann::json raw;
};

// One element of an agents `data` list; invalid_argument when it is not an object or has no id.
Result<Agent> parse_agent(const nlohmann::json& object);

class SingularityAgents {
 public:
  SingularityAgents(SingularityConfig config, Upstream upstream);

  // GET /agents?ids=<id>[&accountIds=..][&siteIds=..]: not_found when no agent with that id is listed.
  boost::asio::awaitable<Result<Agent>> get_agent(std::string agent_id, CallOptions options = {});

  // Approval-gated. POST /agents/actions/disconnect {"filter":{"ids":[id]}}: the affected count.
  boost::asio::awaitable<Result<std::int64_t>> disconnect_from_network(std::string agent_id, CallOptions options = {});

  // Approval-gated. POST /agents/actions/connect {"filter":{"ids":[id]}}: the affected count.
  boost::asio::awaitable<Result<std::int64_t>> reconnect_to_network(std::string agent_id, CallOptions options = {});

 private:
  boost::asio::awaitable<Result<std::int64_t>> network_action(std::string action, std::string agent_id,
                                                              CallOptions options, std::string what);

  SingularityConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
