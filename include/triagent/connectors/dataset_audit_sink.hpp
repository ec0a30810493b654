#pragma once
// DataSetAuditSink: the AuditShipper's sink for DataSet (addEvents, A.9), so the audit chain is
// searchable there like any other source: parser='triagentAudit' trace_id='<id>'.
//
//   DataSetAuditSink sink(dataset_cfg, Upstream{http, &ingest_policy, dataset_cfg.base_url}, cfg.audit.ship);
//   audit::AuditShipper shipper(options, sink);
//
// One send() is one addEvents request, so it is all or nothing: it takes the leading records that
// fit under min(audit.ship.max_batch_bytes, connectors.dataset.add_events.max_batch_bytes).
// sessionInfo: serverHost = add_events.server_host, logfile and parser from audit.ship.
// Each record is one event (sev 3): attrs seq, time, kind, job_id, trace_id, hash, prev, a short
// `message`, and the record's data as `data.<key>` (nested objects as `data.<a>.<b>`, arrays and
// anything deeper as JSON text). A record too large for a request alone is sent without its data
// (data_omitted=true, data_bytes=N): the chain stays gap-free in DataSet and whole on disk.
//
// Re-sends are recognisable: the session id is derived from the batch's first record (its hash)
// and the session attributes, and each event's ts from the record's time (ms, raised by 1 ns
// where needed to stay strictly increasing within the request), so a batch offered again after a
// failure or a restart is the same request. If DataSet refuses it as a client error (it may have
// kept the first copy and reject the repeated ts), the next try of that batch uses a fresh
// derived session; the seq and hash attributes still identify a duplicate in queries.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "triagent/audit/audit_shipping_config.hpp"
#include "triagent/audit/audit_sink.hpp"
#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/upstream.hpp"

namespace triagent {

class DataSetAuditSink final : public audit::AuditSink {
 public:
  DataSetAuditSink(DataSetConfig config, Upstream upstream, const audit::AuditShippingConfig& ship);

  // Errors as DataSetEventWriter::add: unauthenticated without a write key or on 401,
  // invalid_argument for "error/client..." answers, unavailable (with retry_after_ms for
  // "error/server...") and the transport errors of call_upstream.
  boost::asio::awaitable<Result<std::size_t>> send(const std::vector<audit::AuditRecord>& batch) override;

  // The session id of a batch starting with `first`; `attempt` > 0 after client errors.
  std::string session_for(const audit::AuditRecord& first, int attempt) const;
  std::int64_t max_request_bytes() const { return max_bytes_; }

 private:
  DataSetConfig config_;
  Upstream upstream_;
  std::string server_host_;
  std::string logfile_;
  std::string parser_;
  std::int64_t max_bytes_;
  // The batch whose last try was refused as a client error, and how many times in a row.
  std::int64_t refused_first_seq_ = 0;
  int refused_attempts_ = 0;
};

// The addEvents attrs of one audit record (exposed for tests and the docs' field list).
nlohmann::json audit_event_attrs(const audit::AuditRecord& record, bool with_data = true);

}  // namespace triagent
