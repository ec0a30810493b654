#pragma once
// The request bodies of /api/addEvents (A.9), built so that each stays under the byte cap:
//   {"session":"<id>","sessionInfo":{...},"threads":[{"id":"T1","name":"T1"}],"events":[{...,"ts":"<ns>"}]}
// Events are encoded before the writer's turn (so oversize ones are refused without waiting) and
// get their `ts` at send time, when the session's order is known.
//
//   AddEventsBodies bodies(session_id, session_info_json, cfg.add_events.max_batch_bytes);
//   Result<PendingEvent> p = encode_event(event);                  // attrs must be an object
//   if (bodies.alone_bytes(*p) > bodies.max_bytes()) reject();
//   for (const AddEventsBody& b : bodies.split({{with_ts(*p, ts), p->thread}})) send(b.body);

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/dataset_event_writer.hpp"
#include "triagent/core/result.hpp"

namespace triagent::dataset {

// Longest decimal `ts` (nanoseconds as a non-negative int64).
inline constexpr std::size_t kMaxTsDigits = 19;

struct PendingEvent {
  std::string head;  // the event's JSON without ts and without the closing brace
  std::string thread;
  std::optional<std::int64_t> ts_ns;
};

struct StampedEvent {
  std::string text;  // the event's final JSON
  std::string thread;
};

struct AddEventsBody {
  std::string body;
  std::size_t events = 0;
};

// invalid_argument when attrs is neither an object nor null, or sev is outside 0..6.
Result<PendingEvent> encode_event(const DataSetEvent& event);

// The event's final JSON with `"ts":"<ts_ns>"` as its last member.
std::string with_ts(const PendingEvent& event, std::int64_t ts_ns);

class AddEventsBodies {
 public:
  AddEventsBodies(const std::string& session, const nlohmann::json& session_info, std::size_t max_bytes);

  std::size_t max_bytes() const { return max_bytes_; }
  // The size of a request holding only this event, with the longest possible ts.
  std::size_t alone_bytes(const PendingEvent& event) const;
  // Consecutive runs of `events` as bodies of at most max_bytes each (one event per body at least).
  std::vector<AddEventsBody> split(const std::vector<StampedEvent>& events) const;

 private:
  std::string prefix_;  // {"session":..,"sessionInfo":..,"threads":[
  std::size_t max_bytes_;
};

}  // namespace triagent::dataset
