#include "config/yaml_walker.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "config/value_checks.hpp"
#include "triagent/config/config.hpp"
#include "triagent/config/interpolate.hpp"

namespace triagent::config_detail {
namespace {

std::string joined(std::initializer_list<std::string_view> words, std::string_view last_separator) {
  std::string out;
  std::size_t i = 0;
  for (const auto word : words) {
    if (i > 0) out += (i + 1 == words.size()) ? std::string(last_separator) : std::string(", ");
    out += word;
    ++i;
  }
  return out;
}

}  // namespace

int YamlWalker::line_of(const YAML::Node& node) {
  const int line = node.Mark().line;
  return line >= 0 ? line + 1 : 1;
}

std::string YamlWalker::child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

void YamlWalker::fail(const YAML::Node& at, const std::string& path, const std::string& problem) const {
  fail_at_line(line_of(at), path, problem);
}

void YamlWalker::fail_at_line(int line, const std::string& path, const std::string& problem) const {
  throw ConfigError(source_ + ":" + std::to_string(line) + ": " + (path.empty() ? "<root>" : path) + ": " + problem);
}

void YamlWalker::each_key(const YAML::Node& map, const std::string& path, const char* expected,
                          const EntryHandler& handle) const {
  if (!map.IsMap()) fail(map, path, expected);
  std::set<std::string, std::less<>> seen;
  for (const auto& pair : map) {
    const YAML::Node& key_node = pair.first;
    if (!key_node.IsScalar()) fail(key_node, path, "keys must be plain names");
    const std::string& key = key_node.Scalar();
    const std::string key_path = child_path(path, quoted_or_plain_key(key));
    // yaml-cpp keeps both entries of a repeated key; which one wins would be an accident.
    if (!seen.insert(key).second) fail(key_node, key_path, "duplicate key");
    handle(key, key_node, pair.second, key_path);
  }
}

void YamlWalker::fields(const YAML::Node& map, const std::string& path, std::initializer_list<Field> fields) const {
  each_key(
      map, path, "expected a mapping of keys to values",
      [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value, const std::string& key_path) {
        const Field* field = nullptr;
        for (const Field& f : fields) {
          if (f.key == key) field = &f;
        }
        if (field == nullptr) {
          std::string known;
          for (const Field& f : fields) known += (known.empty() ? "" : ", ") + std::string(f.key);
          fail(key_node, key_path, "unknown key (expected one of: " + known + ")");
        }
        if (!value.IsNull()) field->handle(value, key_path);
      });
}

void YamlWalker::entries(const YAML::Node& map, const std::string& path, const EntryHandler& handle) const {
  each_key(map, path, "expected a mapping of names to settings", handle);
}

std::string YamlWalker::quoted_or_plain_key(const std::string& key) {
  // Keys are the user's text: keep them on one line and short in messages.
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ' || c == ':') return quoted_for_message(key);
  }
  return key.size() <= 64 ? key : quoted_for_message(key);
}

YamlWalker::Scalar YamlWalker::scalar(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar()) {
    fail(node, path,
         node.IsSequence() ? "expected a single value, got a list" : "expected a single value, got a mapping");
  }
  Scalar s;
  s.raw = node.Scalar();
  auto value = interpolate(s.raw, env_);
  if (!value) fail(node, path, value.error().message);
  s.value = std::move(*value);
  return s;
}

std::string YamlWalker::got(const Scalar& s) {
  if (s.raw == s.value) return "got " + quoted_for_message(s.value);
  return "got the value of " + quoted_for_message(s.raw) + " (not shown)";
}

std::string YamlWalker::string(const YAML::Node& node, const std::string& path) const {
  return scalar(node, path).value;
}

std::string YamlWalker::non_empty_string(const YAML::Node& node, const std::string& path) const {
  std::string value = string(node, path);
  if (value.empty()) fail(node, path, "must not be empty");
  return value;
}

Secret YamlWalker::secret(const YAML::Node& node, const std::string& path) const {
  std::string value = scalar(node, path).value;
  if (!value.empty() && value.size() < kMinSecretLength) {
    fail(node, path, "too short (a secret needs at least " + std::to_string(kMinSecretLength) + " characters)");
  }
  return Secret(std::move(value));
}

bool YamlWalker::boolean(const YAML::Node& node, const std::string& path) const {
  const Scalar s = scalar(node, path);
  if (s.value == "true") return true;
  if (s.value == "false") return false;
  fail(node, path, "expected true or false, " + got(s));
}

std::uint64_t YamlWalker::positive(const YAML::Node& node, const std::string& path, std::uint64_t max) const {
  const Scalar s = scalar(node, path);
  const auto n = parse_unsigned(s.value);
  if (!n || *n == 0) fail(node, path, "expected a positive integer, " + got(s));
  if (*n > max) fail(node, path, "must be at most " + std::to_string(max) + ", " + got(s));
  return *n;
}

int YamlWalker::non_negative_int(const YAML::Node& node, const std::string& path) const {
  const Scalar s = scalar(node, path);
  const auto n = parse_unsigned(s.value);
  if (!n) fail(node, path, "expected an integer >= 0, " + got(s));
  if (*n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    fail(node, path, "must be at most " + std::to_string(std::numeric_limits<int>::max()) + ", " + got(s));
  }
  return static_cast<int>(*n);
}

int YamlWalker::positive_int(const YAML::Node& node, const std::string& path) const {
  return static_cast<int>(positive(node, path, std::numeric_limits<int>::max()));
}

int YamlWalker::positive_int_or_auto(const YAML::Node& node, const std::string& path) const {
  const Scalar s = scalar(node, path);
  if (s.value == "auto") return kAutoThreads;
  const auto n = parse_unsigned(s.value);
  if (!n || *n == 0) fail(node, path, "expected a positive integer or 'auto', " + got(s));
  if (*n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    fail(node, path, "must be at most " + std::to_string(std::numeric_limits<int>::max()) + ", " + got(s));
  }
  return static_cast<int>(*n);
}

std::int64_t YamlWalker::positive_int64(const YAML::Node& node, const std::string& path) const {
  return static_cast<std::int64_t>(positive(node, path, std::numeric_limits<std::int64_t>::max()));
}

std::uint64_t YamlWalker::positive_uint64(const YAML::Node& node, const std::string& path) const {
  return positive(node, path, std::numeric_limits<std::uint64_t>::max());
}

std::int64_t YamlWalker::non_negative_int64(const YAML::Node& node, const std::string& path) const {
  const Scalar s = scalar(node, path);
  const auto n = parse_unsigned(s.value);
  if (!n) fail(node, path, "expected an integer >= 0, " + got(s));
  if (*n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) fail(node, path, "too large, " + got(s));
  return static_cast<std::int64_t>(*n);
}

double YamlWalker::non_negative_double(const YAML::Node& node, const std::string& path) const {
  const Scalar s = scalar(node, path);
  double value = 0;
  const char* begin = s.value.data();
  const char* end = begin + s.value.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (s.value.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    fail(node, path, "expected a number >= 0, " + got(s));
  }
  return value;
}

std::vector<std::string> YamlWalker::strings(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence()) fail(node, path, "expected a list");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) out.push_back(string(node[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

std::string YamlWalker::one_of(const YAML::Node& node, const std::string& path,
                               std::initializer_list<std::string_view> allowed) const {
  Scalar s = scalar(node, path);
  for (const auto word : allowed) {
    if (s.value == word) return std::move(s.value);
  }
  fail(node, path, "expected " + joined(allowed, " or ") + ", " + got(s));
}

std::string YamlWalker::listen_address(const YAML::Node& node, const std::string& path) const {
  Scalar s = scalar(node, path);
  if (auto problem = listen_address_problem(s.value)) fail(node, path, *problem + ", " + got(s));
  return std::move(s.value);
}

std::string YamlWalker::json_pointer(const YAML::Node& node, const std::string& path) const {
  Scalar s = scalar(node, path);
  if (!is_json_pointer(s.value)) {
    fail(node, path, "expected a JSON pointer (RFC 6901: \"\" or starting with '/', '~' only as ~0 or ~1), " + got(s));
  }
  return std::move(s.value);
}

std::vector<std::string> YamlWalker::json_pointers(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence()) fail(node, path, "expected a list of JSON pointers");
  std::vector<std::string> pointers;
  for (std::size_t i = 0; i < node.size(); ++i) {
    pointers.push_back(json_pointer(node[i], path + "[" + std::to_string(i) + "]"));
  }
  return pointers;
}

}  // namespace triagent::config_detail
