#pragma once
// Redactor: replaces personal data and secrets by stable typed placeholders recorded in a
// per-job Vault, before anything is sent to an LLM. Text is scanned by PiiScanner; JSON is
// walked field by field, so user and host fields are redacted by name, allow-listed fields are
// kept, deny-listed ones are redacted whole, and names learned from fields are also replaced
// wherever they recur in free text of the same job.
//
//   auto redactor = Redactor::create(RedactionConfig{});
//   Vault vault;
//   std::string safe = redactor->redact_text("login by bob@corp.com from 8.8.8.8", vault);
//   // "login by <EMAIL_1> from <IP_1>"
//   nlohmann::json event = ...;  redactor->redact_json(event, vault);
//   std::string answer = vault.restore(llm_answer);   // back to real values, inside the boundary

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"
#include "triagent/privacy/pii_scanner.hpp"
#include "triagent/privacy/redaction_config.hpp"
#include "triagent/privacy/vault.hpp"

namespace triagent::privacy {

class Redactor {
 public:
  static Result<Redactor> create(const RedactionConfig& config);

  // Appends the redacted form of `text` to `out`.
  void redact_text(std::string_view text, Vault& vault, std::string& out) const;
  std::string redact_text(std::string_view text, Vault& vault) const;

  // Redacts every string of `value` in place (object keys are kept).
  void redact_json(nlohmann::json& value, Vault& vault) const;

  // One input line: a JSON object is redacted as JSON and re-serialised, anything else as text.
  std::string redact_line(std::string_view line, Vault& vault) const;

  // Many lines, each out[k] = redact_line(lines[k], vault) as if called in turn. The patterns of the
  // plain-text lines are searched for over the whole batch first (that search does not read the
  // vault), which keeps the scanner's code warm across lines of mixed formats; placeholders are
  // still given in line order. `out` holds at least lines.size() strings.
  static constexpr std::size_t kBatchLines = 64;
  void redact_lines(std::span<const std::string_view> lines, Vault& vault, std::span<std::string> out) const;

  // The findings redact_text would replace (for evaluation and tests), in text order.
  void find(std::string_view text, std::vector<PiiFinding>& out) const;

  const RedactionConfig& config() const { return scanner_.config(); }

 private:
  Redactor(PiiScanner scanner, std::shared_ptr<const struct RedactorTables> tables)
      : scanner_(std::move(scanner)), tables_(std::move(tables)) {}
  static bool looks_like_json(std::string_view line);
  // find() is the scanner's findings, then merge_named_values(): names found by key, where no
  // pattern finding overlaps them.
  void merge_named_values(std::string_view text, std::vector<PiiFinding>& out, std::size_t first) const;
  void find_named_values(std::string_view text, std::vector<PiiFinding>& out) const;
  // redact_text() after find(): adds the names the vault knows, then writes the text to `out`.
  void redact_found(std::string_view text, std::vector<PiiFinding>& findings, Vault& vault, std::string& out) const;
  void add_known_names(std::string_view text, const Vault& vault, std::vector<PiiFinding>& findings) const;
  // One string under `key`: a user, host or deny-listed field is replaced whole (first pass)...
  void redact_field_value(std::string_view key, std::string& value, Vault& vault) const;
  // ...then free text is scanned (second pass), unless the field is allow-listed.
  void redact_text_value(const std::string_view* key, std::string& value, Vault& vault) const;
  void redact_json_fields(nlohmann::json& value, const std::string* key, Vault& vault) const;
  void redact_json_text(nlohmann::json& value, const std::string* key, Vault& vault) const;

  PiiScanner scanner_;
  std::shared_ptr<const struct RedactorTables> tables_;
};

}  // namespace triagent::privacy
