#include "triagent/pipeline/context_resolve.hpp"

#include <algorithm>
#include <cctype>

#include "triagent/core/clock.hpp"
#include "triagent/core/severity.hpp"

namespace triagent {

namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A text member of an object inside `raw` ("" when absent or not text): raw fields the typed
// connector structs do not carry.
std::string raw_text(const json& raw, const char* object, const char* key) {
  if (!raw.is_object()) return {};
  auto o = raw.find(object);
  if (o == raw.end() || !o->is_object()) return {};
  auto v = o->find(key);
  return v != o->end() && v->is_string() ? v->get<std::string>() : std::string();
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The normalizer titles an id-only webhook "SentinelOne threat <id>": that is no title.
bool has_real_title(const Incident& incident) {
  if (incident.title.empty()) return false;
  return incident.title != "SentinelOne threat " + incident.external_id &&
         incident.title != "SentinelOne alert " + incident.external_id;
}

void adopt_title_and_severity(Incident& incident, const std::string& title, const std::string& severity_text) {
  if (!has_real_title(incident) && !title.empty()) incident.title = title;
  if (incident.severity == Severity::unknown) {
    if (auto s = parse_severity(severity_text)) incident.severity = *s;
  }
}

void adopt_time(Incident& incident, const std::string& iso_time) {
  if (incident.time_ms > 0) return;
  const std::int64_t t = parse_rfc3339_ms(iso_time);
  if (t > 0) incident.time_ms = t;
}

void adopt_tenant(Incident& incident, const std::string& account, const std::string& site) {
  if (!incident.tenant.empty() || account.empty()) return;
  incident.tenant = site.empty() ? account : account + ":" + site;
}

bool is_sparse(const Incident& incident) {
  return incident.entities.hosts.empty() && incident.entities.agent_ids.empty();
}

std::string threat_id_of(const Incident& incident) {
  if (incident.kind == "threat" && !incident.external_id.empty()) return incident.external_id;
  return incident.entities.threat_ids.empty() ? std::string() : incident.entities.threat_ids.front();
}

Resolution nothing(std::string note) {
  Resolution r;
  r.note = std::move(note);
  return r;
}

boost::asio::awaitable<Result<Resolution>> resolve_threat(Incident& incident, SingularityThreats* threats,
                                                          std::string id, CallOptions call) {
  if (threats == nullptr) co_return nothing("the singularity threats connector is not configured");
  Result<Threat> threat = co_await threats->get_threat(id, std::move(call));
  if (!threat) co_return threat.error();
  // A "case" is the MDR team's view of the threat: its title and priority stay.
  merge_threat(incident, *threat);
  Resolution r;
  r.fetched = ResolvedKind::threat;
  r.object_id = id;
  r.raw = threat->raw;
  r.threat = std::move(*threat);
  co_return r;
}

boost::asio::awaitable<Result<Resolution>> resolve_alert(Incident& incident, ResolveConnectors connectors,
                                                         std::string id, CallOptions call) {
  Resolution r;
  r.object_id = id;
  // REST (STAR) alert ids are int64 strings; Unified Alerts ids are UUID-like (apis.md B.7).
  if (all_digits(id)) {
    if (connectors.star_alerts == nullptr) co_return nothing("the singularity STAR alerts connector is not configured");
    Result<StarAlert> alert = co_await connectors.star_alerts->get_alert(id, std::move(call));
    if (!alert) co_return alert.error();
    merge_star_alert(incident, *alert);
    r.fetched = ResolvedKind::star_alert;
    r.raw = alert->raw;
    r.star_alert = std::move(*alert);
    co_return r;
  }
  if (connectors.uam_alerts == nullptr) co_return nothing("the singularity unified alerts connector is not configured");
  Result<UamAlert> alert = co_await connectors.uam_alerts->get_alert(id, std::move(call));
  if (!alert) co_return alert.error();
  merge_uam_alert(incident, *alert);
  r.fetched = ResolvedKind::uam_alert;
  r.raw = alert->raw;
  r.uam_alert = std::move(*alert);
  co_return r;
}

}  // namespace

const char* to_string(ResolvedKind kind) {
  switch (kind) {
    case ResolvedKind::none: return "none";
    case ResolvedKind::threat: return "threat";
    case ResolvedKind::uam_alert: return "uam_alert";
    case ResolvedKind::star_alert: return "star_alert";
  }
  return "none";
}

void merge_threat(Incident& incident, const Threat& t) {
  Entities& e = incident.entities;
  Entities::add(e.threat_ids, t.id);
  Entities::add(e.hosts, t.agent_computer_name);
  Entities::add(e.agent_ids, t.agent_id);
  Entities::add(e.agent_ids, t.agent_uuid);
  Entities::add(e.agent_ids, raw_text(t.raw, "agentDetectionInfo", "agentUuid"));
  for (const auto& ip : t.agent_ips) Entities::add(e.ips, ip);
  Entities::add(e.ips, raw_text(t.raw, "agentDetectionInfo", "agentIpV4"));
  Entities::add(e.ips, raw_text(t.raw, "agentDetectionInfo", "externalIp"));
  for (const std::string* h : {&t.sha1, &t.sha256, &t.md5}) Entities::add(e.hashes, lower(*h));
  Entities::add(e.files, t.file_path);
  Entities::add(e.users, t.process_user);
  Entities::add(e.users, raw_text(t.raw, "agentDetectionInfo", "agentLastLoggedInUserName"));
  Entities::add(e.processes, raw_text(t.raw, "threatInfo", "originatorProcess"));
  Entities::add(e.processes, raw_text(t.raw, "threatInfo", "maliciousProcessArguments"));
  Entities::add(e.storylines, t.storyline);
  if (incident.kind != "case") adopt_title_and_severity(incident, t.name, t.confidence_level);
  adopt_time(incident, t.created_at);
  adopt_tenant(incident, t.account_id, t.site_id);
}

void merge_uam_alert(Incident& incident, const UamAlert& a) {
  Entities& e = incident.entities;
  Entities::add(e.alert_ids, a.id);
  // For an EDR detection the alert's externalId is the Management API threat id (as ingress reads it).
  if (a.detection_product == "EDR" && all_digits(a.external_id)) Entities::add(e.threat_ids, a.external_id);
  Entities::add(e.hosts, a.asset_name);
  Entities::add(e.agent_ids, a.agent_uuid);
  Entities::add(e.users, a.last_logged_in_user);
  Entities::add(e.ips, a.ip_v4);
  Entities::add(e.ips, a.ip_v6);
  // The API writes "N/A" where there is no file.
  if (a.file_hash != "N/A") Entities::add(e.hashes, lower(a.file_hash));
  if (a.file_name != "N/A") Entities::add(e.files, a.file_name);
  Entities::add(e.storylines, a.storyline_id);
  adopt_title_and_severity(incident, a.name.empty() ? a.description : a.name, a.severity);
  adopt_time(incident, a.detected_at.empty() ? a.created_at : a.detected_at);
  adopt_tenant(incident, a.account_id, a.site_id);
}

void merge_star_alert(Incident& incident, const StarAlert& a) {
  Entities& e = incident.entities;
  Entities::add(e.alert_ids, a.id);
  Entities::add(e.hosts, a.agent_name);
  Entities::add(e.agent_ids, a.agent_id);
  Entities::add(e.agent_ids, a.agent_uuid);
  Entities::add(e.ips, a.src_ip);
  Entities::add(e.ips, a.dst_ip);
  Entities::add(e.hashes, lower(a.process_sha1));
  Entities::add(e.processes, a.process_name);
  Entities::add(e.processes, a.process_cmdline);
  Entities::add(e.files, a.process_path);
  Entities::add(e.users, a.process_user);
  Entities::add(e.storylines, a.process_storyline);
  adopt_title_and_severity(incident, a.rule_name, a.rule_severity);
  adopt_time(incident, a.created_at);
}

boost::asio::awaitable<Result<Resolution>> resolve_incident(Incident& incident, ResolveConnectors connectors,
                                                            ResolveOptions options) {
  const bool wanted = options.always_fetch || is_sparse(incident);
  if (incident.kind == "threat" || incident.kind == "case") {
    std::string id = threat_id_of(incident);
    if (id.empty()) co_return nothing("the " + incident.kind + " names no threat id");
    if (!wanted) co_return nothing("the webhook carried the whole threat");
    co_return co_await resolve_threat(incident, connectors.threats, std::move(id), std::move(options.call));
  }
  if (incident.kind == "alert" && incident.source == "singularity") {
    std::string id = incident.external_id;
    if (id.empty() && !incident.entities.alert_ids.empty()) id = incident.entities.alert_ids.front();
    if (id.empty()) co_return nothing("the alert names no id");
    if (!wanted) co_return nothing("the webhook carried the whole alert");
    co_return co_await resolve_alert(incident, connectors, std::move(id), std::move(options.call));
  }
  co_return nothing(incident.source + " " + incident.kind + " incidents carry their own context");
}

}  // namespace triagent
