#include "scenario_render.hpp"

#include "dv_fields.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

namespace {

using json = nlohmann::json;

json str_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string iso_or_empty(std::int64_t ns) { return ns ? format_iso_micros(ns) : ""; }

std::string first_ip(const ScenarioAgent& a) { return a.inet.empty() ? "" : a.inet.front(); }

std::string capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  for (auto& c : s) {
    if (c == '_') c = ' ';
  }
  return s;
}

// A stable int64-looking id derived from another object's id (network interface, collection).
std::string derived_id(const std::string& base, std::string_view salt) {
  return std::to_string(1500000000000000000ULL + fnv1a64(base + std::string(salt)) % 100000000000000000ULL);
}

const std::string& live_network_status(const ScenarioAgent& a, const SimState& st) {
  auto it = st.agents.find(a.id);
  return it == st.agents.end() ? a.network_status : it->second.network_status;
}

json network_interfaces(const ScenarioAgent& a) {
  return json::array({{{"id", derived_id(a.id, "nic")},
                       {"inet", a.inet},
                       {"inet6", a.inet6},
                       {"name", "Ethernet"},
                       {"physical", a.mac.empty() ? "00:15:5d:00:00:01" : a.mac}}});
}

}  // namespace

json render_agent(const Scenario& s, const ScenarioAgent& a, const SimState& st) {
  std::size_t active = 0;
  for (const auto& t : s.threats) {
    auto live = st.threats.find(t.id);
    if (t.agent_id == a.id && live != st.threats.end() && live->second.incident_status != "resolved") ++active;
  }
  json tags = json::array();
  if (auto it = st.agents.find(a.id); it != st.agents.end()) tags = it->second.tags;
  const std::string registered = iso_or_empty(a.registered_at_ns);
  const std::string last_active = iso_or_empty(a.last_active_ns ? a.last_active_ns : s.now());
  return json{
      {"accountId", s.account_id},
      {"accountName", s.account_name},
      {"activeThreats", active},
      {"agentVersion", a.agent_version},
      {"allowRemoteShell", false},
      {"appsVulnerabilityStatus", "not_applicable"},
      {"computerName", a.computer_name},
      {"consoleMigrationStatus", "N/A"},
      {"coreCount", 4},
      {"cpuCount", 1},
      {"cpuId", "Intel(R) Core(TM) i5-10310U CPU @ 1.70GHz"},
      {"createdAt", registered},
      {"domain", a.domain},
      {"encryptedApplications", false},
      {"externalId", ""},
      {"externalIp", a.external_ip},
      {"groupId", s.group_id},
      {"groupName", s.group_name},
      {"id", a.id},
      {"inRemoteShellSession", false},
      {"infected", a.infected},
      {"installerType", ".msi"},
      {"isActive", a.is_active},
      {"isDecommissioned", false},
      {"isPendingUninstall", false},
      {"isUninstalled", false},
      {"isUpToDate", true},
      {"lastActiveDate", last_active},
      {"lastIpToMgmt", first_ip(a)},
      {"lastLoggedInUserName", a.last_logged_in_user},
      {"licenseKey", ""},
      {"locationEnabled", false},
      {"locationType", "fallback"},
      {"machineType", a.machine_type},
      {"mitigationMode", "protect"},
      {"mitigationModeSuspicious", "detect"},
      {"modelName", a.machine_type == "server" ? "VMware, Inc. - VMware Virtual Platform" : "Dell Inc. - Latitude 5410"},
      {"networkInterfaces", network_interfaces(a)},
      {"networkQuarantineEnabled", false},
      {"networkStatus", live_network_status(a, st)},
      {"operationalState", "na"},
      {"osArch", "64 bit"},
      {"osName", a.os_name},
      {"osRevision", a.os_revision},
      {"osType", a.os_type},
      {"osUsername", nullptr},
      {"rangerStatus", "NotApplicable"},
      {"registeredAt", registered},
      {"scanStatus", "finished"},
      {"siteId", s.site_id},
      {"siteName", s.site_name},
      {"tags", {{"sentinelone", tags}}},
      {"threatRebootRequired", false},
      {"totalMemory", 16384},
      {"updatedAt", last_active},
      {"userActionsNeeded", json::array()},
      {"uuid", a.uuid},
  };
}

json render_threat(const Scenario& s, const ScenarioThreat& t, const SimState& st) {
  const ScenarioAgent* a = s.find_agent(t.agent_id);
  ThreatLive live{t.analyst_verdict, t.incident_status, "", t.updated_at_ns};
  if (auto it = st.threats.find(t.id); it != st.threats.end()) live = it->second;
  json indicators = json::array();
  for (const auto& ind : t.indicators) {
    json tactics = json::array();
    for (const auto& tech : ind.techniques) {
      json* tactic = nullptr;
      for (auto& existing : tactics) {
        if (existing["name"] == tech.tactic) tactic = &existing;
      }
      if (!tactic) {
        tactics.push_back({{"name", tech.tactic}, {"source", "MITRE"}, {"techniques", json::array()}});
        tactic = &tactics.back();
      }
      const std::string path = [&] {
        std::string p = tech.id;
        for (auto& c : p) {
          if (c == '.') c = '/';
        }
        return p;
      }();
      (*tactic)["techniques"].push_back({{"link", "https://attack.mitre.org/techniques/" + path + "/"},
                                         {"title", tech.id + (tech.name.empty() ? "" : " " + tech.name)}});
    }
    indicators.push_back(
        {{"category", ind.category}, {"description", ind.description}, {"ids", ind.ids}, {"tactics", tactics}});
  }
  const bool mitigated = t.mitigation_status == "mitigated";
  json mitigation = json::array();
  if (mitigated) {
    for (const char* action : {"kill", "quarantine"}) {
      mitigation.push_back({{"action", action},
                            {"actionsCounters", {{"failed", 0}, {"notFound", 0}, {"pendingReboot", 0}, {"success", 1}, {"total", 1}}},
                            {"agentSupportsReport", true},
                            {"agentSupportsRecovery", true},
                            {"groupNotFound", false},
                            {"lastUpdate", format_iso_micros(t.created_at_ns + 250000000)},
                            {"latestReport", nullptr},
                            {"mitigationEndedAt", format_iso_micros(t.created_at_ns + 250000000)},
                            {"mitigationStartedAt", format_iso_micros(t.created_at_ns + 120000000)},
                            {"status", "success"}});
    }
  }
  std::string extension;
  if (auto dot = t.file_path.rfind('.'); dot != std::string::npos) extension = t.file_path.substr(dot + 1);
  for (auto& c : extension) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string verdict_description = capitalized(live.analyst_verdict);
  const std::string status_description = capitalized(live.incident_status);
  return json{
      {"agentDetectionInfo",
       {{"accountId", s.account_id},
        {"accountName", s.account_name},
        {"agentDomain", a->domain},
        {"agentIpV4", first_ip(*a)},
        {"agentIpV6", a->inet6.empty() ? "" : a->inet6.front()},
        {"agentLastLoggedInUserName", a->last_logged_in_user},
        {"agentMitigationMode", "protect"},
        {"agentOsName", a->os_name},
        {"agentOsRevision", a->os_revision},
        {"agentRegisteredAt", iso_or_empty(a->registered_at_ns)},
        {"agentUuid", a->uuid},
        {"agentVersion", a->agent_version},
        {"externalIp", a->external_ip},
        {"groupId", s.group_id},
        {"groupName", s.group_name},
        {"siteId", s.site_id},
        {"siteName", s.site_name}}},
      {"agentRealtimeInfo",
       {{"accountId", s.account_id},
        {"accountName", s.account_name},
        {"activeThreats", 1},
        {"agentComputerName", a->computer_name},
        {"agentDecommissionedAt", nullptr},
        {"agentDomain", a->domain},
        {"agentId", a->id},
        {"agentInfected", a->infected},
        {"agentIsActive", a->is_active},
        {"agentIsDecommissioned", false},
        {"agentMachineType", a->machine_type},
        {"agentMitigationMode", "protect"},
        {"agentNetworkStatus", live_network_status(*a, st)},
        {"agentOsName", a->os_name},
        {"agentOsRevision", a->os_revision},
        {"agentOsType", a->os_type},
        {"agentUuid", a->uuid},
        {"agentVersion", a->agent_version},
        {"groupId", s.group_id},
        {"groupName", s.group_name},
        {"networkInterfaces", network_interfaces(*a)},
        {"operationalState", "na"},
        {"rebootRequired", false},
        {"scanAbortedAt", nullptr},
        {"scanFinishedAt", nullptr},
        {"scanStartedAt", nullptr},
        {"scanStatus", "none"},
        {"siteId", s.site_id},
        {"siteName", s.site_name},
        {"userActionsNeeded", json::array()}}},
      {"containerInfo", {{"id", nullptr}, {"image", nullptr}, {"labels", nullptr}, {"name", nullptr}}},
      {"id", t.id},
      {"indicators", indicators},
      {"kubernetesInfo",
       {{"cluster", nullptr},
        {"controllerKind", nullptr},
        {"controllerLabels", nullptr},
        {"controllerName", nullptr},
        {"namespace", nullptr},
        {"namespaceLabels", nullptr},
        {"node", nullptr},
        {"pod", nullptr},
        {"podLabels", nullptr}}},
      {"mitigationStatus", mitigation},
      {"threatInfo",
       {{"analystVerdict", live.analyst_verdict},
        {"analystVerdictDescription", verdict_description},
        {"automaticallyResolved", false},
        {"browserType", nullptr},
        {"certificateId", ""},
        {"classification", t.classification},
        {"classificationSource", t.classification_source},
        {"cloudFilesHashVerdict", t.confidence_level == "malicious" ? "black" : "provider_unknown"},
        {"collectionId", derived_id(t.id, "collection")},
        {"confidenceLevel", t.confidence_level},
        {"createdAt", format_iso_micros(t.created_at_ns)},
        {"detectionEngines", [&] {
           json e = json::array();
           for (const auto& name : t.engines) e.push_back({{"key", to_lower(name)}, {"title", name}});
           return e;
         }()},
        {"detectionType", t.detection_type},
        {"engines", t.engines},
        {"externalTicketExists", !live.external_ticket_id.empty()},
        {"externalTicketId", str_or_null(live.external_ticket_id)},
        {"failedActions", false},
        {"fileExtension", extension},
        {"fileExtensionType", extension == "EXE" || extension == "DLL" ? "Executable" : "Unknown"},
        {"filePath", t.file_path},
        {"fileSize", t.file_size},
        {"fileVerificationType", t.publisher.empty() ? "NotSigned" : "SignedVerified"},
        {"identifiedAt", format_iso_micros(t.identified_at_ns)},
        {"incidentStatus", live.incident_status},
        {"incidentStatusDescription", status_description},
        {"initiatedBy", t.initiated_by},
        {"initiatedByDescription", capitalized(t.initiated_by)},
        {"initiatingUserId", nullptr},
        {"initiatingUsername", nullptr},
        {"isFileless", t.file_path.empty()},
        {"isValidCertificate", !t.publisher.empty()},
        {"maliciousProcessArguments", str_or_null(t.command_line)},
        {"md5", str_or_null(t.md5)},
        {"mitigatedPreemptively", false},
        {"mitigationStatus", t.mitigation_status},
        {"mitigationStatusDescription", capitalized(t.mitigation_status)},
        {"originatorProcess", str_or_null(t.originator_process)},
        {"pendingActions", false},
        {"processUser", t.process_user},
        {"publisherName", t.publisher},
        {"reachedEventsLimit", false},
        {"rebootRequired", false},
        {"sha1", str_or_null(t.sha1)},
        {"sha256", str_or_null(t.sha256)},
        {"storyline", t.storyline},
        {"threatId", t.id},
        {"threatName", t.name},
        {"updatedAt", format_iso_micros(live.updated_ns)}}},
      {"whiteningOptions", t.sha1.empty() ? json::array({"path"}) : json::array({"hash", "path"})},
  };
}

json render_dv_event(const Scenario& s, const ScenarioDvEvent& e, std::size_t index) {
  const ScenarioAgent* a = s.find_agent(e.agent_id);
  json out = json::object();
  for (auto name : kDvSampleFields) out[std::string(name)] = nullptr;
  const std::string time = format_iso_millis(e.time_ns);
  out["accountId"] = s.account_id;
  out["agentDomain"] = a->domain;
  out["agentGroupId"] = s.group_id;
  out["agentId"] = a->id;
  out["agentInfected"] = a->infected;
  out["agentIp"] = first_ip(*a);
  out["agentIsActive"] = a->is_active;
  out["agentIsDecommissioned"] = false;
  out["agentMachineType"] = a->machine_type;
  out["agentName"] = a->computer_name;
  out["agentNetworkStatus"] = a->network_status;
  out["agentOs"] = a->os_type;
  out["agentTimestamp"] = time;
  out["agentUuid"] = a->uuid;
  out["agentVersion"] = a->agent_version;
  out["createdAt"] = format_iso_millis(e.time_ns + 1500000000LL);  // indexed a little after the event
  out["endpointMachineType"] = a->machine_type;
  out["endpointName"] = a->computer_name;
  out["endpointOs"] = a->os_type;
  out["eventTime"] = time;
  out["isAgentVersionFullySupportedForPg"] = true;
  out["lastActivatedAt"] = time;
  out["siteId"] = s.site_id;
  out["relatedToThreat"] = "False";
  out["id"] = std::to_string(1900000000000000000ULL + 1000 * (index + 1));
  for (auto it = e.fields.begin(); it != e.fields.end(); ++it) out[it.key()] = it.value();
  return out;
}

json render_uam_alert(const Scenario& s, const ScenarioAlert& a, const SimState& st) {
  const ScenarioAgent* agent = s.find_agent(a.agent_id);
  AlertLive live{a.status, a.analyst_verdict, a.detected_at_ns};
  if (auto it = st.alerts.find(a.id); it != st.alerts.end()) live = it->second;
  bool note_exists = false;
  for (const auto& n : st.alert_notes) note_exists = note_exists || n.alert_id == a.id;
  const std::string detected = format_iso_millis(a.detected_at_ns);
  const json scope_ref = {{"id", s.account_id}, {"name", s.account_name}};
  return json{
      {"id", a.id},
      {"name", a.name},
      {"description", a.description},
      {"severity", a.severity},
      {"status", live.status},
      {"result", a.result},
      {"analystVerdict", live.analyst_verdict},
      {"attackSurfaces", json::array({"ENDPOINT"})},
      {"classification", a.classification},
      {"confidenceLevel", a.confidence_level},
      {"externalId", str_or_null(a.threat_id)},
      {"createdAt", format_iso_millis(a.detected_at_ns + 2000000000LL)},
      {"updatedAt", format_iso_millis(live.updated_ns + 2000000000LL)},
      {"firstSeenAt", detected},
      {"lastSeenAt", detected},
      {"detectedAt", detected},
      {"noteExists", note_exists},
      {"dataSources", json::array()},
      {"storylineId", str_or_null(a.storyline)},
      {"ticketId", nullptr},
      {"fileName", a.file_name},
      {"fileHash", a.file_hash},
      {"analytics",
       {{"uid", nullptr}, {"name", a.analytics_name}, {"type", "OTHER"}, {"typeValue", "DYNAMIC"}, {"category", a.analytics_category}}},
      {"assignee", nullptr},
      {"detectionSource", {{"product", "EDR"}, {"vendor", "SentinelOne"}, {"engine", nullptr}}},
      {"asset",
       {{"id", agent->id},
        {"name", agent->computer_name},
        {"agentUuid", agent->uuid},
        {"agentVersion", agent->agent_version},
        {"assetTypeClassifier", agent->machine_type == "server" ? "Windows server" : "Windows laptop"},
        {"category", agent->machine_type == "server" ? "Server" : "Workstation"},
        {"subcategory", agent->machine_type == "server" ? "Server" : "Laptop"},
        {"type", "UNKNOWN"},
        {"connectivityToConsole", "ONLINE"},
        {"osType", "WINDOWS"},
        {"osVersion", agent->os_name + " " + agent->os_revision},
        {"pendingReboot", false},
        {"lastLoggedInUser", agent->last_logged_in_user},
        {"policy", nullptr}}},
      {"detectionTime",
       {{"asset",
         {{"agentVersion", agent->agent_version},
          {"consoleIpAddress", nullptr},
          {"domain", agent->domain},
          {"ipV4", first_ip(*agent)},
          {"ipV6", agent->inet6.empty() ? json(nullptr) : json(agent->inet6.front())},
          {"lastLoggedInUser", agent->last_logged_in_user},
          {"osName", agent->os_name},
          {"osRevision", agent->os_revision},
          {"osType", "WINDOWS"},
          {"policy", "PROTECT"},
          {"subscriptionTime", nullptr}}},
        {"scope",
         {{"accountId", s.account_id}, {"accountName", s.account_name}, {"groupName", s.group_name}, {"siteName", s.site_name}}},
        {"cloud", nullptr},
        {"kubernetes", nullptr}}},
      {"realTime",
       {{"scope",
         {{"account", scope_ref},
          {"group", {{"id", s.group_id}, {"name", s.group_name}}},
          {"site", {{"id", s.site_id}, {"name", s.site_name}}}}}}},
  };
}

json render_threat_note(const ThreatNote& n) {
  const std::string at = format_iso_micros(n.created_ns);
  return json{{"id", n.id},        {"text", n.text},   {"creator", n.creator}, {"creatorId", n.creator_id},
              {"createdAt", at},   {"updatedAt", at},  {"edited", false}};
}

json render_alert_note(const Scenario& s, const AlertNote& n) {
  return json{{"id", n.id},
              {"alertId", n.alert_id},
              {"text", n.text},
              {"createdAt", format_iso_millis(n.created_ns)},
              {"type", "USER"},
              {"author", {{"fullName", s.api_user_name}, {"email", s.api_user_name + "@service.local"}}}};
}

std::string session_id_for(const std::string& server_host, const std::string& logfile) {
  const std::string h = hex64(fnv1a64(server_host + "\x1f" + logfile)) + hex64(fnv1a64(logfile + "\x1f" + server_host));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" + h.substr(20, 12);
}

json log_record(const ScenarioLogEvent& e) {
  json r = e.attrs;
  r["timestamp"] = e.ts_ns;
  r["serverHost"] = e.server_host;
  if (!e.logfile.empty()) r["logfile"] = e.logfile;
  if (!e.parser.empty()) r["parser"] = e.parser;
  r["severity"] = e.severity;
  r["message"] = e.message;
  r["session"] = session_id_for(e.server_host, e.logfile);
  return r;
}

json dv_record(const Scenario& s, const ScenarioDvEvent& e, std::size_t index) {
  json r = json::object();
  const json rendered = render_dv_event(s, e, index);
  for (auto it = rendered.begin(); it != rendered.end(); ++it) {
    if (!it->is_null()) r[it.key()] = it.value();  // SDL stores no empty fields
  }
  r["timestamp"] = e.time_ns;
  r["serverHost"] = r["endpointName"];
  r["logfile"] = "SentinelOne/edr";
  r["dataSource.name"] = "SentinelOne";
  r["dataSource.category"] = "security";
  r["dataSource.vendor"] = "SentinelOne";
  r["i.scheme"] = "edr";
  r["severity"] = 3;
  std::string message = r["eventType"].get<std::string>();
  for (const char* key : {"processName", "processCmd", "tgtProcName", "fileFullName", "registryKeyPath", "dnsRequest",
                          "dstIp", "dstPort", "loginsUserName"}) {
    auto found = r.find(key);
    if (found == r.end()) continue;
    const json& v = *found;
    if (!v.is_null()) message += " " + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  r["message"] = message;
  r["session"] = session_id_for(r["endpointName"].get<std::string>(), "SentinelOne/edr");
  return r;
}

}  // namespace triagent::sim
