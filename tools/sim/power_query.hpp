#pragma once
// A small PowerQuery evaluator over flat records, enough for connector and daemon tests:
//   <filter> | filter <expr> | columns a, b, alias = field | let x = field
//            | group n = count(), d = estimate_distinct(f), min(f), max(f), sum(f), avg(f) by k1, k2
//            | sort -field, field | limit N | nolimit
// The filter language is RecordFilter's. Other commands (parse, lookup, join, union, top, ...) are
// skipped with a warning in the answer. As on the real engine, output without `limit` or `group`
// stops at 1000 rows.
//
//   auto table = run_power_query("serverHost = 'WS-FIN-023' | group n = count() by EventID", records);
//   table->columns == {"EventID", "n"}

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "triagent/core/result.hpp"

namespace triagent::sim {

struct TableResult {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
  std::size_t matching_events = 0;  // records that passed the initial filter
  std::vector<std::string> warnings;
};

Result<TableResult> run_power_query(std::string_view query, const std::vector<const nlohmann::json*>& records);

// Splits on '|' outside quoted strings.
std::vector<std::string> split_pipeline(std::string_view query);

}  // namespace triagent::sim
