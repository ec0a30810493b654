#pragma once
// RecordFilter: the small query language the simulator evaluates over its flat event records
// (DataSet log events, Deep Visibility events). It covers what clients send in practice:
//   - comparisons  field = value, ==, !=, <, <=, >, >=  (numbers compared as numbers; = is
//     case-insensitive), field contains "x" (also ContainsCIS), matches/RegExp "re" (RE2),
//     startswith, endswith, field in ("a", "b"), field exists, field = * (present);
//   - bare words or quoted strings: case-insensitive substring of any string value;
//   - and / or / not (also AND, OR, NOT, &&, ||, !), parentheses, juxtaposition = and; "*" alone
//     matches everything.
// Field names: a leading '$' is ignored; names match exactly, then through the alias table
// (S1 PowerQuery names such as src.process.name, S1QL 1.0 names such as SrcProcName), then
// case-insensitively.
//
//   auto f = RecordFilter::parse("serverHost = \"WS-FIN-023\" powershell");
//   if (!f) return bad_request(f.error().message);
//   if (f->matches(record)) ...

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "triagent/core/result.hpp"

namespace triagent::sim {

// The value of `name` in a flat record, or nullptr.
const nlohmann::json* lookup_field(const nlohmann::json& record, std::string_view name);
// A scalar as text ("" for null, numbers without quotes).
std::string scalar_text(const nlohmann::json& value);

class RecordFilter {
 public:
  struct Node;
  static Result<RecordFilter> parse(std::string_view text);
  bool matches(const nlohmann::json& record) const;

 private:
  std::shared_ptr<const Node> root_;  // null: matches everything
};

}  // namespace triagent::sim
