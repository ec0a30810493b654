#pragma once
// The questions asked of DataSet and the answers it gives, shared by DataSetClient (v1 /api/query,
// /api/powerQuery) and DataSetLrq (Long Running Queries), so callers do not care which ran.
//
//   DataSetPowerQuery q{.query = "serverHost = * | group ct = count() by serverHost", .range = {"24h", ""}};
//   Result<DataSetTable> t = co_await client.power_query(q);
//   for (const auto& row : t->rows) use(row.at(0));          // cells are JSON values
//   if (t->omitted_events > 0) narrow_the_time_range();       // PowerQuery has no paging (A.5)

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace triagent {

// Start and end as DataSet reads them: relative ("24h"), RFC 3339, or epoch seconds/ms/ns.
// An empty end means "now". Use absolute times when paging (relative times drift).
struct DataSetTimeRange {
  std::string start = "1h";
  std::string end;
};

struct DataSetPowerQuery {
  std::string query;  // PowerQuery text, at most 10'000 characters (A.5)
  DataSetTimeRange range;
};

struct DataSetLogQuery {
  std::string filter;            // DataSet filter expression; empty matches everything
  DataSetTimeRange range;
  int max_count = 0;             // 0: the configured max_rows; never above it
  std::string continuation_token;  // from the previous page's result
};

struct DataSetColumn {
  std::string name;
  std::string cell_type;   // LRQ only: NUMBER | PERCENTAGE | STRING | TIMESTAMP; empty from v1
  int decimal_places = -1; // LRQ only; -1 when not given
};

struct DataSetTable {
  std::vector<DataSetColumn> columns;
  // One JSON value per cell: null, bool, number or string; non-finite numbers stay as DataSet
  // sends them, {"special": "+infinity" | "-infinity" | "NaN"}.
  std::vector<std::vector<nlohmann::json>> rows;
  std::int64_t matching_events = 0;  // v1 matchingEvents, LRQ matchCount
  std::int64_t omitted_events = 0;   // > 0: the result is incomplete; slice the time range
  std::vector<std::string> warnings;
  bool truncated = false;            // rows beyond max_rows were dropped here
  bool partial = false;              // LRQ partialResultsDueToTimeLimit
};

struct DataSetLogEvent {
  std::int64_t timestamp_ns = 0;  // nanoseconds since the epoch; 0 when absent or unreadable
  std::string message;
  int severity = 3;               // 0..6 = finest, finer, fine, info, warning, error, fatal
  std::string thread;
  std::string session;
  nlohmann::json attributes = nlohmann::json::object();          // the event's own fields
  nlohmann::json session_attributes = nlohmann::json::object();  // serverHost, logfile, ... of its session
};

struct DataSetLogResult {
  std::vector<DataSetLogEvent> events;
  std::string continuation_token;  // empty: no further page
};

}  // namespace triagent
