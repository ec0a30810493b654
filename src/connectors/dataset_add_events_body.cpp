#include "connectors/dataset_add_events_body.hpp"

#include <set>

namespace triagent::dataset {

namespace {

using nlohmann::json;

constexpr std::string_view kEventsOpen = "],\"events\":[";
constexpr std::string_view kClose = "]}";
constexpr std::size_t kTsOverhead = 9;  // ,"ts":"  and  "}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string thread_entry(const std::string& thread) {
  std::string id = dump(json(thread));
  return "{\"id\":" + id + ",\"name\":" + id + "}";
}

// Builds one body incrementally, knowing its exact size at every step.
class BodyBuilder {
 public:
  explicit BodyBuilder(const std::string& prefix) : prefix_size_(prefix.size()) {}

  std::size_t size_with(const StampedEvent& e) const {
    std::size_t bytes = size() + e.text.size() + (events_.empty() ? 0 : 1);
    if (!e.thread.empty() && !threads_seen_.contains(e.thread)) {
      bytes += thread_entry(e.thread).size() + (threads_.empty() ? 0 : 1);
    }
    return bytes;
  }

  void add(const StampedEvent& e) {
    if (!events_.empty()) events_ += ',';
    events_ += e.text;
    ++count_;
    if (!e.thread.empty() && threads_seen_.insert(e.thread).second) {
      if (!threads_.empty()) threads_ += ',';
      threads_ += thread_entry(e.thread);
    }
  }

  std::size_t count() const { return count_; }
  std::size_t size() const { return prefix_size_ + threads_.size() + kEventsOpen.size() + events_.size() + kClose.size(); }

  AddEventsBody finish(const std::string& prefix) const {
    AddEventsBody b;
    b.body.reserve(size());
    b.body.append(prefix).append(threads_).append(kEventsOpen).append(events_).append(kClose);
    b.events = count_;
    return b;
  }

 private:
  std::size_t prefix_size_;
  std::string threads_;
  std::string events_;
  std::set<std::string> threads_seen_;
  std::size_t count_ = 0;
};

}  // namespace

Result<PendingEvent> encode_event(const DataSetEvent& event) {
  if (!event.attrs.is_object() && !event.attrs.is_null()) {
    return Error{ErrorCode::invalid_argument, "attrs must be a JSON object"};
  }
  if (event.sev < 0 || event.sev > 6) return Error{ErrorCode::invalid_argument, "sev must be within 0..6"};
  json j = {{"attrs", event.attrs.is_null() ? json::object() : event.attrs}, {"sev", event.sev}};
  if (!event.thread.empty()) j["thread"] = event.thread;
  PendingEvent p;
  p.head = dump(j);
  p.head.pop_back();  // the closing brace: ts is appended at send time
  p.thread = event.thread;
  p.ts_ns = event.ts_ns;
  return p;
}

std::string with_ts(const PendingEvent& event, std::int64_t ts_ns) {
  return event.head + ",\"ts\":\"" + std::to_string(ts_ns) + "\"}";
}

AddEventsBodies::AddEventsBodies(const std::string& session, const json& session_info, std::size_t max_bytes)
    : prefix_("{\"session\":" + dump(json(session)) + ",\"sessionInfo\":" + dump(session_info) + ",\"threads\":["),
      max_bytes_(max_bytes) {}

std::size_t AddEventsBodies::alone_bytes(const PendingEvent& event) const {
  std::size_t size = prefix_.size() + kEventsOpen.size() + kClose.size() + event.head.size() + kTsOverhead + kMaxTsDigits;
  if (!event.thread.empty()) size += thread_entry(event.thread).size();
  return size;
}

std::vector<AddEventsBody> AddEventsBodies::split(const std::vector<StampedEvent>& events) const {
  std::vector<AddEventsBody> bodies;
  BodyBuilder current(prefix_);
  for (const StampedEvent& e : events) {
    if (current.count() > 0 && current.size_with(e) > max_bytes_) {
      bodies.push_back(current.finish(prefix_));
      current = BodyBuilder(prefix_);
    }
    current.add(e);
  }
  if (current.count() > 0) bodies.push_back(current.finish(prefix_));
  return bodies;
}

}  // namespace triagent::dataset
