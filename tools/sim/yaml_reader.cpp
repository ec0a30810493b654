#include "yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "sim_text.hpp"

namespace triagent::sim {

void yaml_fail(const std::string& file, const YAML::Node& at, const std::string& what) {
  const int line = at.IsDefined() ? at.Mark().line + 1 : 0;
  throw YamlError(file + ":" + std::to_string(line) + ": " + what);
}

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string where)
    : node_(node), file_(std::move(file)), where_(std::move(where)) {
  if (!node_.IsMap()) yaml_fail(file_, node_, where_ + ": expected a mapping");
}

void YamlMap::fail(const YAML::Node& at, const std::string& what) const {
  yaml_fail(file_, at.IsDefined() ? at : node_, where_ + ": " + what);
}

bool YamlMap::has(const std::string& key) const { return node_[key].IsDefined() && !node_[key].IsNull(); }

YAML::Node YamlMap::node(const std::string& key) {
  used_.push_back(key);
  return node_[key];
}

std::string YamlMap::required_string(const std::string& key) {
  YAML::Node n = node(key);
  if (!n.IsDefined() || n.IsNull()) fail(node_, "missing required key '" + key + "'");
  if (!n.IsScalar()) fail(n, "'" + key + "' must be a scalar");
  return n.Scalar();
}

std::string YamlMap::optional_string(const std::string& key, const std::string& dflt) {
  YAML::Node n = node(key);
  if (!n.IsDefined() || n.IsNull()) return dflt;
  if (!n.IsScalar()) fail(n, "'" + key + "' must be a scalar");
  return n.Scalar();
}

std::int64_t YamlMap::optional_int(const std::string& key, std::int64_t dflt, std::int64_t min, std::int64_t max) {
  YAML::Node n = node(key);
  if (!n.IsDefined() || n.IsNull()) return dflt;
  if (!n.IsScalar()) fail(n, "'" + key + "' must be an integer");
  const std::string& s = n.Scalar();
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) fail(n, "'" + key + "' must be an integer, not '" + s + "'");
  if (v < min || v > max) {
    fail(n, "'" + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

bool YamlMap::optional_bool(const std::string& key, bool dflt) {
  YAML::Node n = node(key);
  if (!n.IsDefined() || n.IsNull()) return dflt;
  const std::string s = n.IsScalar() ? to_lower(n.Scalar()) : "";
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(n, "'" + key + "' must be true or false");
}

std::vector<std::string> YamlMap::string_list(const std::string& key) {
  YAML::Node n = node(key);
  std::vector<std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) fail(n, "'" + key + "' must be a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) fail(item, "'" + key + "' must be a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<std::int64_t> YamlMap::time_ns(const std::string& key, bool required) {
  YAML::Node n = node(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required) fail(node_, "missing required time '" + key + "'");
    return std::nullopt;
  }
  if (!n.IsScalar()) fail(n, "'" + key + "' must be an ISO-8601 time");
  auto ns = parse_iso_ns(n.Scalar());
  if (!ns) fail(n, "'" + key + "' is not an ISO-8601 UTC time: '" + n.Scalar() + "'");
  return ns;
}

void YamlMap::finish() const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(used_.begin(), used_.end(), key) == used_.end()) fail(it->first, "unknown key '" + key + "'");
  }
}

nlohmann::json yaml_to_json(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(yaml_to_json(item));
    return out;
  }
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = node.begin(); it != node.end(); ++it) out[it->first.Scalar()] = yaml_to_json(it->second);
    return out;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted in the source: a string whatever it looks like
  if (s == "true" || s == "false") return s == "true";
  if (s == "~" || s == "null") return nullptr;
  const bool leading_zero = s.size() > 1 && s[0] == '0' && s[1] != '.';
  if (!s.empty() && !leading_zero && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) {
    std::int64_t i = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ec == std::errc{} && p == s.data() + s.size()) return i;
    double d = 0;
    auto [pd, ecd] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ecd == std::errc{} && pd == s.data() + s.size()) return d;
  }
  return s;
}

}  // namespace triagent::sim
