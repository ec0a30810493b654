#pragma once
// PiiKind: the kinds of sensitive value the redactor knows, and the placeholder tag of each
// (<EMAIL_1>, <USER_2>, ...). Operators' own RE2 patterns use kind `custom` with their own tag.
//
//   std::string_view tag = placeholder_tag(PiiKind::credit_card);   // "CREDIT_CARD"

#include <string_view>

namespace triagent::privacy {

enum class PiiKind {
  email,
  phone,
  credit_card,
  us_ssn,
  iban,
  ip_address,
  mac_address,
  crypto_wallet,    // bitcoin addresses
  passport,         // numbers introduced by a document keyword ("passport", "driver's license", ...)
  driver_license,
  nhs_number,
  bank_account,
  person,           // names introduced by a cue ("Mr.", "my name is", an e-mail display name)
  aws_access_key,
  jwt,
  bearer_token,
  private_key,
  password,
  api_key,
  secret_hash,  // NTLM/LM hashes and key material passed to credential tools
  user,
  host,
  custom,
};

std::string_view placeholder_tag(PiiKind kind);
// "email", "credit_card", ... as used in config and reports.
std::string_view kind_name(PiiKind kind);

// True for kinds that are secrets (always redacted, never restorable into outbound text).
bool is_secret(PiiKind kind);

}  // namespace triagent::privacy
