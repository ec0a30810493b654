#pragma once
// AttackCatalog: the MITRE ATT&CK Enterprise technique table (ids, names, tactics), with retired
// ids mapped to their replacements, used to validate every technique a rule or an LLM proposes.
// The table shipped in data/attack/ is embedded at build time; a path can override it.
//
//   const AttackCatalog& cat = AttackCatalog::builtin();
//   auto id = cat.normalize("t1086");          // "T1059.001" (retired -> replacement)
//   const Technique* t = cat.find(*id);        // name "PowerShell", tactics {"execution"}

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent::analysis {

struct Technique {
  std::string id;                    // "T1059.001"
  std::string name;                  // "PowerShell"
  std::vector<std::string> tactics;  // kill-chain short names, e.g. {"execution"}
};

// ATT&CK technique ids written in a text ("Encoded PowerShell [T1059.001, T1027]"), in order of
// appearance, each once: "T" and four digits, optionally "." and three, not inside a longer word.
// A plain scan, no regular expression; ids are not checked against a catalog here.
std::vector<std::string> technique_ids_in(std::string_view text);

class AttackCatalog {
 public:
  // Parses the enterprise-techniques.tsv and enterprise-retired-techniques.tsv contents, and
  // optionally SigmaHQ's v19 -> v18.1 tag migration table (new rules carry v19 ids).
  static Result<AttackCatalog> parse(std::string_view techniques_tsv, std::string_view retired_tsv,
                                     std::string_view v19_migration_tsv = {});
  static const AttackCatalog& builtin();

  const Technique* find(std::string_view id) const;
  // Upper-cases, strips an "attack." prefix, maps a retired id to its replacement; nullopt when
  // the id is unknown or deprecated without replacement.
  std::optional<std::string> normalize(std::string_view id) const;
  std::size_t size() const { return techniques_.size(); }

 private:
  std::map<std::string, Technique, std::less<>> techniques_;
  std::map<std::string, std::string, std::less<>> retired_;  // old id -> replacement ("" = none)
  std::map<std::string, std::pair<std::string, long>, std::less<>> v19_;  // v19 id -> (v18.1 id, rules)
};

}  // namespace triagent::analysis
