#pragma once
// SingularityThreats: SentinelOne threats over the Management API v2.1 (apis.md B.3-B.5): read a
// threat or a filtered list, read and add notes (the AI summary goes there), label a threat, and -
// behind a human approval only - change its analyst verdict or incident status.
//
//   SingularityThreats threats(cfg, Upstream{&client, &policy, cfg.base_url});
//   Result<Threat> t = co_await threats.get_threat("715718962991148224");
//   if (!t) co_return t.error();                 // not_found, unauthenticated, unavailable + retry_after_ms...
//   use(t->agent_computer_name, t->sha1, t->storyline);
//   auto w = co_await threats.add_note_once(t->id, "[triagent:job-42]", "[triagent:job-42] AI summary ...");
//   // approval granted elsewhere:
//   auto n = co_await threats.set_incident_status(t->id, IncidentStatus::in_progress);   // *n == affected
//
// Ids are checked ([A-Za-z0-9_-], at most 64) before they reach a URL or a body. Errors name the
// operation ("singularity get threat: HTTP 401: Authentication Failed (code 4010010)") and never the
// token. The object holds no threads; the config and the upstream's client and policy must outlive it.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// The fields of a v2.1 threat the pipeline uses (samples/s1_threats_v21_response.json); text fields
// are "" when the threat lacks them. `raw` is the whole object as received.
struct Threat {
  std::string id;    // top-level id, else threatInfo.threatId
  std::string name;  // threatInfo.threatName
  // agentRealtimeInfo
  std::string agent_id;
  std::string agent_uuid;
  std::string agent_computer_name;
  std::string agent_os_type;
  std::string agent_network_status;
  std::string account_id;
  std::string site_id;
  std::string site_name;
  std::string group_name;
  std::vector<std::string> agent_ips;  // networkInterfaces[].inet and inet6
  // threatInfo
  std::string classification;
  std::string confidence_level;  // malicious | suspicious
  std::string analyst_verdict;   // true_positive | suspicious | false_positive | undefined
  std::string incident_status;   // unresolved | in_progress | resolved
  std::string mitigation_status;
  std::string file_path;
  std::string sha1;
  std::string sha256;
  std::string md5;
  std::string storyline;
  std::string process_user;
  std::string initiated_by;
  std::string detection_type;
  std::string external_ticket_id;
  std::vector<std::string> engines;
  std::string created_at;  // as sent, ISO-8601 UTC
  std::string updated_at;
  std::string identified_at;
  std::int64_t created_at_ms = -1;  // created_at in epoch ms; -1 when it does not parse
  nlohmann::json raw;
};

// One element of GET /threats/{id}/notes (apis.md B.4).
struct ThreatNote {
  std::string id;
  std::string text;
  std::string creator;
  std::string creator_id;  // tells the daemon's own notes from Vigilance analysts' (apis.md B.10)
  std::string created_at;
  std::string updated_at;
  bool edited = false;
  nlohmann::json raw;
};

// Narrows list_threats; empty members are not sent. The config's account/site scope is always added.
struct ThreatFilter {
  std::vector<std::string> ids;
  std::vector<std::string> agent_ids;
  std::vector<std::string> storylines;
  std::vector<std::string> incident_statuses;  // unresolved, in_progress, resolved
  std::vector<std::string> analyst_verdicts;   // true_positive, suspicious, false_positive, undefined
  std::string created_after;                   // createdAt__gt, ISO-8601 UTC
  std::string updated_since;                   // updatedAt__gte, ISO-8601 UTC
  std::string sort_by = "createdAt";
  std::string sort_order = "asc";
};

struct ThreatList {
  std::vector<Threat> threats;
  bool truncated = false;                   // more pages remained after max_pages
  std::optional<std::int64_t> total_items;  // pagination.totalItems, when sent
  int skipped = 0;                          // elements that were not threat objects
};

// What a note write did: posted (and how many threats the API says it touched), or found the
// marker already there and posted nothing.
struct NoteWrite {
  bool posted = false;
  std::int64_t affected = 0;
};

enum class AnalystVerdict { true_positive, suspicious, false_positive, undefined };
enum class IncidentStatus { unresolved, in_progress, resolved };
const char* to_string(AnalystVerdict verdict);  // the API's spelling: "true_positive"
const char* to_string(IncidentStatus status);   // "in_progress"

// Parsing one element of a threats `data` list; invalid_argument when it is not an object or has no id.
Result<Threat> parse_threat(const nlohmann::json& object);
ThreatNote parse_threat_note(const nlohmann::json& object);

// The note text that labels a threat with `tags` (threats have no tag field in REST, apis.md B.9):
// "[triagent:tags: a, b]". invalid_argument when a tag is empty, over 64 bytes, or holds ',', '[',
// ']' or a control character, or when there are none or more than 20.
Result<std::string> tags_note_text(const std::vector<std::string>& tags);

class SingularityThreats {
 public:
  SingularityThreats(SingularityConfig config, Upstream upstream);

  // GET /threats?ids=<id>[&accountIds=..][&siteIds=..]: not_found when the answer lists no threat with that id.
  boost::asio::awaitable<Result<Threat>> get_threat(std::string threat_id, CallOptions options = {});

  // GET /threats?limit=<page_size>&sortBy&sortOrder&<filter>, following pagination.nextCursor up to max_pages.
  boost::asio::awaitable<Result<ThreatList>> list_threats(ThreatFilter filter, CallOptions options = {});

  // GET /threats/{id}/notes?limit=<page_size>, cursor-paged up to max_pages.
  boost::asio::awaitable<Result<std::vector<ThreatNote>>> list_notes(std::string threat_id, CallOptions options = {});

  // POST /threats/notes {"data":{"text":..},"filter":{"ids":[id]}}: the number of threats it touched.
  boost::asio::awaitable<Result<std::int64_t>> add_note(std::string threat_id, std::string text,
                                                        CallOptions options = {});

  // The API does not de-duplicate notes (apis.md B.4): lists the notes first and posts only when none
  // contains `marker` (which `text` should contain), so a retried job never posts twice.
  boost::asio::awaitable<Result<NoteWrite>> add_note_once(std::string threat_id, std::string marker, std::string text,
                                                          CallOptions options = {});

  // Labels the threat with a tags note (see tags_note_text), once per distinct tag set.
  boost::asio::awaitable<Result<NoteWrite>> add_tags(std::string threat_id, std::vector<std::string> tags,
                                                     CallOptions options = {});

  // Approval-gated. POST /threats/analyst-verdict
  // {"data":{"analystVerdict":..},"filter":{"ids":[id],"tenant":"true"}}: affected count (0: no change).
  boost::asio::awaitable<Result<std::int64_t>> set_analyst_verdict(std::string threat_id, AnalystVerdict verdict,
                                                                   CallOptions options = {});

  // Approval-gated. POST /threats/incident {"data":{"incidentStatus":..},"filter":{"ids":[id]}}.
  boost::asio::awaitable<Result<std::int64_t>> set_incident_status(std::string threat_id, IncidentStatus status,
                                                                   CallOptions options = {});

 private:
  SingularityConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
