#pragma once
// Secret: a credential (API key, token, HMAC key) whose only way out is reveal(). It never prints,
// so a config dump, a log line or an error message cannot leak one by accident.
//
//   Secret key(read_file("/run/secrets/s1_token"));
//   headers.emplace_back("Authorization", "ApiToken " + key.reveal());
//   std::cout << key.redacted();   // "<redacted>"

#include <string>
#include <utility>

namespace triagent {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  bool empty() const { return value_.empty(); }
  const std::string& reveal() const { return value_; }
  // What a dump shows instead of the value.
  std::string redacted() const { return value_.empty() ? "" : "<redacted>"; }

 private:
  std::string value_;
};

}  // namespace triagent
