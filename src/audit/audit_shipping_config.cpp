#include "triagent/audit/audit_shipping_config.hpp"

namespace triagent::audit {

namespace {

Error bad(const std::string& key, const std::string& why) {
  return make_error(ErrorCode::invalid_argument, "audit.ship." + key + ": " + why);
}

Result<void> check_range(const std::string& key, std::int64_t value, std::int64_t lo, std::int64_t hi) {
  if (value < lo || value > hi) {
    return bad(key, "must be within [" + std::to_string(lo) + ", " + std::to_string(hi) + "], not " + std::to_string(value));
  }
  return {};
}

// DataSet shows these in every query's session columns: printable ASCII keeps them typeable.
Result<void> check_name(const std::string& key, const std::string& value) {
  if (value.empty() || value.size() > 200) return bad(key, "must be 1 to 200 characters");
  for (char c : value) {
    if (c < 0x21 || c > 0x7e) return bad(key, "must be printable ASCII without spaces");
  }
  return {};
}

}  // namespace

Result<void> validate(const AuditShippingConfig& config) {
  if (auto r = check_name("parser", config.parser); !r) return r;
  if (auto r = check_name("logfile", config.logfile); !r) return r;
  if (auto r = check_range("batch_size", config.batch_size, 1, 10'000); !r) return r;
  if (auto r = check_range("interval_ms", config.interval_ms, 100, 3'600'000); !r) return r;
  return check_range("max_batch_bytes", config.max_batch_bytes, 65'536, kMaxShipBatchBytes);
}

}  // namespace triagent::audit
