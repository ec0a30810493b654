#pragma once
// SingularityAlertsGraphql: the Unified Alert Management (UAM) GraphQL endpoint of the Management
// API v2.1 (apis.md B.7), POST /web/api/v2.1/unifiedalerts/graphql: read one alert by id, and add
// a note to it (where the AI summary of a UAM alert goes), and list the alert's notes.
//
//   SingularityAlertsGraphql uam(cfg, Upstream{&client, &policy, cfg.base_url});
//   Result<UamAlert> a = co_await uam.get_alert("01a07b29-6ff2-703a-b072-3e71ae617b6e");
//   Result<void> ok = co_await uam.add_alert_note(a->id, "[AI-Generated Draft] ...");
//   if (!ok) ...   // forbidden: "... Missing UAM manage permissions"
//   auto w = co_await uam.add_alert_note_once(a->id, "[triagent:job-42]", "[triagent:job-42] ...");
//   // w->posted == false: a note holding the marker was already there
//
// GraphQL answers 200 to most failures: an `errors` list, or for the note mutation the alert's id
// under `failure` (a permission refusal) or an empty `actions` list (unknown action). Each of those
// is an Error here, never a silent success. Writes are eventually consistent: re-read to confirm.
// No threads; config, client and policy outlive the object.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "triagent/connectors/singularity_config.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// The fields of a UAM alert (samples/s1_uam_graphql_alert_by_id_response.json); "" when absent.
struct UamAlert {
  std::string id;
  std::string name;
  std::string description;
  std::string severity;         // LOW | MEDIUM | HIGH | CRITICAL ...
  std::string status;           // NEW | IN_PROGRESS | RESOLVED
  std::string result;           // MITIGATED ...
  std::string analyst_verdict;  // TRUE_POSITIVE_MALWARE, FALSE_POSITIVE_BENIGN, SUSPICIOUS ...
  std::string classification;
  std::string confidence_level;
  std::string external_id;
  std::string created_at;
  std::string updated_at;
  std::string detected_at;
  std::string storyline_id;
  std::string ticket_id;
  std::string file_name;
  std::string file_hash;
  bool note_exists = false;
  std::string detection_product;  // detectionSource.product, e.g. EDR
  std::string detection_vendor;
  std::string asset_id;  // asset (or assets[0])
  std::string asset_name;
  std::string agent_uuid;
  std::string asset_os_type;
  std::string asset_connectivity;  // connectivityToConsole
  std::string last_logged_in_user;
  std::string ip_v4;  // detectionTime.asset
  std::string ip_v6;
  std::string account_id;  // realTime.scope, else detectionTime.scope
  std::string account_name;
  std::string site_id;
  std::string site_name;
  std::string group_id;
  std::string group_name;
  nlohmann::json raw;
};

// data.alert of a GraphQL answer; invalid_argument when it is not an object or has no id.
Result<UamAlert> parse_uam_alert(const nlohmann::json& object);

// One note of alertNotes(alertId:) (apis.md B.7); "" when absent. Own notes are told from others'
// by `author`, never by text (apis.md B.10); the daemon's marker search reads `text` only.
struct UamAlertNote {
  std::string id;
  std::string alert_id;
  std::string text;
  std::string created_at;
  std::string type;
  std::string author_name;   // author.fullName
  std::string author_email;  // author.email
};

// data.alertNotes.data of a GraphQL answer; entries that are not objects are skipped.
// unavailable when the list is missing (an answer about something else).
Result<std::vector<UamAlertNote>> parse_uam_alert_notes(const nlohmann::json& data);

struct AlertNoteWrite {
  bool posted = false;  // false: a note holding the marker was already on the alert
};

class SingularityAlertsGraphql {
 public:
  SingularityAlertsGraphql(SingularityConfig config, Upstream upstream);

  // query GetAlert($id: ID!) { alert(id: $id) { ... } }: not_found when data.alert is null.
  boost::asio::awaitable<Result<UamAlert>> get_alert(std::string alert_id, CallOptions options = {});

  // mutation alertTriggerActions with action S1/alert/addNote, filtered to this one alert id; an
  // Error unless the answer lists the id under `success`.
  boost::asio::awaitable<Result<void>> add_alert_note(std::string alert_id, std::string text, CallOptions options = {});

  // query AlertNotes($alertId: ID!) { alertNotes(alertId: $alertId) { data { ... } } }: the alert's
  // notes, oldest first as the API lists them.
  boost::asio::awaitable<Result<std::vector<UamAlertNote>>> list_alert_notes(std::string alert_id,
                                                                              CallOptions options = {});

  // The API does not de-duplicate notes: lists the alert's notes and posts only when none holds
  // `marker` (which `text` must contain). Writes are eventually consistent (apis.md B.7): a note
  // posted seconds ago may not be listed yet, so this closes the window of a crash between a post
  // and its record, not that of two writers racing each other.
  boost::asio::awaitable<Result<AlertNoteWrite>> add_alert_note_once(std::string alert_id, std::string marker,
                                                                      std::string text, CallOptions options = {});

 private:
  SingularityConfig config_;
  Upstream upstream_;
};

}  // namespace triagent
