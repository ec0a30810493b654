// auth.tokens: operator tokens with roles, stored as SHA-256 hashes.
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "triagent/config/loader.hpp"

namespace triagent {
namespace {

using config_testing::kMinimal;
using config_testing::load_error;
using config_testing::load_ok;

const std::string kHash = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

std::string with_tokens(const std::string& items) { return kMinimal + "  tokens:\n" + items; }

TEST(AuthTokensConfig, LoadsNamesRolesAndLowerCaseHashes) {
  const Config cfg = load_ok(with_tokens("    - name: alice\n      role: approver\n      sha256: " + kHash +
                                         "\n    - {name: bob, role: viewer, sha256: " + kHash + "}\n"));
  ASSERT_EQ(cfg.auth.tokens.size(), 2u);
  EXPECT_EQ(cfg.auth.tokens[0].name, "alice");
  EXPECT_EQ(cfg.auth.tokens[0].role, Role::approver);
  EXPECT_EQ(cfg.auth.tokens[0].sha256, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(cfg.auth.tokens[1].role, Role::viewer);
  EXPECT_NE(describe_config(cfg).find("alice"), std::string::npos);
}

TEST(AuthTokensConfig, ErrorsNameLineAndKey) {
  EXPECT_EQ(load_error(with_tokens("    - name: alice\n      role: owner\n      sha256: " + kHash + "\n")),
            "test.yaml:5: auth.tokens[0].role: expected viewer, approver or admin, got 'owner'");
  EXPECT_EQ(load_error(with_tokens("    - name: alice\n      role: viewer\n      sha256: not-a-hash-SECRET\n")),
            "test.yaml:6: auth.tokens[0].sha256: expected 64 hex digits (printf %s \"$TOKEN\" | sha256sum), not the "
            "token itself");
  EXPECT_EQ(load_error(with_tokens("    - name: a\n      role: viewer\n      sha256: " + kHash +
                                   "\n    - name: a\n      role: admin\n      sha256: " + kHash + "\n")),
            "test.yaml:7: auth.tokens[1].name: duplicate token name 'a'");
  EXPECT_EQ(load_error(with_tokens("    - name: alice\n      role: viewer\n      sha256: " + kHash + "\n      x: 1\n"))
                .substr(0, 40),
            "test.yaml:7: auth.tokens[0].x: unknown k");
  EXPECT_EQ(load_error(with_tokens("    - name: alice\n      sha256: " + kHash + "\n")),
            "test.yaml:4: auth.tokens[0].role: required (viewer, approver or admin)");
  EXPECT_EQ(load_error(with_tokens("    - name: admin\n      role: viewer\n      sha256: " + kHash + "\n")),
            "test.yaml:4: auth.tokens[0].name: 'admin' is the name of auth.admin_token; choose another");
  EXPECT_EQ(load_error(kMinimal + "  tokens: alice\n"), "test.yaml:3: auth.tokens: expected a list of {name, role, sha256}");
}

TEST(AuthTokensConfig, ErrorsNeverEchoTheValue) {
  EXPECT_EQ(load_error(with_tokens("    - name: alice\n      role: viewer\n      sha256: SECRET\n")).find("SECRET"),
            std::string::npos);
}

}  // namespace
}  // namespace triagent
