#pragma once
// resolve_incident: stage 1 of the pipeline. A webhook that carried only ids ("threat
// 2287651234567890101") becomes an incident with entities to plan context from: the threat or alert
// is read from the Management API and its agent, host, user, hashes, file, storyline and addresses
// are added to the incident (existing values are kept first; lists stay de-duplicated).
//
//   ResolveConnectors s1{.threats = &threats, .uam_alerts = &uam, .star_alerts = &star};
//   Result<Resolution> r = co_await resolve_incident(incident, s1, {.call = {.deadline = deadline}});
//   if (!r && r.error().retry_after_ms) co_return JobOutcome::retry(...);  // the caller decides
//   if (r && !r->raw.is_null()) evidence.push_back(context_event_from_threat(*r->threat));
//
// What is read:
//  - kind "threat" (any source) and kind "case" with a threat id: GET /threats?ids=<id> (the
//    external id of a threat, else entities.threat_ids[0]); title and severity are taken from the
//    threat only when the incident has none (a "case" keeps its own title and priority);
//  - kind "alert" from singularity: a UUID-like id goes to the Unified Alerts GraphQL API
//    (get_alert), an all-digit id to the STAR / cloud-detection REST API;
//  - anything else (a DataSet alert, a generic event): nothing, it carries its own context.
// Only sparse incidents are read (no host and no agent id yet) unless `always_fetch` is set: a
// full webhook already holds the object, in incident.raw.
// A connector that is not configured (nullptr) leaves the incident as it is, with `note` saying
// so; a failed call is the connector's Error (not_found, unauthenticated, unavailable with
// retry_after_ms, timeout...), and the incident is then unchanged.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "triagent/connectors/singularity_alerts_graphql.hpp"
#include "triagent/connectors/singularity_star_alerts.hpp"
#include "triagent/connectors/singularity_threats.hpp"
#include "triagent/connectors/upstream.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// Any may be null: that connector is disabled.
struct ResolveConnectors {
  SingularityThreats* threats = nullptr;
  SingularityAlertsGraphql* uam_alerts = nullptr;
  SingularityStarAlerts* star_alerts = nullptr;
};

struct ResolveOptions {
  bool always_fetch = false;  // read the object even when the webhook was complete
  CallOptions call;           // deadline and trace of the API call
};

enum class ResolvedKind { none, threat, uam_alert, star_alert };
const char* to_string(ResolvedKind kind);

struct Resolution {
  ResolvedKind fetched = ResolvedKind::none;
  std::string object_id;         // the id that was read
  nlohmann::json raw;            // the object as the API returned it (evidence); null when none
  std::optional<Threat> threat;  // set when fetched == threat
  std::optional<UamAlert> uam_alert;
  std::optional<StarAlert> star_alert;
  std::string note;  // why nothing was read, e.g. "dataset alerts carry their own context"
};

boost::asio::awaitable<Result<Resolution>> resolve_incident(Incident& incident, ResolveConnectors connectors,
                                                            ResolveOptions options = {});

// The merges resolve_incident applies, for callers that already hold the object.
void merge_threat(Incident& incident, const Threat& threat);
void merge_uam_alert(Incident& incident, const UamAlert& alert);
void merge_star_alert(Incident& incident, const StarAlert& alert);

}  // namespace triagent
