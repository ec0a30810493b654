#pragma once
// extract_slots: the values an analyst's question names, for filling hunt templates. Indicators
// (IPs, domains, hashes, paths, DOMAIN\user) come from the analysis module's IocExtractor; process,
// user, host, service and port names from small keyword rules ("process named X", "user X",
// "on host X", "service X", "port N") and well-known executable names. A relative time phrase
// ("in the last 6 hours", "past day") becomes `since` ("6h", "24h") for the time window.
//
//   QuestionSlots s = extract_slots("failed logins for user jsmith from 203.0.113.7 in the last hour");
//   s.get("user") == "jsmith";  s.get("ip") == "203.0.113.7";  s.since == "1h";

#include <map>
#include <string>
#include <string_view>

namespace triagent::hunt {

struct QuestionSlots {
  std::map<std::string, std::string> values;  // slot name -> raw value (not yet quoted)
  std::string since;                          // "1h", "7d", ... or "" when the question names no window

  bool has(const std::string& slot) const { return values.count(slot) > 0; }
  std::string get(const std::string& slot) const {
    auto it = values.find(slot);
    return it == values.end() ? "" : it->second;
  }
};

QuestionSlots extract_slots(std::string_view question);

}  // namespace triagent::hunt
