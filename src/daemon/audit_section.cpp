#include "daemon/audit_section.hpp"

#include <yaml-cpp/yaml.h>

namespace triagent {

namespace {

Error bad(const std::string& where, const std::string& key, const std::string& problem) {
  return Error(ErrorCode::invalid_argument, where + "audit." + key + ": " + problem);
}

}  // namespace

Result<audit::AuditShippingConfig> audit_shipping_config_of(const Config& cfg) {
  audit::AuditShippingConfig ship;
  auto it = cfg.module_sections.find("audit");
  if (it == cfg.module_sections.end()) return ship;
  const std::string where = cfg.source_name + ":" + std::to_string(it->second.line) + ": ";
  try {
    YAML::Node root = YAML::Load(it->second.yaml);
    if (!root.IsMap()) return bad(where, "", "must be a mapping");
    for (const auto& entry : root) {
      if (entry.first.as<std::string>() != "ship") return bad(where, entry.first.as<std::string>(), "unknown key");
    }
    YAML::Node s = root["ship"];
    if (!s) return ship;
    if (!s.IsMap()) return bad(where, "ship", "must be a mapping");
    for (const auto& entry : s) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& v = entry.second;
      try {
        if (key == "enabled") ship.enabled = v.as<bool>();
        else if (key == "parser") ship.parser = v.as<std::string>();
        else if (key == "logfile") ship.logfile = v.as<std::string>();
        else if (key == "batch_size") ship.batch_size = v.as<std::int64_t>();
        else if (key == "interval_ms") ship.interval_ms = v.as<std::int64_t>();
        else if (key == "max_batch_bytes") ship.max_batch_bytes = v.as<std::int64_t>();
        else return bad(where, "ship." + key, "unknown key");
      } catch (const YAML::Exception&) {
        return bad(where, "ship." + key, "wrong type");
      }
    }
  } catch (const YAML::Exception& e) {
    return bad(where, "", e.what());
  }
  if (auto valid = audit::validate(ship); !valid) return Error(ErrorCode::invalid_argument, where + valid.error().message);
  if (ship.enabled && (!cfg.connectors.dataset || cfg.connectors.dataset->write_key.empty())) {
    return bad(where, "ship.enabled", "needs connectors.dataset with a write_key");
  }
  return ship;
}

}  // namespace triagent
