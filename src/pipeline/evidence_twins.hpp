#pragma once
// Twins: one happening recorded by two sensors, e.g. a process start that Deep Visibility and
// Sysmon (shipped to DataSet) both saw. The packer shows it once, with both sources' indicators.
// Private to src/pipeline.
//
//   if (auto sig = event_signature(ev)) key = sig->host + sig->category + sig->subject;
//   // twins: equal keys, different channels, times within kTwinWindowMs
//
// Conservative on purpose: the category and its subject (the new process's image name, the
// file, the destination, the query, the registry key, the logon user) must agree, so two
// different things on the same host at the same moment are never merged.

#include <cstdint>
#include <optional>
#include <string>

#include "triagent/pipeline/context_event.hpp"

namespace triagent {

inline constexpr std::int64_t kTwinWindowMs = 2000;

struct EventSignature {
  std::string host;      // lower case, domain part dropped ("srv-fs-02")
  std::string category;  // process_creation, file, network, dns, registry, process_access, logon
  std::string subject;   // lower case
  std::string channel;   // "deep_visibility", "dataset|Security", "dataset|Microsoft-Windows-Sysmon/Operational"
};

std::optional<EventSignature> event_signature(const ContextEvent& event);

// "WS-FIN-023.northwind.local" -> "ws-fin-023"
std::string short_host(std::string_view host);

}  // namespace triagent
