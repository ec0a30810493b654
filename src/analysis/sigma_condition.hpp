#pragma once
// The Sigma condition language: a tokenizer and a precedence-climbing parser producing a small
// node array ("not" binds tightest, then "and", then "or"; "1 of x*" / "all of them" expand to
// the selections whose names match). Internal to the Sigma engine.

#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent::analysis::sigma {

struct Node {
  enum class Kind { ref, not_, and_, or_, any_of, all_of } kind = Kind::ref;
  int ref = -1;               // selection index for ref
  std::vector<int> children;  // node indices (not/and/or) or selection indices (any_of/all_of)
};

struct Condition {
  std::vector<Node> nodes;
  int root = -1;
};

// Selection names may use '*' wildcards in "1 of" patterns. Depth and length are bounded.
Result<Condition> parse_condition(std::string_view text, const std::vector<std::string>& names);

}  // namespace triagent::analysis::sigma
