#pragma once
// Whether a field name says its value is an identifier (an agent UUID, a process GUID, a
// request id). SentinelOne agent UUIDs are 32 hex characters, the shape of an MD5, so the IOC
// extractor must not report a value under such a name as a file hash.
//
//   names_an_id("agentUuid");                       // true
//   names_an_id("agentRealtimeInfo.agentId");       // true (the last path element counts)
//   names_an_id("file.md5");                        // false
//   value_follows_id_name(R"(AgentUUID = "ff81...")", 13);  // true: the value is the UUID's

#include <cstddef>
#include <string_view>

namespace triagent::analysis {

// The last dotted element is "id", "uid", ends in "uuid" or "guid" (any case), ends in "_id" or
// "-id", or is camel case ending in "Id" / "ID" ("agentId", "AgentID").
bool names_an_id(std::string_view field_name);

// Whether the value starting at `value_begin` in free text directly follows an id field name and
// its separator: `name=`, `name: `, `"name":"`, `name = "`.
bool value_follows_id_name(std::string_view text, std::size_t value_begin);

}  // namespace triagent::analysis
