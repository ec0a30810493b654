#pragma once
// parse_power_query: PowerQuery text -> syntax tree (power_query_ast.hpp), or the first error with
// its byte position. Grammar (apis.md A.12):
//
//   query    := [filter] ('|' command)*
//   command  := filter expr | columns items | let items | group aggs [by items] | sort keys
//             | limit [N] | nolimit | <other name> <anything up to the next '|'>
//   expr     := or;  or := and (('or'|'||') and)*;  and := not (('and'|'&&')? not)*   (juxtaposition = and)
//   not      := ('not'|'!') not | cmp;  cmp := sum [(= == != < <= > >=) sum | contains[:anycase] sum
//             | matches sum | in '(' values ')']
//   sum := prod (('+'|'-') prod)*;  prod := unary (('*'|'/'|'%') unary)*;  unary := '-' unary | primary
//   primary  := number | string | true | false | null | field | name '(' args ')' | '(' expr ')' | '*'
//
// In the initial filter a lone word or string is a full-text search term (Expr::Kind::term); in
// every other place a bare name is a field. Commands the parser does not structure (parse, lookup,
// join, union, top, savelookup, ...) are kept verbatim as Kind::other, so the validator can name and
// refuse them. Keywords are case-insensitive.
//
//   ParseResult r = parse_power_query("a = | limit 5");
//   if (!r) std::cout << r.error->text();   // "position 4: expected a value after '='"

#include <optional>
#include <string_view>

#include "triagent/hunt/power_query_ast.hpp"
#include "triagent/hunt/power_query_lexer.hpp"

namespace triagent::hunt {

struct ParseResult {
  std::optional<Query> query;
  std::optional<PqDiagnostic> error;
  explicit operator bool() const { return query.has_value(); }
};

// Nesting deeper than this (parentheses, not, unary minus) is refused: the parser recurses.
inline constexpr int kMaxExprDepth = 64;

ParseResult parse_power_query(std::string_view text);

}  // namespace triagent::hunt
