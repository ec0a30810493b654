#include "connectors/singularity_json.hpp"

#include <charconv>
#include <limits>

namespace triagent::s1 {

using nlohmann::json;

const json* member(const json* j, std::string_view key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

const json* path(const json& j, std::initializer_list<std::string_view> keys) {
  const json* at = &j;
  for (std::string_view key : keys) {
    at = member(at, key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::string text(const json* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return v->get_ref<const std::string&>();
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  if (v->is_number_unsigned()) return std::to_string(v->get<std::uint64_t>());
  return {};
}

std::string first_text(std::initializer_list<const json*> candidates) {
  for (const json* c : candidates) {
    std::string t = text(c);
    if (!t.empty()) return t;
  }
  return {};
}

std::optional<std::int64_t> integer(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

bool flag(const json* v) {
  if (v == nullptr) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    return s == "true" || s == "True" || s == "TRUE";
  }
  return false;
}

std::vector<std::string> texts(const json* v) {
  std::vector<std::string> out;
  for (const auto& item : array_or_empty(v)) {
    std::string t = text(&item);
    if (!t.empty()) out.push_back(std::move(t));
  }
  return out;
}

const json& array_or_empty(const json* v) {
  static const json kEmpty = json::array();
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

std::vector<std::string> interface_ips(const json* network_interfaces) {
  constexpr std::size_t kMaxInterfaces = 64;  // more is not a real endpoint
  std::vector<std::string> out;
  std::size_t seen = 0;
  for (const auto& nic : array_or_empty(network_interfaces)) {
    if (++seen > kMaxInterfaces) break;
    for (const char* family : {"inet", "inet6"}) {
      for (auto& ip : texts(member(nic, family))) out.push_back(std::move(ip));
    }
  }
  return out;
}

}  // namespace triagent::s1
