#pragma once
// The Deep Visibility event field names the simulator knows: the keys of the recorded sample
// (tests/data/api/s1_dv_events_response_page1.json, rendered for every event, null when unset)
// and the extra fields apis.md B.8 lists (rendered only when the scenario sets them).
//
//   if (!is_dv_field("processCmd")) reject();
//   for (auto name : kDvSampleFields) event[name] = nullptr;

#include <array>
#include <string_view>

namespace triagent::sim {

// Filled from the agent or the event's own time by the renderer; a scenario must not set them.
inline constexpr std::array<std::string_view, 24> kDvDerivedFields = {
    "accountId", "agentDomain", "agentGroupId", "agentId", "agentInfected", "agentIp", "agentIsActive",
    "agentIsDecommissioned", "agentMachineType", "agentName", "agentNetworkStatus", "agentOs", "agentTimestamp",
    "agentUuid", "agentVersion", "createdAt", "endpointMachineType", "endpointName", "endpointOs", "eventTime",
    "eventType", "isAgentVersionFullySupportedForPg", "lastActivatedAt", "siteId"};

// The rest of the sample's keys: settable, null when not set.
inline constexpr std::array<std::string_view, 39> kDvSampleFields = {
    "childProcCount", "fileIsExecutable", "fileMd5", "fileSha256", "id", "isAgentVersionFullySupportedForPgMessage",
    "objectType", "parentPid", "parentProcessName", "parentProcessStartTime", "parentProcessUniqueKey", "pid",
    "processCmd", "processDisplayName", "processGroupId", "processImagePath", "processImageSha1Hash",
    "processIntegrityLevel", "processIsRedirectedCommandProcessor", "processIsWow64", "processName", "processRoot",
    "processSessionId", "processStartTime", "processSubSystem", "processUniqueKey", "publisher",
    "registryChangeCount", "relatedToThreat", "rpid", "signatureSignedInvalidReason", "signedStatus", "storyline",
    "taskName", "taskPath", "tid", "trueContext", "user", "verifiedStatus"};

// Fields seen in other DV answers (apis.md B.8, XSOAR); rendered only when set.
inline constexpr std::array<std::string_view, 36> kDvExtraFields = {
    "srcIp", "srcPort", "dstIp", "dstPort", "netEventDirection", "netProtocolName", "dnsRequest", "dnsResponse",
    "fileFullName", "fileSha1", "fileSize", "oldFileName", "loginsUserName", "loginType", "loginIsSuccessful",
    "loginIsAdministratorEquivalent", "registryKeyPath", "registryPath", "registryValue", "tgtProcName",
    "tgtProcCmdLine", "tgtProcPid", "tgtProcImagePath", "tgtProcStorylineId", "tgtProcUid", "tgtProcAccessRights",
    "indicatorName", "indicatorCategory", "indicatorDescription", "moduleSha1", "modulePath", "srcProcUid",
    "srcProcCmdLine", "srcProcUser", "networkUrl", "networkMethod"};

bool is_dv_settable_field(std::string_view name);

}  // namespace triagent::sim
