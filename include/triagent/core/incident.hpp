#pragma once
// Incident: what every webhook source is normalized into, and what the pipeline works on.
// The dedupe key is source + external id: a repeated webhook for the same object is one incident.
//
//   Incident inc;
//   inc.source = "singularity"; inc.external_id = "1234567890"; inc.kind = "threat";
//   nlohmann::json j = inc;                 // stored as the job payload
//   Incident back = j.get<Incident>();

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/severity.hpp"

namespace triagent {

// The things an incident is about. Each list is de-duplicated and keeps first-seen order.
struct Entities {
  std::vector<std::string> hosts;       // endpoint / computer names
  std::vector<std::string> agent_ids;   // SentinelOne agent ids or uuids
  std::vector<std::string> users;
  std::vector<std::string> ips;
  std::vector<std::string> hashes;      // md5 / sha1 / sha256, lower case
  std::vector<std::string> processes;   // process names or command lines
  std::vector<std::string> files;       // file paths
  std::vector<std::string> domains;
  std::vector<std::string> threat_ids;  // SentinelOne threat ids
  std::vector<std::string> alert_ids;   // cloud-detection or unified alert ids
  std::vector<std::string> storylines;

  // Adds `value` to `list` unless empty or already present.
  static void add(std::vector<std::string>& list, std::string value);
  bool empty() const;
};

struct Incident {
  std::string source;        // "dataset", "singularity", "vigilance", "generic"
  std::string kind;          // "threat", "alert", "case", "dataset_alert", "event"
  std::string external_id;   // the sender's id of the object
  std::string tenant;        // account / site / tenant when the payload names one
  std::string title;
  Severity severity = Severity::unknown;
  std::int64_t time_ms = 0;  // when it happened, per the payload; 0 when unknown
  Entities entities;
  nlohmann::json raw;        // the payload as received (parsed)

  std::string dedupe_key() const { return source + ":" + external_id; }
};

void to_json(nlohmann::json& j, const Entities& e);
void from_json(const nlohmann::json& j, Entities& e);
void to_json(nlohmann::json& j, const Incident& i);
void from_json(const nlohmann::json& j, Incident& i);

// The job payload for `i`: the text `nlohmann::json(i).dump()` gives (keys sorted, invalid UTF-8
// replaced), except that "raw" is `raw_json`, the body as received, instead of `i.raw` written
// again. `raw_json` must be one JSON value that nlohmann::json::parse accepted (a leading UTF-8
// byte order mark, which parse skips, is dropped). Intake writes one per webhook: building the
// json object, copying the body's tree into it and dumping it took more instructions than the
// rest of the webhook's parsing and normalizing together.
std::string incident_payload_json(const Incident& i, std::string_view raw_json);

}  // namespace triagent
