// The notes half of SingularityAlertsGraphql: listing an alert's notes, and the "post unless the
// marker is already there" write that makes the alert-note delivery safe to repeat.
#include "connectors/singularity_graphql.hpp"
#include "connectors/singularity_json.hpp"
#include "connectors/singularity_url.hpp"
#include "triagent/connectors/singularity_alerts_graphql.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;
using s1::member;
using s1::path;
using s1::text;

namespace {

// apis.md B.7 names these fields; as for the alert query, only documented fields are asked for,
// since one unknown field fails the whole query. The id is typed ID! as in `alert(id:)`.
constexpr const char* kAlertNotesQuery =
    "query AlertNotes($alertId: ID!) { alertNotes(alertId: $alertId) { "
    "data { id alertId text createdAt type author { fullName email } } } }";

}  // namespace

Result<std::vector<UamAlertNote>> parse_uam_alert_notes(const json& data) {
  const json* list = path(data, {"alertNotes", "data"});
  if (list == nullptr || !list->is_array()) {
    return Error{ErrorCode::unavailable, "uam alert notes: answer has no alertNotes.data list"};
  }
  std::vector<UamAlertNote> notes;
  notes.reserve(list->size());
  for (const auto& entry : *list) {
    if (!entry.is_object()) continue;
    UamAlertNote n;
    n.id = text(member(entry, "id"));
    n.alert_id = text(member(entry, "alertId"));
    n.text = text(member(entry, "text"));
    n.created_at = text(member(entry, "createdAt"));
    n.type = text(member(entry, "type"));
    n.author_name = text(path(entry, {"author", "fullName"}));
    n.author_email = text(path(entry, {"author", "email"}));
    notes.push_back(std::move(n));
  }
  return notes;
}

asio::awaitable<Result<std::vector<UamAlertNote>>> SingularityAlertsGraphql::list_alert_notes(std::string alert_id,
                                                                                              CallOptions options) {
  constexpr const char* what = "singularity list uam alert notes";
  if (auto ok = s1::check_id(alert_id, std::string(what) + ": alert id"); !ok) co_return ok.error();
  json variables{{"alertId", alert_id}};
  auto data = co_await s1::call_graphql(upstream_, config_.api_token, kAlertNotesQuery, std::move(variables),
                                        std::move(options), what);
  if (!data) co_return data.error();
  auto notes = parse_uam_alert_notes(*data);
  if (!notes) co_return Error{ErrorCode::unavailable, std::string(what) + ": " + notes.error().message};
  // A note filed under another alert would make the marker search answer for the wrong alert.
  for (const auto& n : *notes) {
    if (!n.alert_id.empty() && n.alert_id != alert_id) {
      co_return Error{ErrorCode::unavailable, std::string(what) + ": the answer lists another alert's notes"};
    }
  }
  co_return std::move(notes).value();
}

asio::awaitable<Result<AlertNoteWrite>> SingularityAlertsGraphql::add_alert_note_once(std::string alert_id,
                                                                                     std::string marker,
                                                                                     std::string text,
                                                                                     CallOptions options) {
  if (marker.empty() || text.find(marker) == std::string::npos) {
    co_return Error{ErrorCode::invalid_argument,
                    "singularity add uam alert note: the text must contain a non-empty marker"};
  }
  auto notes = co_await list_alert_notes(alert_id, options);
  if (!notes) co_return notes.error();
  for (const auto& note : *notes) {
    if (note.text.find(marker) != std::string::npos) co_return AlertNoteWrite{};
  }
  auto ok = co_await add_alert_note(std::move(alert_id), std::move(text), std::move(options));
  if (!ok) co_return ok.error();
  co_return AlertNoteWrite{true};
}

}  // namespace triagent
