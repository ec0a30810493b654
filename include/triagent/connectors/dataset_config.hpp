#pragma once
// DataSetConfig: the typed settings of the DataSet / Singularity Data Lake connector (queries,
// Long Running Queries and addEvents ingestion). The config module fills it from YAML
// (`connectors.dataset.*`, same key names as the fields); validate() names the offending key.
//
//   DataSetConfig cfg;
//   cfg.base_url = "https://xdr.us1.sentinelone.net";
//   cfg.read_key = Secret(env("DATASET_READ_KEY"));
//   cfg.lrq.base_url = "https://usea1-purple.sentinelone.net";   // S1 tenants: LRQ is on the console
//   if (auto ok = validate(cfg); !ok) fail(ok.error().message);
//
// Reference: shared/reference/apis.md Part A (A.2 keys, A.5 powerQuery, A.8 LRQ, A.9 addEvents).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "triagent/core/secret.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// The docs' per-request limit for addEvents (A.9: "reject above 6 MB").
inline constexpr std::int64_t kDataSetAddEventsHardMaxBytes = 6'000'000;

struct DataSetAddEventsConfig {
  // Largest request body sent (uncompressed). apis.md D.9: stay at or under 5 MiB.
  std::int64_t max_batch_bytes = 5'000'000;
  // Session attributes (sessionInfo) of a writer unless it is given its own; the same for every
  // request of a session, as DataSet requires.
  std::string server_host = "triagent";
  std::string logfile = "triagent";
  std::string parser = "triagent";
  std::int64_t request_timeout_ms = 60'000;  // one addEvents request, retries included
};

// Long Running Query API (A.8): launch, poll with the forward tag, delete.
struct DataSetLrqConfig {
  // S1 tenants serve LRQ on the management console host, not on the SDL host; empty: base_url.
  std::string base_url;
  // "/sdl/v2/api/queries" on an S1 console; "/v2/api/queries" on a plain DataSet host.
  std::string base_path = "/sdl/v2/api/queries";
  // Bearer token for LRQ; on S1 consoles the same JWT as the management API token. Empty: read_key.
  Secret token;
  // Queries expire ~30 s after the last poll, so the interval must stay well under that.
  std::int64_t poll_interval_ms = 1'000;
  int max_polls = 60;  // then the query is given up (and deleted)
};

struct DataSetConfig {
  std::string base_url;  // SDL / DataSet host, e.g. https://xdr.us1.sentinelone.net (no trailing '/')
  Secret read_key;       // "Log Read Access": query, powerQuery, LRQ
  Secret write_key;      // "Log Write Access": addEvents
  // Sent as the S1-Scope header on queries when set: "<accountId>" or "<accountId>:<siteId>".
  std::string scope;
  // Multi-account selector in query bodies (A.2): accountIds when set, else "tenant": <tenant> when
  // set, else neither (plain DataSet).
  std::optional<bool> tenant;
  std::vector<std::string> account_ids;
  std::string priority = "low";           // low | high ("low" gets the larger CPU budget, A.11)
  std::int64_t query_timeout_ms = 30'000; // one query call (v1) or one LRQ step, retries included
  int max_rows = 1'000;                   // /api/query maxCount cap; table rows kept (1..5000)
  // How long the job waits after a 200 with "error/server..." before trying again.
  std::int64_t server_error_retry_ms = 30'000;
  DataSetAddEventsConfig add_events;
  DataSetLrqConfig lrq;
};

// Checks presence, formats and ranges; the message names the key, e.g.
// "connectors.dataset.add_events.max_batch_bytes: must be within [1024, 6000000]". Never prints a key.
Result<void> validate(const DataSetConfig& config);

// The host LRQ calls go to: lrq.base_url, or base_url when that is empty.
std::string lrq_base_url(const DataSetConfig& config);

}  // namespace triagent
