#pragma once
// Reading DataSet answers without trusting their types, and turning them into the shared result
// structs: a missing member, a null or a wrongly typed field reads as "absent", never as an exception.
//
//   DataSetTable t = dataset::read_table(answer, max_rows);              // v1 powerQuery or LRQ PQ data
//   std::int64_t n = dataset::integer(dataset::member(answer, "matchingEvents")).value_or(0);

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "triagent/connectors/dataset_query_types.hpp"

namespace triagent::dataset {

// The member `key` of an object; nullptr when `j` is null, not an object, or has no such key.
const nlohmann::json* member(const nlohmann::json* j, std::string_view key);
inline const nlohmann::json* member(const nlohmann::json& j, std::string_view key) { return member(&j, key); }

// A string as it is; "" for anything else.
std::string text(const nlohmann::json* v);

// An integer; a finite float rounded (DataSet sends counts as 8123.0); a string holding only a
// decimal integer. nullopt for anything else.
std::optional<std::int64_t> integer(const nlohmann::json* v);

// A table from v1 powerQuery (`columns`, `values`, `matchingEvents`, `omittedEvents`, `warnings`) or
// LRQ PQ data (`matchCount`, `columns` with cellType, `values`, `omittedEvents`,
// `partialResultsDueToTimeLimit`, `warnings`). Rows past `max_rows` are dropped (truncated = true);
// a row that is not an array is dropped with a warning.
DataSetTable read_table(const nlohmann::json& answer, int max_rows);

// A v1 /api/query answer: `matches` joined with `sessions` on the session id, `continuationToken`.
// Takes the answer: each match's attributes are moved out of it rather than copied (a page holds
// hundreds of events, and copying their DOMs showed in pipeline_bench).
DataSetLogResult read_log_result(nlohmann::json&& answer, int max_rows);

}  // namespace triagent::dataset
