#pragma once
// AuditShippingConfig: the typed settings of `audit.ship.*`, shipping the audit chain to DataSet
// (addEvents) as the product's own log. The config module fills it from YAML; validate() names the
// offending key.
//
//   AuditShippingConfig ship;            // defaults: off, parser triagentAudit, 500 records / 5 s
//   ship.enabled = true;
//   if (auto ok = validate(ship); !ok) fail(ok.error().message);   // "audit.ship.batch_size: ..."

#include <cstdint>
#include <string>

#include "triagent/core/result.hpp"

namespace triagent::audit {

// DataSet rejects addEvents requests above 6 MB; apis.md says stay at or under 5 MiB.
inline constexpr std::int64_t kMaxShipBatchBytes = 5 * 1024 * 1024;

struct AuditShippingConfig {
  bool enabled = false;
  // Session attributes of every request: the DataSet parser and logfile that select the audit log
  // in queries (`parser='triagentAudit'`). serverHost is connectors.dataset.add_events.server_host.
  std::string parser = "triagentAudit";
  std::string logfile = "triagent/audit";
  std::int64_t batch_size = 500;             // records per addEvents request at most
  std::int64_t interval_ms = 5'000;          // poll period when caught up; also the backoff base
  std::int64_t max_batch_bytes = 4'000'000;  // request body cap (also capped by the connector's)
};

// enabled needs nothing else here; the DataSet write key is checked where the sink is built.
// Ranges: batch_size 1..10000, interval_ms 100..3600000, max_batch_bytes 65536..5 MiB, parser and
// logfile 1..200 printable ASCII characters.
Result<void> validate(const AuditShippingConfig& config);

}  // namespace triagent::audit
