#pragma once
// PiiScanner: finds sensitive values in text with hand-written scanners (linear time, one pass
// with cheap triggers) plus the operator's RE2 patterns: e-mail, phone, credit card (Luhn), US
// SSN, IBAN (mod 97), IP and MAC addresses, bitcoin addresses, document numbers after their
// keyword (passport, driver's license, NHS, bank account), names after a cue ("Mr.", "my name
// is", an e-mail display name), AWS keys, JWTs, bearer tokens, private keys, passwords
// and hashes on command lines, key=value secrets. Findings never overlap and come in text order.
//
//   auto scanner = PiiScanner::create(RedactionConfig{});
//   std::vector<PiiFinding> found;
//   scanner->scan("mail bob@example.com or call +1 415 555 0132", found);
//   // found[0]: email [5,20), found[1]: phone [29,44)

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"
#include "triagent/privacy/pii_kind.hpp"
#include "triagent/privacy/redaction_config.hpp"

namespace triagent::privacy {

struct PiiFinding {
  std::size_t begin = 0;  // byte offsets into the scanned text, end exclusive
  std::size_t end = 0;
  PiiKind kind = PiiKind::custom;
  std::string_view tag;   // placeholder tag (the kind's, or the custom pattern's)
};

class PiiScanner {
 public:
  // Fails when an extra pattern does not compile (the message names it).
  static Result<PiiScanner> create(const RedactionConfig& config);

  // Appends the findings in `text` to `out`.
  void scan(std::string_view text, std::vector<PiiFinding>& out) const;

  const RedactionConfig& config() const;

  struct Impl;  // compiled patterns; shared by copies of the scanner

 private:
  explicit PiiScanner(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// The validity checks, exposed for tests and for the analyzer's own use.
bool luhn_valid(std::string_view digits);            // digits only
bool iban_valid(std::string_view compact);           // no spaces, upper case
bool us_ssn_valid(std::string_view area, std::string_view group, std::string_view serial);
bool bitcoin_address_valid(std::string_view address);  // base58 (decoded length, version) or bech32(m)

}  // namespace triagent::privacy
