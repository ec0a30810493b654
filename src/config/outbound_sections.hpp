#pragma once
// The outbound half of the Config schema: http_client, upstreams, connectors and llm. Each
// section is walked into the connector's own typed struct, then checked by that connector's
// validate(), whose complaint is reported at the section's line.

#include "config/yaml_walker.hpp"
#include "triagent/config/config.hpp"

namespace triagent::config_detail {

void walk_http_client(const YamlWalker& w, const YAML::Node& node, const std::string& path, HttpClientConfig& out);
void walk_upstreams(const YamlWalker& w, const YAML::Node& node, const std::string& path,
                    std::map<std::string, UpstreamPolicyConfig>& out);
void walk_connectors(const YamlWalker& w, const YAML::Node& node, const std::string& path, ConnectorsConfig& out);
void walk_llm(const YamlWalker& w, const YAML::Node& node, const std::string& path, LlmConfig& out);

}  // namespace triagent::config_detail
