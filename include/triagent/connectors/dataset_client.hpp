#pragma once
// DataSetClient: read-only DataSet queries over the v1 API (A.4 /api/query, A.5 /api/powerQuery),
// authenticated with `Authorization: Bearer <read_key>` (+ `S1-Scope` when configured).
// Every call goes through call_upstream (rate limit, retries, breaker). v1 query methods carry a
// sunset notice (2027-02-15); DataSetLrq answers the same questions through the LRQ API.
//
//   DataSetClient dataset(cfg, Upstream{http, &policy, cfg.base_url});
//   Result<DataSetTable> t = co_await dataset.power_query({.query = "serverHost = 'web-1' | limit 20",
//                                                            .range = {"24h", ""}});
//   if (!t && t.error().retry_after_ms) requeue(*t.error().retry_after_ms);
//
// Errors: a 200 whose status starts with "error/client" is invalid_argument (never retried);
// "error/server" is unavailable with retry_after_ms set; a non-2xx answer maps its HTTP status
// (401 unauthenticated, 403 forbidden, 404 not_found, 400 invalid_argument, else unavailable) with
// upstream_status set. No message ever contains a key.

#include <boost/asio/awaitable.hpp>

#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/dataset_query_types.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

class DataSetClient {
 public:
  DataSetClient(DataSetConfig config, Upstream upstream);

  // POST /api/powerQuery {query, startTime, endTime, priority[, tenant | accountIds]}.
  boost::asio::awaitable<Result<DataSetTable>> power_query(DataSetPowerQuery query);

  // POST /api/query {queryType:"log", filter, startTime, endTime, maxCount, pageMode:"tail", priority,
  // [continuationToken], [tenant | accountIds]}.
  boost::asio::awaitable<Result<DataSetLogResult>> query(DataSetLogQuery query);

 private:
  DataSetConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
