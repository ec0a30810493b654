#pragma once
// YamlMap: reads one YAML mapping into typed values and rejects keys nobody asked for, naming
// the file and line. The simulator's scenario and fault files are read with it; loading is
// start-up (or control-call) work, so errors are thrown as YamlError and caught by the loader.
//
//   YamlMap m(node, "scenario.yaml", "agents[0]");
//   agent.id = m.required_string("id");
//   agent.is_active = m.optional_bool("is_active", true);
//   m.finish();   // throws "scenario.yaml:12: agents[0]: unknown key 'colour'"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <yaml-cpp/yaml.h>

namespace triagent::sim {

class YamlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "file:line: what" for a node (line numbers from 1).
[[noreturn]] void yaml_fail(const std::string& file, const YAML::Node& at, const std::string& what);

class YamlMap {
 public:
  YamlMap(const YAML::Node& node, std::string file, std::string where);

  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key);  // marks the key used; an undefined node when absent

  std::string required_string(const std::string& key);
  std::string optional_string(const std::string& key, const std::string& dflt = "");
  std::int64_t optional_int(const std::string& key, std::int64_t dflt, std::int64_t min, std::int64_t max);
  bool optional_bool(const std::string& key, bool dflt);
  std::vector<std::string> string_list(const std::string& key);
  // An ISO-8601 time, as epoch ns; `required` makes absence an error.
  std::optional<std::int64_t> time_ns(const std::string& key, bool required);

  // Throws for the first key that no accessor asked for.
  void finish() const;

  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }
  const YAML::Node& self() const { return node_; }
  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string where_;
  std::vector<std::string> used_;
};

// Converts a YAML scalar/sequence/map to JSON: integers and floats become numbers, true/false
// booleans, ~/null null, anything else a string (quoted scalars, and digits with a leading zero
// such as "0001", stay strings).
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace triagent::sim
