#pragma once
// Deterministic reading of a hunt's results: a short interpretation (row count, matching events,
// the most frequent values of the first text columns, incompleteness) and up to three follow-up
// queries built from the template library with values seen in the results (the busiest host, a
// process, a destination IP), each validated before it is offered.
//
//   std::string text = interpret_results(table);
//   // "12 rows (40 matching events). Most frequent endpoint.name: WS-FIN-023 (9 rows)..."
//   std::vector<FollowUp> next = follow_ups(table, templates, policy, catalogue, "process_by_name");

#include <string>
#include <vector>

#include "triagent/connectors/dataset_query_types.hpp"
#include "triagent/hunt/field_catalogue.hpp"
#include "triagent/hunt/hunt_policy.hpp"
#include "triagent/hunt/hunt_templates.hpp"

namespace triagent::hunt {

struct FollowUp {
  std::string title;
  std::string query;  // validated canonical text
};

std::string interpret_results(const DataSetTable& table);

// At most three; `exclude_template` is the template that produced the hunt itself (empty: none).
std::vector<FollowUp> follow_ups(const DataSetTable& table, const HuntTemplates& templates, const HuntPolicy& policy,
                                 const FieldCatalogue& catalogue, const std::string& exclude_template);

}  // namespace triagent::hunt
