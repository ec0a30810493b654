#include "ingress/entity_values.hpp"

#include <cstdint>

#include "ingress/json_fields.hpp"

namespace triagent::ingress {

void add_value(std::vector<std::string>& list, std::string_view value) {
  if (value.empty() || list.size() >= kMaxEntitiesPerList) return;
  Entities::add(list, truncate_utf8(std::string(value.substr(0, kMaxEntityBytes + 4)), kMaxEntityBytes));
}

namespace {

// Calls `f` with the text of a string or integer `v`, or of each such element of an array `v`.
template <class F>
void for_each_scalar(const nlohmann::json* v, F&& f) {
  if (v == nullptr) return;
  auto one = [&](const nlohmann::json& x) {
    if (x.is_string()) {
      f(std::string_view(x.get_ref<const std::string&>()));
    } else if (x.is_number_unsigned()) {
      f(std::string_view(std::to_string(x.get<std::uint64_t>())));
    } else if (x.is_number_integer()) {
      f(std::string_view(std::to_string(x.get<std::int64_t>())));
    }
  };
  if (!v->is_array()) {
    one(*v);
    return;
  }
  std::size_t seen = 0;
  for (const auto& x : *v) {
    if (++seen > kMaxArrayElements) break;
    one(x);
  }
}

bool is_hex_digest(std::string_view s) {
  if (s.size() != 32 && s.size() != 40 && s.size() != 64 && s.size() != 128) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

}  // namespace

void add_values(std::vector<std::string>& list, const nlohmann::json* v) {
  for_each_scalar(v, [&](std::string_view s) { add_value(list, s); });
}

void add_hashes(std::vector<std::string>& list, const nlohmann::json* v) {
  for_each_scalar(v, [&](std::string_view s) {
    if (!is_hex_digest(s)) return;
    std::string lower(s);
    for (char& c : lower) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    add_value(list, lower);
  });
}

void merge_entities(Entities& into, const Entities& from) {
  auto merge = [](std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (const auto& v : b) add_value(a, v);
  };
  merge(into.hosts, from.hosts);
  merge(into.agent_ids, from.agent_ids);
  merge(into.users, from.users);
  merge(into.ips, from.ips);
  merge(into.hashes, from.hashes);
  merge(into.processes, from.processes);
  merge(into.files, from.files);
  merge(into.domains, from.domains);
  merge(into.threat_ids, from.threat_ids);
  merge(into.alert_ids, from.alert_ids);
  merge(into.storylines, from.storylines);
}

}  // namespace triagent::ingress
