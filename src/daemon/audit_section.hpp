#pragma once
// The `audit:` section of the config (kept as text by the config module, whose schema sits below
// the audit module):
//
//   audit:
//     ship:                       # the audit chain to DataSet addEvents (docs/operations.md)
//       enabled: true
//       parser: triagentAudit
//       logfile: triagent/audit
//       batch_size: 500
//       interval_ms: 5000
//       max_batch_bytes: 4000000
//
//   auto ship = audit_shipping_config_of(cfg);   // defaults (off) when the section is absent

#include "triagent/audit/audit_shipping_config.hpp"
#include "triagent/config/config.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// Errors name the file, the section's line and the key: "triagent.yaml:230: audit.ship.batch_size: ...".
Result<audit::AuditShippingConfig> audit_shipping_config_of(const Config& cfg);

}  // namespace triagent
