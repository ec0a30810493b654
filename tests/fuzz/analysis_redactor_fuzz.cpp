// Fuzz target: the redactor on text and JSON, and the vault round trip: whatever the input, the
// redacted text must restore to the original when every placeholder is restorable.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "triagent/privacy/redactor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace triagent::privacy;
  static const Redactor redactor = [] {
    RedactionConfig cfg;
    cfg.extra_patterns.push_back({"TICKET", R"(\bINC\d{6,}\b)"});
    auto r = Redactor::create(cfg);
    if (!r) __builtin_trap();
    return std::move(*r);
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Vault vault;
  const std::string redacted = redactor.redact_text(text, vault);
  // Restoring undoes the redaction unless the input already held placeholder-like text.
  if (text.find('<') == std::string_view::npos && vault.restore(redacted) != text) __builtin_trap();
  (void)redactor.redact_line(text, vault);
  (void)vault.find_leak(redacted);
  return 0;
}
