#pragma once
// The syntax tree of a PowerQuery (apis.md A.12): an initial filter, then pipe commands. Produced by
// parse_power_query(), checked and completed by validate_power_query(), turned back into text by
// print_power_query() so the text that runs is exactly the tree that was validated.
//
//   Query q = *parse_power_query("event.type = 'Login' | group n = count() by endpoint.name").query;
//   q.commands.back().kind == Command::Kind::group;   // items[0] = {"n", count()}, keys[0] = endpoint.name
//
// Expressions are values (a vector of children), so a Query copies like any struct.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace triagent::hunt {

struct Expr {
  enum class Kind {
    string,    // text: the unescaped value
    number,    // text: as written ("5", "0.5")
    boolean,   // text: "true" | "false"
    null,
    field,     // text: the field name (a bare name, $name or $"quoted name")
    wildcard,  // a bare '*': "everything" as a filter, "present" after '='
    term,      // a full-text search word or quoted string in the initial filter; text: the value
    call,      // text: function name (lower case); args: the arguments
    unary,     // text: "not" | "-"; args[0]
    binary,    // text: "and" | "or" | "+" | "-" | "*" | "/" | "%"; args[0], args[1]
    compare,   // text: "=" "!=" "<" "<=" ">" ">=" "contains" "contains:anycase" "contains:matchcase" "matches"
    in_list,   // args[0] in (args[1..])
  };
  Kind kind = Kind::null;
  std::size_t pos = 0;  // byte offset of the node's first token in the query text
  std::string text;
  bool quoted = false;  // term: written as a string literal
  std::vector<Expr> args;
};

// `name = expr` (columns, let, group aggregates and keys); name is empty when none was given.
struct NamedExpr {
  std::string name;
  std::size_t name_pos = 0;
  Expr expr;
};

struct SortKey {
  Expr expr;
  bool descending = false;
};

struct Command {
  enum class Kind { filter, columns, let, group, sort, limit, nolimit, other };
  Kind kind = Kind::other;
  std::string name;  // lower case, as written: "filter", "group", "savelookup", ...
  std::size_t pos = 0;
  Expr filter;                       // filter
  std::vector<NamedExpr> items;      // columns, let, group aggregates
  std::vector<NamedExpr> keys;       // group ... by keys
  std::vector<SortKey> sort;         // sort
  std::optional<std::int64_t> limit; // limit N (unset: a bare `limit`)
  std::string raw;                   // other: the command's text after its name, verbatim
};

struct Query {
  std::optional<Expr> filter;  // the initial filter; unset when the query starts with '|'
  std::vector<Command> commands;
};

}  // namespace triagent::hunt
