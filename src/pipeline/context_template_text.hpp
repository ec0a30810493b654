#pragma once
// The {{placeholder}} syntax of context template text, shared by validate() (unknown names,
// unterminated braces) and the planner (rendering). Internal to the pipeline module.
//
//   auto pieces = parse_template_text("serverHost = {{host}} | limit {{max_results}}");
//   for (const TemplatePiece& p : *pieces) out += p.is_placeholder ? value_of(p.text) : p.text;

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent::context_detail {

inline constexpr std::array<std::string_view, 10> kPlaceholders = {
    "host", "user", "user_name", "ip", "hash", "agent_id", "agent_uuid", "storyline", "threat_id", "max_results"};

bool is_known_placeholder(std::string_view name);

// Literal text, or a placeholder name (spaces inside the braces trimmed).
struct TemplatePiece {
  bool is_placeholder = false;
  std::string text;
};

// invalid_argument for "{{" without "}}", an empty name, or a name outside kPlaceholders
// ("unknown placeholder {{hots}}"). A lone "}}" is literal text.
Result<std::vector<TemplatePiece>> parse_template_text(std::string_view text);

}  // namespace triagent::context_detail
