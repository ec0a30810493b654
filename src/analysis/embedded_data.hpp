#pragma once
// Data compiled into the binary at build time (see cmake/EmbedFiles.cmake in src/analysis): the
// ATT&CK tables and the built-in Sigma rules, so the analyzer works with no files around it.

#include <string_view>
#include <utility>
#include <vector>

namespace triagent::analysis::embedded {

std::string_view attack_techniques_tsv();
std::string_view attack_retired_tsv();
std::string_view attack_v19_migration_tsv();
// (file name, YAML text) of each rule file under config/rules.
const std::vector<std::pair<std::string_view, std::string_view>>& builtin_rules();

}  // namespace triagent::analysis::embedded
