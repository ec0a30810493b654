#pragma once
// HuntConfig: the typed `hunt:` section of the daemon config (the lead wires it into Config; until
// then `triagent hunt` reads it from the same file itself). Defaults work with the shipped files.
//
//   hunt:
//     enabled: true
//     field_catalogue: config/hunt/fields.yaml
//     templates: config/hunt/templates.yaml
//     max_window_hours: 168
//     default_limit: 100
//     max_limit: 1000
//     allowed_commands: [filter, columns, let, group, sort, limit]
//     schedules:
//       - {name: encoded-powershell, query: 'src.process.cmdline contains "-enc"', interval_seconds: 3600,
//          threshold: 0, severity: high}
//
//   HuntConfig cfg;  if (auto ok = validate(cfg); !ok) fail(ok.error().message);  // "hunt.max_limit: ..."
//   HuntPolicy policy = cfg.policy();

#include <cstdint>
#include <string>
#include <vector>

#include "triagent/core/result.hpp"
#include "triagent/hunt/hunt_policy.hpp"

namespace triagent::hunt {

struct HuntSchedule {
  std::string name;                     // [A-Za-z0-9_.-]{1,64}: part of the incident's dedupe key
  std::string query;                    // validated at start-up and before every run
  std::int64_t interval_seconds = 3600; // also the look-back window of each run
  std::int64_t threshold = 0;           // an incident when rows > threshold
  std::string severity = "medium";      // info | low | medium | high | critical
};

struct HuntConfig {
  bool enabled = false;
  std::string field_catalogue = "config/hunt/fields.yaml";
  std::string templates = "config/hunt/templates.yaml";
  std::string prompts_dir = "config/prompts";  // hunt.v1.system.txt
  std::int64_t max_window_hours = 168;
  std::int64_t default_limit = 100;
  std::int64_t max_limit = 1000;
  std::vector<std::string> allowed_commands = HuntPolicy{}.allowed_commands;
  std::int64_t max_question_chars = 2000;
  int max_output_tokens = 800;
  std::vector<HuntSchedule> schedules;

  HuntPolicy policy() const;
};

// Names the key: "hunt.max_limit: must be within [1, 10000]".
Result<void> validate(const HuntConfig& config);

}  // namespace triagent::hunt
