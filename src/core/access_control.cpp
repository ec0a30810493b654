// Token authentication and role checks for the operator API (see access_control.hpp).
#include "triagent/core/access_control.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace triagent {

namespace {

using Digest = std::array<unsigned char, 32>;

Digest digest_of(std::string_view text) {
  Digest d{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d.data());
  return d;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Digest> digest_from_hex(std::string_view hex) {
  if (!is_sha256_hex(hex)) return std::nullopt;
  Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    d[i] = static_cast<unsigned char>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  }
  return d;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

const char* to_string(Role role) {
  switch (role) {
    case Role::viewer: return "viewer";
    case Role::approver: return "approver";
    case Role::admin: return "admin";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "viewer") return Role::viewer;
  if (text == "approver") return Role::approver;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

std::string sha256_hex(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  Digest d = digest_of(text);
  std::string out;
  out.reserve(64);
  for (unsigned char b : d) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (hex_value(c) < 0) return false;
  }
  return true;
}

std::optional<std::string_view> bearer_token(std::string_view authorization_header) {
  std::string_view value = trim_ows(authorization_header);
  constexpr std::string_view scheme = "bearer";
  if (value.size() <= scheme.size() + 1) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = value[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return std::nullopt;
  }
  if (value[scheme.size()] != ' ' && value[scheme.size()] != '\t') return std::nullopt;
  std::string_view token = trim_ows(value.substr(scheme.size() + 1));
  if (token.empty()) return std::nullopt;
  return token;
}

AccessControl::AccessControl(const Secret& admin_token, const std::vector<TokenGrant>& grants) {
  if (!admin_token.empty()) entries_.push_back({{"admin", Role::admin}, digest_of(admin_token.reveal())});
  for (const auto& g : grants) {
    if (auto d = digest_from_hex(g.sha256)) entries_.push_back({{g.name, g.role}, *d});
  }
}

std::optional<Principal> AccessControl::authenticate(std::string_view authorization_header) const {
  auto token = bearer_token(authorization_header);
  if (!token) return std::nullopt;
  const Digest presented = digest_of(*token);
  // Every entry is compared, whatever matched before, so the time taken does not say which entry
  // (or whether any) matched.
  std::size_t match = entries_.size();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const int differs = CRYPTO_memcmp(presented.data(), entries_[i].hash.data(), presented.size());
    const bool take = (differs == 0) & (match == entries_.size());
    match = take ? i : match;
  }
  if (match == entries_.size()) return std::nullopt;
  return entries_[match].principal;
}

AccessDecision AccessControl::authorize(std::string_view authorization_header, Role needed) const {
  AccessDecision d;
  d.principal = authenticate(authorization_header);
  if (!d.principal) {
    d.status = 401;
  } else {
    d.status = static_cast<int>(d.principal->role) >= static_cast<int>(needed) ? 0 : 403;
  }
  return d;
}

}  // namespace triagent
