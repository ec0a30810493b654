#pragma once
// Parsing config text into one yaml-cpp document, with guards for yaml-cpp 0.7 bugs.
//
//   YAML::Node root = load_single_document(text);  // throws YAML::Exception with a Mark
//
// yaml-cpp 0.7's LoadAll loops forever, allocating, on a stray ',' ']' or '}' at the top level
// (jbeder/yaml-cpp#1040, fixed upstream by PR #1319), and Load silently returns null for it. A
// bounded pre-scan with the event parser catches both, and also refuses a second document.

#include <yaml-cpp/yaml.h>

#include <string>

namespace triagent::config_detail {

// The document in `text` (null when there is none). Throws YAML::ParserException when the text
// is not exactly one well-formed document.
YAML::Node load_single_document(const std::string& text);

}  // namespace triagent::config_detail
