#pragma once
// AuditSink: where the AuditShipper sends audit records (DataSet addEvents in production:
// connectors/dataset_audit_sink.hpp; a vector in tests). The shipper owns the order and the cursor;
// a sink only has to send what it is given, all or nothing.
//
//   class MemorySink final : public audit::AuditSink {
//     boost::asio::awaitable<Result<std::size_t>> send(const std::vector<AuditRecord>& batch) override {
//       records.insert(records.end(), batch.begin(), batch.end());
//       co_return batch.size();
//     }
//   };

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <vector>

#include "triagent/audit/audit_record.hpp"
#include "triagent/core/result.hpp"

namespace triagent::audit {

class AuditSink {
 public:
  virtual ~AuditSink() = default;

  // Delivers a leading part of `batch` (never empty, seq consecutive) in one all-or-nothing step
  // and returns how many records it took (1..batch.size(); fewer when the rest did not fit one
  // request: the shipper offers them again next). An error means none of them were taken; its
  // retry_after_ms, when set, is the least wait before the next try.
  virtual boost::asio::awaitable<Result<std::size_t>> send(const std::vector<AuditRecord>& batch) = 0;
};

}  // namespace triagent::audit
