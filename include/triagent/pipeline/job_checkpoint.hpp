#pragma once
// JobCheckpoint: everything the Deliver stage and the job's final result need once an enrichment
// job has been analysed, governed and rendered, so that a job that comes round again (a transient
// delivery failure, a crash during delivery, an admin replay of a dead job) delivers the same note
// without calling the LLM, asking for approvals or re-reading the context again.
//
//   JobCheckpoint cp;
//   cp.job_id = "job-42"; cp.payload_sha256 = sha256_hex(job.payload);
//   cp.note_text = *note_text; cp.tags = render_tags(output); cp.note_threat_id = threat_id;
//   cp.result = result_without_delivery;
//   std::string body = encode_checkpoint_body(cp);             // what the store keeps
//   Result<JobCheckpoint> back = decode_checkpoint_body(body);  // job_id etc. come from the row
//   DeliveryPlan plan = delivery_plan_of(*back, trace, incident);
//
// The body is JSON with a version; a body this code cannot read is an error, never a guess.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"
#include "triagent/pipeline/delivery_runner.hpp"

namespace triagent {

struct JobCheckpoint {
  // Kept in the store's columns, not in the body.
  std::string job_id;          // the ledger key and note marker, "job-42"
  std::string payload_sha256;  // of the queued payload: a checkpoint is only ever reused for it
  std::int64_t created_at_ms = 0;

  // What delivery needs (DeliveryPlan without the per-attempt trace).
  std::string note_text;
  std::vector<std::string> tags;
  std::vector<DataSetEvent> events;
  std::string note_threat_id;
  std::string alert_note_alert_id;
  std::string tags_threat_id;
  bool send_events = false;

  // The job's result JSON without "delivery", which each attempt adds from its own report.
  nlohmann::json result = nlohmann::json::object();

  // Whether there is anything to deliver (shadow mode: no).
  bool delivers() const {
    return !note_threat_id.empty() || !alert_note_alert_id.empty() || !tags_threat_id.empty() || send_events;
  }
};

// The body JSON (version 1); invalid UTF-8 in any string is replaced, as in the job's result.
std::string encode_checkpoint_body(const JobCheckpoint& checkpoint);
// invalid_argument when the text is not a version-1 body.
Result<JobCheckpoint> decode_checkpoint_body(std::string_view body);

DeliveryPlan delivery_plan_of(const JobCheckpoint& checkpoint, std::optional<TraceContext> trace, Incident incident);

}  // namespace triagent
