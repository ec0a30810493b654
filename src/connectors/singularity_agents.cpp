#include "triagent/connectors/singularity_agents.hpp"

#include "connectors/singularity_http.hpp"
#include "connectors/singularity_json.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;
using s1::member;
using s1::text;

namespace {

// `tags` is a list of names or of {key, value} objects depending on the console; keep what reads.
std::vector<std::string> tag_names(const json* tags) {
  std::vector<std::string> out = s1::texts(tags);
  for (const auto& tag : s1::array_or_empty(tags)) {
    std::string name = s1::first_text({member(tag, "key"), member(tag, "name")});
    std::string value = text(member(tag, "value"));
    if (!name.empty()) out.push_back(value.empty() ? name : name + "=" + value);
  }
  return out;
}

}  // namespace

Result<Agent> parse_agent(const json& object) {
  if (!object.is_object()) return Error{ErrorCode::invalid_argument, "agent: not a JSON object"};
  Agent a;
  a.id = text(member(object, "id"));
  if (a.id.empty()) return Error{ErrorCode::invalid_argument, "agent: no id"};
  a.uuid = text(member(object, "uuid"));
  a.computer_name = text(member(object, "computerName"));
  a.network_status = text(member(object, "networkStatus"));
  a.is_active = s1::flag(member(object, "isActive"));
  a.os_name = text(member(object, "osName"));
  a.os_type = text(member(object, "osType"));
  a.agent_version = text(member(object, "agentVersion"));
  a.last_active_date = text(member(object, "lastActiveDate"));
  a.external_ip = text(member(object, "externalIp"));
  a.account_id = text(member(object, "accountId"));
  a.site_id = text(member(object, "siteId"));
  a.site_name = text(member(object, "siteName"));
  a.group_name = text(member(object, "groupName"));
  a.ips = s1::interface_ips(member(object, "networkInterfaces"));
  a.tags = tag_names(member(object, "tags"));
  a.raw = object;
  return a;
}

SingularityAgents::SingularityAgents(SingularityConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

asio::awaitable<Result<Agent>> SingularityAgents::get_agent(std::string agent_id, CallOptions options) {
  if (auto ok = s1::check_id(agent_id, "singularity get agent: agent id"); !ok) co_return ok.error();
  s1::QueryString q;
  q.add("ids", agent_id);
  s1::add_scope(q, config_);
  auto body = co_await s1::call_json(upstream_, config_.api_token, "GET", s1::api_path("/agents") + q.str(), "",
                                     std::move(options), "singularity get agent");
  if (!body) co_return body.error();
  for (const auto& item : s1::array_or_empty(member(*body, "data"))) {
    auto agent = parse_agent(item);
    if (agent && agent->id == agent_id) co_return std::move(agent).value();
  }
  co_return Error{ErrorCode::not_found, "singularity get agent: agent " + agent_id + " not found"};
}

asio::awaitable<Result<std::int64_t>> SingularityAgents::disconnect_from_network(std::string agent_id,
                                                                                 CallOptions options) {
  co_return co_await network_action("disconnect", std::move(agent_id), std::move(options),
                                    "singularity disconnect agent from network");
}

asio::awaitable<Result<std::int64_t>> SingularityAgents::reconnect_to_network(std::string agent_id,
                                                                              CallOptions options) {
  co_return co_await network_action("connect", std::move(agent_id), std::move(options),
                                    "singularity reconnect agent to network");
}

asio::awaitable<Result<std::int64_t>> SingularityAgents::network_action(std::string action, std::string agent_id,
                                                                        CallOptions options, std::string what) {
  if (auto ok = s1::check_id(agent_id, what + ": agent id"); !ok) co_return ok.error();
  // Pinned by ids: the filter accepts any agent filter, and a wide one would isolate a fleet.
  json request{{"filter", {{"ids", json::array({agent_id})}}}};
  auto answer = co_await s1::call_json(upstream_, config_.api_token, "POST", s1::api_path("/agents/actions/" + action),
                                       s1::to_body(request), std::move(options), what);
  if (!answer) co_return answer.error();
  co_return s1::affected_count(*answer, what);
}

}  // namespace triagent
