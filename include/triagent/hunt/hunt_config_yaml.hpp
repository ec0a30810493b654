#pragma once
// parse_hunt_config: the `hunt:` YAML mapping -> HuntConfig (validated). Unknown keys are errors,
// named "hunt.<key>"; an absent or null node gives the defaults.
//
//   YAML::Node root = YAML::LoadFile(path);
//   Result<HuntConfig> cfg = parse_hunt_config(root["hunt"]);

#include <yaml-cpp/yaml.h>

#include "triagent/hunt/hunt_config.hpp"

namespace triagent::hunt {

Result<HuntConfig> parse_hunt_config(const YAML::Node& node);

}  // namespace triagent::hunt
