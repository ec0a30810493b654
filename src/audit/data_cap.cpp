#include "audit/data_cap.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "triagent/audit/audit_record.hpp"

namespace triagent::audit {

namespace {

constexpr std::string_view kMarkerKey = "_truncated";
// Room kept for the marker when choosing what stays; it names at most kNamedFields fields, each
// cut to kNamedFieldBytes, so it always fits.
constexpr std::size_t kMarkerReserve = 1536;
constexpr std::size_t kNamedFields = 16;
constexpr std::size_t kNamedFieldBytes = 64;

struct Member {
  std::string key;
  std::size_t cost;  // bytes it adds to the object's text: "key":value plus a comma
};

std::string clip_utf8(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  // Back off continuation bytes (10xxxxxx) so the cut never splits a character.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string cap_data(const nlohmann::json& data, std::size_t original_bytes, std::size_t max_bytes) {
  std::vector<Member> members;
  for (const auto& [key, value] : data.items()) {
    if (key == kMarkerKey) continue;
    members.push_back({key, canonical_json(key).size() + 1 + canonical_json(value).size() + 1});
  }
  std::stable_sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.cost < b.cost; });

  const std::size_t budget = max_bytes > kMarkerReserve ? max_bytes - kMarkerReserve : 0;
  nlohmann::json kept = nlohmann::json::object();
  std::vector<std::string> removed;
  std::size_t used = 2;  // the braces
  for (const auto& m : members) {
    if (used + m.cost <= budget) {
      kept[m.key] = data[m.key];
      used += m.cost;
    } else {
      removed.push_back(m.key);
    }
  }
  std::sort(removed.begin(), removed.end());

  nlohmann::json named = nlohmann::json::array();
  for (std::size_t i = 0; i < removed.size() && i < kNamedFields; ++i) named.push_back(clip_utf8(removed[i], kNamedFieldBytes));
  kept[std::string(kMarkerKey)] = {{"original_bytes", original_bytes}, {"removed", named}, {"removed_count", removed.size()}};
  std::string text = canonical_json(kept);
  if (text.size() <= max_bytes) return text;

  nlohmann::json marker_only = nlohmann::json::object();
  marker_only[std::string(kMarkerKey)] = {{"original_bytes", original_bytes}, {"removed_count", members.size()}};
  return canonical_json(marker_only);
}

}  // namespace triagent::audit
