#pragma once
// A small command-line reader for `triagent <command> [options] [operands]`.
// Options are "--name value", "--name=value" or bare flags; "--" ends options.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace triagent::cli {

struct Arguments {
  std::map<std::string, std::string> options;  // "--config" -> "file"
  std::set<std::string> flags;                 // "--dry-run"
  std::vector<std::string> operands;

  std::optional<std::string> option(const std::string& name) const;
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

// `with_value` lists the options that take a value; any other "--x" is a flag. Errors (an option
// missing its value, an unknown option) are returned as text.
std::optional<std::string> parse_arguments(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                                           const std::set<std::string>& known_flags, Arguments& out);

}  // namespace triagent::cli
