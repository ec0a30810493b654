#include "triagent/connectors/singularity_alerts_graphql.hpp"

#include "connectors/singularity_graphql.hpp"
#include "connectors/singularity_json.hpp"
#include "connectors/singularity_url.hpp"

namespace triagent {

namespace asio = boost::asio;
using nlohmann::json;
using s1::member;
using s1::path;
using s1::text;

namespace {

// The fields of the recorded answer (samples/s1_uam_graphql_alert_by_id_response.json): asking for
// a field the schema lacks fails the whole query, so only those seen there are asked for.
constexpr const char* kAlertQuery =
    "query GetAlert($id: ID!) { alert(id: $id) { "
    "id name description severity status result analystVerdict classification confidenceLevel externalId "
    "createdAt updatedAt detectedAt firstSeenAt lastSeenAt noteExists storylineId ticketId fileName fileHash "
    "analytics { name category typeValue uid } "
    "detectionSource { product vendor engine } "
    "asset { id name agentUuid agentVersion osType osVersion connectivityToConsole lastLoggedInUser } "
    "detectionTime { asset { ipV4 ipV6 lastLoggedInUser osName } scope { accountId accountName groupName siteName } } "
    "realTime { scope { account { id name } group { id name } site { id name } } } "
    "} }";

constexpr const char* kAddNoteAction = "S1/alert/addNote";

// The id travels as a variable (typed String!, as live consoles require for this filter) and the
// note as another, so neither can change the document.
constexpr const char* kAddNoteMutation =
    "mutation AddAlertNote($alertId: String!, $note: String!) { alertTriggerActions("
    "actions: [{ id: \"S1/alert/addNote\", payload: { note: { value: $note } } }], "
    "filter: { or: [{ and: [{ fieldId: \"id\", stringEqual: { value: $alertId } }] }] }) { "
    "... on ActionsTriggered { actions { actionId success { id } failure { id errorMessage } skip { id } } } "
    "... on TriggerActionsError { errors { errorMessage } } "
    "} }";

}  // namespace

Result<UamAlert> parse_uam_alert(const json& object) {
  if (!object.is_object()) return Error{ErrorCode::invalid_argument, "uam alert: not a JSON object"};
  UamAlert a;
  a.id = text(member(object, "id"));
  if (a.id.empty()) return Error{ErrorCode::invalid_argument, "uam alert: no id"};
  a.name = text(member(object, "name"));
  a.description = text(member(object, "description"));
  a.severity = text(member(object, "severity"));
  a.status = text(member(object, "status"));
  a.result = text(member(object, "result"));
  a.analyst_verdict = text(member(object, "analystVerdict"));
  a.classification = text(member(object, "classification"));
  a.confidence_level = text(member(object, "confidenceLevel"));
  a.external_id = text(member(object, "externalId"));
  a.created_at = text(member(object, "createdAt"));
  a.updated_at = text(member(object, "updatedAt"));
  a.detected_at = text(member(object, "detectedAt"));
  a.storyline_id = text(member(object, "storylineId"));
  a.ticket_id = text(member(object, "ticketId"));
  a.file_name = text(member(object, "fileName"));
  a.file_hash = text(member(object, "fileHash"));
  a.note_exists = s1::flag(member(object, "noteExists"));
  a.detection_product = text(path(object, {"detectionSource", "product"}));
  a.detection_vendor = text(path(object, {"detectionSource", "vendor"}));

  // Some schema versions have `asset`, others an `assets` list; the first one stands for the alert.
  const json* asset = member(object, "asset");
  if (asset == nullptr || !asset->is_object()) {
    const json& assets = s1::array_or_empty(member(object, "assets"));
    asset = assets.empty() ? nullptr : &assets.front();
  }
  a.asset_id = text(member(asset, "id"));
  a.asset_name = text(member(asset, "name"));
  a.agent_uuid = text(member(asset, "agentUuid"));
  a.asset_os_type = text(member(asset, "osType"));
  a.asset_connectivity = text(member(asset, "connectivityToConsole"));
  const json* detected_asset = path(object, {"detectionTime", "asset"});
  a.last_logged_in_user =
      s1::first_text({member(asset, "lastLoggedInUser"), member(detected_asset, "lastLoggedInUser")});
  a.ip_v4 = text(member(detected_asset, "ipV4"));
  a.ip_v6 = text(member(detected_asset, "ipV6"));

  const json* scope = path(object, {"realTime", "scope"});
  const json* detected_scope = path(object, {"detectionTime", "scope"});
  a.account_id = s1::first_text({member(member(scope, "account"), "id"), member(detected_scope, "accountId")});
  a.account_name = s1::first_text({member(member(scope, "account"), "name"), member(detected_scope, "accountName")});
  a.site_id = s1::first_text({member(member(scope, "site"), "id"), member(detected_scope, "siteId")});
  a.site_name = s1::first_text({member(member(scope, "site"), "name"), member(detected_scope, "siteName")});
  a.group_id = s1::first_text({member(member(scope, "group"), "id"), member(detected_scope, "groupId")});
  a.group_name = s1::first_text({member(member(scope, "group"), "name"), member(detected_scope, "groupName")});
  a.raw = object;
  return a;
}

SingularityAlertsGraphql::SingularityAlertsGraphql(SingularityConfig config, Upstream upstream)
    : config_(std::move(config)), upstream_(std::move(upstream)) {}

asio::awaitable<Result<UamAlert>> SingularityAlertsGraphql::get_alert(std::string alert_id, CallOptions options) {
  constexpr const char* what = "singularity get uam alert";
  if (auto ok = s1::check_id(alert_id, std::string(what) + ": alert id"); !ok) co_return ok.error();
  // Braced initialisers stay out of co_await expressions (GCC 12 mis-handles their arrays there).
  json variables{{"id", alert_id}};
  auto data = co_await s1::call_graphql(upstream_, config_.api_token, kAlertQuery, std::move(variables),
                                        std::move(options), what);
  if (!data) co_return data.error();
  const json* alert = member(*data, "alert");
  if (alert == nullptr || alert->is_null()) {
    co_return Error{ErrorCode::not_found, std::string(what) + ": alert " + alert_id + " not found"};
  }
  auto parsed = parse_uam_alert(*alert);
  if (!parsed) co_return Error{ErrorCode::unavailable, std::string(what) + ": " + parsed.error().message};
  if (parsed->id != alert_id) {
    co_return Error{ErrorCode::unavailable, std::string(what) + ": the answer is about another alert"};
  }
  co_return std::move(parsed).value();
}

asio::awaitable<Result<void>> SingularityAlertsGraphql::add_alert_note(std::string alert_id, std::string text,
                                                                       CallOptions options) {
  constexpr const char* what = "singularity add uam alert note";
  if (auto ok = s1::check_id(alert_id, std::string(what) + ": alert id"); !ok) co_return ok.error();
  if (text.empty()) co_return Error{ErrorCode::invalid_argument, std::string(what) + ": empty text"};
  json variables{{"alertId", alert_id}, {"note", std::move(text)}};
  auto data = co_await s1::call_graphql(upstream_, config_.api_token, kAddNoteMutation, std::move(variables),
                                        std::move(options), what);
  if (!data) co_return data.error();
  co_return s1::trigger_outcome(*data, kAddNoteAction, alert_id, what);
}

}  // namespace triagent
