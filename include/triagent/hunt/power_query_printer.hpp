#pragma once
// The canonical text of a PowerQuery tree: one spelling per construct, so what was validated is
// exactly what runs (and what the audit log shows). Strings are double-quoted with `\` and `"`
// escaped (apis.md A.5: single quotes caused HTTP 500s); `==` is printed `=`; juxtaposition is
// printed as `and`; parentheses only where precedence needs them; group aggregates as `name = fn()`.
//
//   std::string text = print_power_query(*parse_power_query("a=='x'  b>1|limit 5").query);
//   // text == "a = \"x\" and b > 1 | limit 5"

#include <string>
#include <string_view>

#include "triagent/hunt/power_query_ast.hpp"

namespace triagent::hunt {

std::string print_power_query(const Query& query);
std::string print_expr(const Expr& expr);
// A double-quoted PowerQuery string literal for any value (used by the printer and the templates).
std::string quote_pq_string(std::string_view value);
// A field reference: the bare name when it is a plain dotted name, else $"...".
std::string print_field_name(std::string_view name);

}  // namespace triagent::hunt
