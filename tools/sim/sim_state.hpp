#pragma once
// SimState: everything clients change while the simulator runs (notes, verdicts, statuses, agent
// network state, endpoint tags, stored addEvents, running DV and LRQ queries, request counters,
// LLM prompts and modes), plus the change logs the /_sim/ control routes show. One mutex guards
// it; the router holds it while a route runs, so routes read and write fields directly, and the
// router bumps `version` after any route that may have changed something.
//
//   std::lock_guard lock(state.mu);
//   state.threat(t.id).incident_status = "in_progress";
//   state.statuses.push_back({{"target", "threat"}, {"id", t.id}, {"incidentStatus", "in_progress"}});

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario.hpp"

namespace triagent::sim {

struct ThreatNote {
  std::string id, threat_id, text, creator, creator_id;
  std::int64_t created_ns = 0;
};

struct ThreatLive {
  std::string analyst_verdict, incident_status, external_ticket_id;
  std::int64_t updated_ns = 0;
};

struct AgentLive {
  std::string network_status;
  nlohmann::json tags = nlohmann::json::array();
};

struct AlertNote {
  std::string id, alert_id, text;
  std::int64_t created_ns = 0;
};

struct AlertLive {
  std::string status, analyst_verdict;
  std::int64_t updated_ns = 0;
};

struct DvQuery {
  std::string id;
  std::vector<std::size_t> matches;  // indexes into the scenario's dv_events
  int status_polls = 0;
  bool cancelled = false;
};

struct LrqQuery {
  std::string id, forward_tag;
  int steps_completed = 0;
  nlohmann::json data;             // the finished result
  nlohmann::json resolved_range;   // {start, end}
};

struct AddEventsSession {
  nlohmann::json session_info;
  std::optional<std::int64_t> last_ts;
  std::vector<nlohmann::json> events;
  std::size_t requests = 0;
  std::size_t bytes = 0;
};

struct LlmModeSetting {
  std::string mode;                  // valid, invalid_json, schema_violation, injected, refusal
  std::optional<std::int64_t> remaining;  // for the next N calls only
};

struct SimState {
  std::mutex mu;

  std::map<std::string, ThreatLive> threats;   // by threat id
  std::map<std::string, AgentLive> agents;     // by agent id
  std::map<std::string, AlertLive> alerts;     // by UAM alert id
  std::vector<ThreatNote> threat_notes;
  std::vector<AlertNote> alert_notes;
  std::map<std::string, DvQuery> dv_queries;
  std::map<std::string, LrqQuery> lrq_queries;
  std::map<std::string, AddEventsSession> sessions;
  // addEvents events, queryable like scenario logs. A deque keeps the index's pointers valid; the
  // index (by timestamp, arrival order among equals) keeps a query's cost independent of how much
  // was ingested before it.
  std::deque<nlohmann::json> ingested_records;
  std::multimap<std::int64_t, const nlohmann::json*> ingested_by_time;
  void add_ingested(nlohmann::json record);

  // Change logs for /_sim/...
  std::vector<nlohmann::json> tag_log, verdict_log, status_log, action_log;

  std::map<std::string, std::uint64_t> request_counts;  // "METHOD /route/pattern"
  std::uint64_t total_requests = 0;

  std::map<std::string, LlmModeSetting> llm_modes;  // "openai", "azure", "anthropic" or "*"
  std::deque<nlohmann::json> llm_prompts;           // newest last, at most kMaxPrompts
  static constexpr std::size_t kMaxPrompts = 200;

  std::uint64_t next_id = 1;  // for notes, queries, tags
  // Bumped by every route that may change state; cached read answers are valid for one version.
  std::uint64_t version = 1;

  // Back to the scenario's initial state (keeps nothing clients did).
  void reset(const Scenario& scenario);
  std::string new_id(const std::string& prefix);
  // An int64-looking id, as S1 REST objects have ("2100000000000000007").
  std::string numeric_id();
  // The mode for the next call to `provider`; consumes one use of a counted setting.
  std::string take_llm_mode(const std::string& provider);
};

}  // namespace triagent::sim
