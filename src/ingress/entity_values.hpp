#pragma once
// Adding entities taken from untrusted JSON to an Incident, within bounds: at most
// kMaxEntitiesPerList values per list, each cut to kMaxEntityBytes. Values may be a string, an
// integer or an array of those (arrays are read one level deep, never recursively).
//
//   add_values(inc.entities.hosts, find_path(threat, {"agentRealtimeInfo", "agentComputerName"}));
//   add_hashes(inc.entities.hashes, find_path(threat, {"threatInfo", "sha1"}));

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/incident.hpp"

namespace triagent::ingress {

inline constexpr std::size_t kMaxEntitiesPerList = 256;
inline constexpr std::size_t kMaxEntityBytes = 1024;
// How many array elements one value may contribute before the rest is skipped.
inline constexpr std::size_t kMaxArrayElements = 1024;

// Adds one value (cut, de-duplicated) unless the list is full or the value empty.
void add_value(std::vector<std::string>& list, std::string_view value);

// Adds a string, an integer, or each string/integer element of an array.
void add_values(std::vector<std::string>& list, const nlohmann::json* v);

// As add_values, keeping only hex digests of 32, 40, 64 or 128 digits, in lower case; anything
// else ("N/A", a file name) is skipped.
void add_hashes(std::vector<std::string>& list, const nlohmann::json* v);

// Adds every entity of `from` to `into`, within the same bounds.
void merge_entities(Entities& into, const Entities& from);

}  // namespace triagent::ingress
