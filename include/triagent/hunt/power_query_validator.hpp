#pragma once
// validate_power_query: parses a PowerQuery, checks it against a HuntPolicy and a FieldCatalogue,
// completes it (a missing final limit is appended, a larger one capped) and prints the canonical
// text that is the only thing ever sent to DataSet.
//
// Checks: parse errors with their position; the initial filter must exist and not be a bare `*`;
// every command must be on the allow-list (and never a writing one); fields used in filters,
// columns, let, group and sort must be in the catalogue or defined earlier by let / columns /
// group names (after columns or group only those names exist); known functions only, aggregates
// only in group; `*` only in the initial filter.
//
//   ValidatedQuery v = validate_power_query("src.process.name = 'x.exe'", policy, catalogue);
//   v.ok == true;  v.text == "src.process.name = \"x.exe\" | limit 100";  v.limit_added == true;
//   ValidatedQuery bad = validate_power_query("a == ", policy, catalogue);
//   bad.errors[0].text() == "position 5: expected a value after '=='";

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_policy.hpp"
#include "triagent/hunt/power_query_ast.hpp"
#include "triagent/hunt/power_query_lexer.hpp"

namespace triagent::hunt {

struct ValidatedQuery {
  bool ok = false;
  std::vector<PqDiagnostic> errors;
  std::vector<std::string> notes;  // what was changed: "appended '| limit 100'", ...
  std::string text;                // canonical text (ok only)
  Query query;                     // the completed tree (ok only)
  bool limit_added = false;
  bool limit_capped = false;

  // "position 3: ...; position 9: ..."
  std::string error_text() const;
  // {"ok", "errors": ["position ..."], "notes": [...], "limit_added", "limit_capped"}
  nlohmann::json to_json() const;
};

ValidatedQuery validate_power_query(std::string_view text, const HuntPolicy& policy, const FieldCatalogue& catalogue);

}  // namespace triagent::hunt
