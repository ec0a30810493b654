#include "triagent/pipeline/job_checkpoint.hpp"

namespace triagent {

using nlohmann::json;

namespace {

constexpr int kBodyVersion = 1;

json event_json(const DataSetEvent& e) {
  json out = {{"thread", e.thread}, {"sev", e.sev}, {"attrs", e.attrs}};
  if (e.ts_ns) out["ts_ns"] = *e.ts_ns;
  return out;
}

DataSetEvent event_of(const json& j) {
  DataSetEvent e;
  e.thread = j.at("thread").get<std::string>();
  e.sev = j.at("sev").get<int>();
  e.attrs = j.at("attrs");
  if (auto it = j.find("ts_ns"); it != j.end() && !it->is_null()) e.ts_ns = it->get<std::int64_t>();
  return e;
}

}  // namespace

std::string encode_checkpoint_body(const JobCheckpoint& c) {
  json events = json::array();
  for (const auto& e : c.events) events.push_back(event_json(e));
  json body = {{"version", kBodyVersion},
               {"note_text", c.note_text},
               {"tags", c.tags},
               {"events", std::move(events)},
               {"note_threat_id", c.note_threat_id},
               {"alert_note_alert_id", c.alert_note_alert_id},
               {"tags_threat_id", c.tags_threat_id},
               {"send_events", c.send_events},
               {"result", c.result}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<JobCheckpoint> decode_checkpoint_body(std::string_view text) {
  // Our own write, so no depth guard: the value was a json in memory before it was this text.
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error{ErrorCode::invalid_argument, "job checkpoint: the body is not a JSON object"};
  }
  if (body.value("version", 0) != kBodyVersion) {
    return Error{ErrorCode::invalid_argument,
                 "job checkpoint: body version " + body.value("version", json(nullptr)).dump() + " is not " +
                     std::to_string(kBodyVersion)};
  }
  try {
    JobCheckpoint c;
    c.note_text = body.at("note_text").get<std::string>();
    c.tags = body.at("tags").get<std::vector<std::string>>();
    for (const auto& e : body.at("events")) c.events.push_back(event_of(e));
    c.note_threat_id = body.at("note_threat_id").get<std::string>();
    c.alert_note_alert_id = body.at("alert_note_alert_id").get<std::string>();
    c.tags_threat_id = body.at("tags_threat_id").get<std::string>();
    c.send_events = body.at("send_events").get<bool>();
    c.result = std::move(body.at("result"));
    if (!c.result.is_object()) throw std::invalid_argument("result is not an object");
    return c;
  } catch (const std::exception& e) {
    return Error{ErrorCode::invalid_argument, std::string("job checkpoint: ") + e.what()};
  }
}

DeliveryPlan delivery_plan_of(const JobCheckpoint& c, std::optional<TraceContext> trace, Incident incident) {
  DeliveryPlan plan;
  plan.job_id = c.job_id;
  plan.trace = std::move(trace);
  plan.incident = std::move(incident);
  plan.note_text = c.note_text;
  plan.tags = c.tags;
  plan.events = c.events;
  plan.note_threat_id = c.note_threat_id;
  plan.alert_note_alert_id = c.alert_note_alert_id;
  plan.tags_threat_id = c.tags_threat_id;
  plan.send_events = c.send_events;
  return plan;
}

}  // namespace triagent
