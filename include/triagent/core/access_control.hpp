#pragma once
// AccessControl: who is calling the operator API, and may they. Tokens are kept only as SHA-256
// hashes; a presented token is hashed and compared against every stored hash in constant time
// (no early exit), so neither timing nor a leaked config reveals a usable token.
//
//   AccessControl access(cfg.auth.admin_token, cfg.auth.tokens);
//   auto decision = access.authorize(req.header("authorization"), Role::approver);
//   if (decision.status != 0) return respond(ServerResponse::error(decision.status, "..."));
//   record_decision(decision.principal->name);
//
// Roles are cumulative: viewer < approver < admin.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/secret.hpp"

namespace triagent {

enum class Role { viewer = 0, approver = 1, admin = 2 };

const char* to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct Principal {
  std::string name;
  Role role = Role::viewer;
};

// One configured token: auth.tokens[i] (sha256 is 64 hex digits of SHA-256(token)).
struct TokenGrant {
  std::string name;
  Role role = Role::viewer;
  std::string sha256;
};

struct AccessDecision {
  int status = 401;  // 0 allowed, 401 unknown or missing token, 403 known but too low a role
  std::optional<Principal> principal;
};

// Lower-case hex SHA-256 of `text` (what `printf %s "$TOKEN" | sha256sum` prints).
std::string sha256_hex(std::string_view text);
// True when `text` is exactly 64 hex digits.
bool is_sha256_hex(std::string_view text);

class AccessControl {
 public:
  // The admin token (may be empty: then only `grants` exist) becomes principal "admin", role admin.
  // Grants whose hash is not 64 hex digits are skipped (config validation rejects them earlier).
  AccessControl(const Secret& admin_token, const std::vector<TokenGrant>& grants);

  // "Bearer <token>" (scheme case-insensitive) -> the token's principal, or nullopt.
  std::optional<Principal> authenticate(std::string_view authorization_header) const;
  AccessDecision authorize(std::string_view authorization_header, Role needed) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Principal principal;
    std::array<unsigned char, 32> hash{};
  };
  std::vector<Entry> entries_;
};

// The token of an "Authorization: Bearer <token>" value, or nullopt when it is not one.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

}  // namespace triagent
