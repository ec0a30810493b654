// AccessControl: bearer parsing, hashed tokens, cumulative roles.
#include <gtest/gtest.h>

#include "triagent/core/access_control.hpp"

namespace triagent {
namespace {

const Secret kAdmin("admin-token-0123456789");
const std::string kViewerToken = "viewer-token-0123456789";
const std::string kApproverToken = "approver-token-0123456789";

AccessControl make_access() {
  return AccessControl(kAdmin, {{"vera", Role::viewer, sha256_hex(kViewerToken)},
                                {"alice", Role::approver, sha256_hex(kApproverToken)}});
}

TEST(AccessControl, Sha256HexMatchesSha256sum) {
  // printf %s test | sha256sum
  EXPECT_EQ(sha256_hex("test"), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_TRUE(is_sha256_hex(sha256_hex("x")));
  EXPECT_TRUE(is_sha256_hex("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
  EXPECT_FALSE(is_sha256_hex("9f86d0"));
  EXPECT_FALSE(is_sha256_hex(std::string(64, 'g')));
}

TEST(AccessControl, AuthenticatesEachTokenAsItsPrincipal) {
  const AccessControl access = make_access();
  EXPECT_EQ(access.size(), 3u);
  auto admin = access.authenticate("Bearer " + kAdmin.reveal());
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->name, "admin");
  EXPECT_EQ(admin->role, Role::admin);
  auto alice = access.authenticate("bearer  " + kApproverToken + " ");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->role, Role::approver);
  auto vera = access.authenticate("BEARER\t" + kViewerToken);
  ASSERT_TRUE(vera);
  EXPECT_EQ(vera->name, "vera");
}

TEST(AccessControl, RejectsBadHeaders) {
  const AccessControl access = make_access();
  for (std::string header : {std::string(""), std::string("Bearer"), std::string("Bearer "),
                             "Basic " + kViewerToken, "Bearer" + kViewerToken, "Token " + kViewerToken,
                             "Bearer " + kViewerToken + "x", "Bearer " + kViewerToken.substr(1),
                             "Bearer " + sha256_hex(kViewerToken)}) {
    EXPECT_FALSE(access.authenticate(header)) << header;
  }
}

TEST(AccessControl, RolesAreCumulative) {
  const AccessControl access = make_access();
  const std::string viewer = "Bearer " + kViewerToken;
  const std::string approver = "Bearer " + kApproverToken;
  const std::string admin = "Bearer " + kAdmin.reveal();
  EXPECT_EQ(access.authorize(viewer, Role::viewer).status, 0);
  EXPECT_EQ(access.authorize(viewer, Role::approver).status, 403);
  EXPECT_EQ(access.authorize(viewer, Role::admin).status, 403);
  EXPECT_EQ(access.authorize(approver, Role::viewer).status, 0);
  EXPECT_EQ(access.authorize(approver, Role::approver).status, 0);
  EXPECT_EQ(access.authorize(approver, Role::admin).status, 403);
  EXPECT_EQ(access.authorize(admin, Role::admin).status, 0);
  EXPECT_EQ(access.authorize("Bearer nope-nope-nope", Role::viewer).status, 401);
  EXPECT_FALSE(access.authorize("", Role::viewer).principal);
  EXPECT_EQ(access.authorize(viewer, Role::admin).principal->name, "vera");
}

TEST(AccessControl, EmptyAdminTokenAndBadHashesGrantNothing) {
  const AccessControl access(Secret{}, {{"x", Role::admin, "not-hex"}});
  EXPECT_EQ(access.size(), 0u);
  EXPECT_FALSE(access.authenticate("Bearer "));
  EXPECT_FALSE(access.authenticate("Bearer not-hex"));
}

TEST(AccessControl, SameHashTwiceResolvesToTheFirstEntry) {
  // Config validation keeps names unique but not hashes; the first entry wins, deterministically.
  const AccessControl access(Secret{}, {{"first", Role::viewer, sha256_hex("t0123456789abcdef")},
                                        {"second", Role::admin, sha256_hex("t0123456789abcdef")}});
  EXPECT_EQ(access.authenticate("Bearer t0123456789abcdef")->name, "first");
}

}  // namespace
}  // namespace triagent
