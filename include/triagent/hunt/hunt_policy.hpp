#pragma once
// HuntPolicy: the rules a hunt query must pass before it runs. Filled from HuntConfig
// (hunt_config.hpp); the defaults are safe on their own.
//
//   HuntPolicy policy;                       // filter, columns, let, group, sort, limit; limit 100..1000
//   policy.max_window_hours = 24;
//   auto v = validate_power_query(text, policy, catalogue);   // power_query_validator.hpp

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace triagent::hunt {

struct HuntPolicy {
  // Read-only commands only: nothing here writes (savelookup does, and is never allowed).
  std::vector<std::string> allowed_commands = {"filter", "columns", "let", "group", "sort", "limit"};
  std::int64_t default_limit = 100;    // appended when the query has no final limit
  std::int64_t max_limit = 1000;       // larger limits are cut to this
  std::int64_t max_window_hours = 168; // from..to at most this long
  std::size_t max_query_chars = 10000; // apis.md A.5
};

// Commands that change state on the server; refused even when a config lists them.
bool is_writing_command(const std::string& name);

}  // namespace triagent::hunt
