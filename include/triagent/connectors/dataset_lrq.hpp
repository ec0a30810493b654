#pragma once
// DataSetLrq: PowerQuery through the Long Running Query API (A.8), the replacement for the v1
// /api/powerQuery that carries a 2027 sunset notice. One call launches the query, polls it with the
// forward tag every lrq.poll_interval_ms (an Asio timer of the calling coroutine's executor; no
// thread sleeps) for at most lrq.max_polls polls, and always deletes it afterwards, on failures and
// timeouts too (best effort: a query nobody polls expires by itself after ~30 s).
//
//   Upstream console{http, &lrq_policy, lrq_base_url(cfg)};      // console host on S1 tenants
//   DataSetLrq lrq(cfg, console);
//   Result<DataSetTable> t = co_await lrq.power_query({.query = "event.type = 'Login' | limit 50",
//                                                      .range = {"2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z"}});
//
// Calls (paths under lrq.base_path, default /sdl/v2/api/queries; Bearer lrq.token or read_key, S1-Scope):
//   POST   <base>                       {queryType:"PQ", startTime, endTime, queryPriority, pq:{query, resultType:"TABLE"},
//                                        [tenant | accountIds]}   -> QueryResult + X-Dataset-Query-Forward-Tag
//   GET    <base>/<id>?lastStepSeen=<n> (X-Dataset-Query-Forward-Tag)   until stepsCompleted >= stepsTotal
//   DELETE <base>/<id>                  (X-Dataset-Query-Forward-Tag)
// Errors as DataSetClient; a QueryResult carrying `error` is invalid_argument; polls exhausted is timeout.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>

#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/dataset_query_types.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

struct DataSetLrqStats {
  std::int64_t launched = 0;
  std::int64_t polls = 0;
  std::int64_t completed = 0;
  std::int64_t failed = 0;          // launched, then errored, timed out or was cancelled
  std::int64_t delete_failures = 0; // the best-effort DELETE did not get a 2xx
};

class DataSetLrq {
 public:
  // `upstream.base_url` is lrq_base_url(config): the S1 console host, or the DataSet host.
  DataSetLrq(DataSetConfig config, Upstream upstream);

  boost::asio::awaitable<Result<DataSetTable>> power_query(DataSetPowerQuery query);

  DataSetLrqStats stats() const;

 private:
  DataSetConfig config_;
  Upstream upstream_;
  struct Counters;
  std::shared_ptr<Counters> counters_;
};

}  // namespace triagent
