#include "triagent/privacy/pii_kind.hpp"

namespace triagent::privacy {

std::string_view placeholder_tag(PiiKind kind) {
  switch (kind) {
    case PiiKind::email: return "EMAIL";
    case PiiKind::phone: return "PHONE";
    case PiiKind::credit_card: return "CREDIT_CARD";
    case PiiKind::us_ssn: return "SSN";
    case PiiKind::iban: return "IBAN";
    case PiiKind::ip_address: return "IP";
    case PiiKind::mac_address: return "MAC";
    case PiiKind::crypto_wallet: return "CRYPTO";
    case PiiKind::passport: return "PASSPORT";
    case PiiKind::driver_license: return "DRIVER_LICENSE";
    case PiiKind::nhs_number: return "NHS";
    case PiiKind::bank_account: return "BANK_ACCOUNT";
    case PiiKind::person: return "PERSON";
    case PiiKind::aws_access_key: return "AWS_KEY";
    case PiiKind::jwt: return "JWT";
    case PiiKind::bearer_token: return "TOKEN";
    case PiiKind::private_key: return "PRIVATE_KEY";
    case PiiKind::password: return "PASSWORD";
    case PiiKind::api_key: return "API_KEY";
    case PiiKind::secret_hash: return "HASH_SECRET";
    case PiiKind::user: return "USER";
    case PiiKind::host: return "HOST";
    case PiiKind::custom: return "CUSTOM";
  }
  return "CUSTOM";
}

std::string_view kind_name(PiiKind kind) {
  switch (kind) {
    case PiiKind::email: return "email";
    case PiiKind::phone: return "phone";
    case PiiKind::credit_card: return "credit_card";
    case PiiKind::us_ssn: return "us_ssn";
    case PiiKind::iban: return "iban";
    case PiiKind::ip_address: return "ip_address";
    case PiiKind::mac_address: return "mac_address";
    case PiiKind::crypto_wallet: return "crypto_wallet";
    case PiiKind::passport: return "passport";
    case PiiKind::driver_license: return "driver_license";
    case PiiKind::nhs_number: return "nhs_number";
    case PiiKind::bank_account: return "bank_account";
    case PiiKind::person: return "person";
    case PiiKind::aws_access_key: return "aws_access_key";
    case PiiKind::jwt: return "jwt";
    case PiiKind::bearer_token: return "bearer_token";
    case PiiKind::private_key: return "private_key";
    case PiiKind::password: return "password";
    case PiiKind::api_key: return "api_key";
    case PiiKind::secret_hash: return "secret_hash";
    case PiiKind::user: return "user";
    case PiiKind::host: return "host";
    case PiiKind::custom: return "custom";
  }
  return "custom";
}

bool is_secret(PiiKind kind) {
  switch (kind) {
    case PiiKind::aws_access_key:
    case PiiKind::jwt:
    case PiiKind::bearer_token:
    case PiiKind::private_key:
    case PiiKind::password:
    case PiiKind::api_key:
    case PiiKind::secret_hash:
      return true;
    default:
      return false;
  }
}

}  // namespace triagent::privacy
