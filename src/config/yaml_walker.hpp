#pragma once
// YamlWalker: the schema-agnostic half of config loading. It walks yaml-cpp nodes, interpolates
// each scalar, converts it to its type and fails with "<file>:<line>: <key.path>: <problem>".
// loader.cpp describes the Config schema with it:
//
//   walker.fields(node, "server", {
//       {"threads", [&](const YAML::Node& v, const std::string& path) {
//          cfg.threads = walker.positive_int(v, path); }},
//   });
//
// Failures are thrown as ConfigError and turned into a Result at the loader's boundary: config
// loading happens once at start-up, and a throw keeps every schema line to one statement.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/config/config.hpp"
#include "triagent/config/loader.hpp"

namespace triagent::config_detail {

// Tokens and HMAC keys shorter than this are guessable.
inline constexpr std::size_t kMinSecretLength = 16;

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class YamlWalker {
 public:
  using Handler = std::function<void(const YAML::Node& value, const std::string& path)>;
  struct Field {
    std::string_view key;
    Handler handle;
  };
  using EntryHandler = std::function<void(const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                                          const std::string& path)>;

  YamlWalker(std::string source_name, const Environment& env) : source_(std::move(source_name)), env_(env) {}

  // Calls the handler of each key present in `map`. A key without a value counts as absent, so
  // "tls:" alone keeps the defaults. Unknown and repeated keys fail.
  void fields(const YAML::Node& map, const std::string& path, std::initializer_list<Field> fields) const;
  // For maps keyed by names the user chooses (webhooks.sources). The handler sees every entry, null
  // values included, so it can reject a bad name even when nothing follows it.
  void entries(const YAML::Node& map, const std::string& path, const EntryHandler& handle) const;

  std::string string(const YAML::Node& node, const std::string& path) const;
  std::string non_empty_string(const YAML::Node& node, const std::string& path) const;
  // Empty (the feature is off) or at least kMinSecretLength characters; never echoed.
  Secret secret(const YAML::Node& node, const std::string& path) const;
  bool boolean(const YAML::Node& node, const std::string& path) const;
  int positive_int(const YAML::Node& node, const std::string& path) const;
  // A positive integer, or `auto` (returned as kAutoThreads).
  int positive_int_or_auto(const YAML::Node& node, const std::string& path) const;
  int non_negative_int(const YAML::Node& node, const std::string& path) const;
  std::int64_t positive_int64(const YAML::Node& node, const std::string& path) const;
  std::uint64_t positive_uint64(const YAML::Node& node, const std::string& path) const;
  std::int64_t non_negative_int64(const YAML::Node& node, const std::string& path) const;
  // A finite decimal number >= 0 ("0.5", "4", "1e3").
  double non_negative_double(const YAML::Node& node, const std::string& path) const;
  // A sequence of scalars (an empty sequence is allowed).
  std::vector<std::string> strings(const YAML::Node& node, const std::string& path) const;
  std::string one_of(const YAML::Node& node, const std::string& path,
                     std::initializer_list<std::string_view> allowed) const;
  std::string listen_address(const YAML::Node& node, const std::string& path) const;
  std::string json_pointer(const YAML::Node& node, const std::string& path) const;
  std::vector<std::string> json_pointers(const YAML::Node& node, const std::string& path) const;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& problem) const;
  [[noreturn]] void fail_at_line(int line, const std::string& path, const std::string& problem) const;

  // 1-based; 1 when yaml-cpp has no position for the node.
  static int line_of(const YAML::Node& node);
  static std::string child_path(const std::string& path, std::string_view key);
  // A key as it appears in a path: as written when it is a short plain name, quoted otherwise.
  static std::string quoted_or_plain_key(const std::string& key);

 private:
  struct Scalar {
    std::string value;  // after interpolation
    std::string raw;    // as written in the file
  };
  void each_key(const YAML::Node& map, const std::string& path, const char* expected,
                const EntryHandler& handle) const;
  Scalar scalar(const YAML::Node& node, const std::string& path) const;
  // "got '<value>'" when the value is what the file says; otherwise it came from the environment or
  // a file and may be a secret, so only the expression that produced it is shown.
  static std::string got(const Scalar& s);
  std::uint64_t positive(const YAML::Node& node, const std::string& path, std::uint64_t max) const;

  std::string source_;
  const Environment& env_;
};

}  // namespace triagent::config_detail
