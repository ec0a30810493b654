// Webhook authentication: signature header parsing, HMAC signatures, bearer tokens, replay window.

#include <gtest/gtest.h>

#include <string>

#include "triagent/ingress/webhook_auth.hpp"

namespace triagent {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;
constexpr int kWindow = 300;
const std::string kBody = R"({"a":1})";

WebhookSourceConfig hmac_source(const std::string& secret = "s3cret") {
  WebhookSourceConfig c;
  c.hmac_secret = Secret(secret);
  return c;
}

WebhookSourceConfig bearer_source(const std::string& token = "tok-123") {
  WebhookSourceConfig c;
  c.token = Secret(token);
  return c;
}

std::string header_for(const std::string& secret, std::int64_t t, const std::string& body) {
  return "t=" + std::to_string(t) + ",v1=" + compute_signature(secret, t, body);
}

std::string reason(const Result<void>& r) { return r ? std::string("ok") : r.error().message; }

// --- compute_signature / constant_time_equals ---------------------------------------------------

TEST(ComputeSignature, MatchesKnownHmacSha256) {
  // Expected values from Python's hmac module over "<t>.<body>".
  EXPECT_EQ(compute_signature("s3cret", kNow, kBody), "1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940");
  EXPECT_EQ(compute_signature("Jefe", 1, "what do ya want for nothing?"),
            "a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38");
}

TEST(ComputeSignature, WorksWithEmptySecretAndBody) {
  EXPECT_EQ(compute_signature("", 0, ""), "b849d5a581847b281957065739df36df2463d1977ea8d6e1e4e6cf33fadc68c3");
}

TEST(ComputeSignature, DependsOnEveryInput) {
  const std::string base = compute_signature("k", 1, "body");
  EXPECT_NE(compute_signature("K", 1, "body"), base);
  EXPECT_NE(compute_signature("k", 2, "body"), base);
  EXPECT_NE(compute_signature("k", 1, "bodY"), base);
  EXPECT_EQ(base.size(), 64u);
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("", "a"));
  EXPECT_TRUE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

// --- parse_signature_header -----------------------------------------------------------------------

const std::string kHexA(64, 'a');
const std::string kHexB(64, 'b');

TEST(ParseSignatureHeader, ReadsTimestampAndSignature) {
  auto h = parse_signature_header("t=1700000000,v1=" + kHexA);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->timestamp, 1'700'000'000);
  ASSERT_EQ(h->v1.size(), 1u);
  EXPECT_EQ(h->v1[0], kHexA);
}

TEST(ParseSignatureHeader, KeepsEveryV1AndLowerCasesThem) {
  auto h = parse_signature_header("v1=" + std::string(64, 'A') + ", t=5 ,\tv1=" + kHexB);
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->timestamp, 5);
  ASSERT_EQ(h->v1.size(), 2u);
  EXPECT_EQ(h->v1[0], kHexA);
  EXPECT_EQ(h->v1[1], kHexB);
}

TEST(ParseSignatureHeader, IgnoresUnknownKeysAndEmptyElements) {
  auto h = parse_signature_header("t=1,v0=zzz,,scheme=x,v1=" + kHexA + ",");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->v1.size(), 1u);
}

TEST(ParseSignatureHeader, NamesEachProblem) {
  struct Case {
    std::string header;
    std::string error;
  };
  const Case cases[] = {
      {"", "empty"},
      {"   ", "empty"},
      {"v1=" + kHexA, "missing t="},
      {"t=1", "missing v1="},
      {"t=1,v0=" + kHexA, "missing v1="},
      {"t=1,v1", "element 2 has no '='"},
      {"t=1,t=2,v1=" + kHexA, "more than one t="},
      {"t=,v1=" + kHexA, "t= is not a Unix time in seconds"},
      {"t=-5,v1=" + kHexA, "t= is not a Unix time in seconds"},
      {"t=12a,v1=" + kHexA, "t= is not a Unix time in seconds"},
      {"t=1234567890123456,v1=" + kHexA, "t= is not a Unix time in seconds"},
      {"t=1,v1=" + std::string(63, 'a'), "v1= is not 64 hex digits"},
      {"t=1,v1=" + std::string(65, 'a'), "v1= is not 64 hex digits"},
      {"t=1,v1=" + std::string(63, 'a') + "g", "v1= is not 64 hex digits"},
      {"t = 1,v1=" + kHexA, "missing t="},
      {std::string(4097, ' '), "longer than 4096 bytes"},
  };
  for (const auto& c : cases) {
    auto h = parse_signature_header(c.header);
    ASSERT_FALSE(h) << c.header;
    EXPECT_EQ(h.error().message, c.error) << c.header;
    EXPECT_EQ(h.error().code, ErrorCode::invalid_argument);
  }
}

TEST(ParseSignatureHeader, BoundsTheNumberOfSignatures) {
  std::string header = "t=1";
  for (int i = 0; i < 8; ++i) header += ",v1=" + kHexA;
  EXPECT_TRUE(parse_signature_header(header));
  header += ",v1=" + kHexA;
  auto h = parse_signature_header(header);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message, "more than 8 v1= signatures");
}

TEST(ParseSignatureHeader, SurvivesBinaryGarbage) {
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage.push_back(static_cast<char>(i * 37));
  EXPECT_FALSE(parse_signature_header(garbage));
}

// --- bearer_matches -------------------------------------------------------------------------------

TEST(BearerMatches, AcceptsTheTokenWithAnySchemeCase) {
  const Secret token("tok-123");
  EXPECT_TRUE(bearer_matches("Bearer tok-123", token));
  EXPECT_TRUE(bearer_matches("bearer tok-123", token));
  EXPECT_TRUE(bearer_matches("BEARER   tok-123  ", token));
}

TEST(BearerMatches, RejectsWrongOrMissingParts) {
  const Secret token("tok-123");
  EXPECT_FALSE(bearer_matches("Bearer tok-124", token));
  EXPECT_FALSE(bearer_matches("Bearer tok-1234", token));
  EXPECT_FALSE(bearer_matches("Bearer TOK-123", token));
  EXPECT_FALSE(bearer_matches("tok-123", token));
  EXPECT_FALSE(bearer_matches("Bearertok-123", token));
  EXPECT_FALSE(bearer_matches("Basic tok-123", token));
  EXPECT_FALSE(bearer_matches("Bearer ", token));
  EXPECT_FALSE(bearer_matches("", token));
  EXPECT_FALSE(bearer_matches("Bearer ", Secret()));
  EXPECT_FALSE(bearer_matches("Bearer anything", Secret()));
}

// --- authenticate_webhook -------------------------------------------------------------------------

TEST(AuthenticateWebhook, AcceptsAValidSignature) {
  auto r = authenticate_webhook(hmac_source(), "", header_for("s3cret", kNow, kBody), kBody, kNow, kWindow);
  EXPECT_TRUE(r) << reason(r);
}

TEST(AuthenticateWebhook, AcceptsEitherOfTwoSignaturesWhileRotatingSecrets) {
  const std::string old_sig = compute_signature("old-secret", kNow, kBody);
  const std::string new_sig = compute_signature("s3cret", kNow, kBody);
  const std::string header = "t=" + std::to_string(kNow) + ",v1=" + old_sig + ",v1=" + new_sig;
  EXPECT_TRUE(authenticate_webhook(hmac_source("s3cret"), "", header, kBody, kNow, kWindow));
  EXPECT_TRUE(authenticate_webhook(hmac_source("old-secret"), "", header, kBody, kNow, kWindow));
  EXPECT_EQ(reason(authenticate_webhook(hmac_source("third"), "", header, kBody, kNow, kWindow)),
            "signature mismatch");
}

TEST(AuthenticateWebhook, AcceptsUpperCaseHexSignatures) {
  std::string sig = compute_signature("s3cret", kNow, kBody);
  for (char& c : sig) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(authenticate_webhook(hmac_source(), "", "t=" + std::to_string(kNow) + ",v1=" + sig, kBody, kNow,
                                   kWindow));
}

TEST(AuthenticateWebhook, RejectsATamperedBody) {
  auto r = authenticate_webhook(hmac_source(), "", header_for("s3cret", kNow, kBody), R"({"a":2})", kNow, kWindow);
  EXPECT_EQ(reason(r), "signature mismatch");
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
}

TEST(AuthenticateWebhook, RejectsASignatureMadeWithAnotherSecret) {
  auto r = authenticate_webhook(hmac_source(), "", header_for("wrong", kNow, kBody), kBody, kNow, kWindow);
  EXPECT_EQ(reason(r), "signature mismatch");
}

TEST(AuthenticateWebhook, RejectsASignatureWhoseTimestampWasChanged) {
  // The signature is bound to its timestamp: moving t (to pass the window) breaks it.
  std::string header = "t=" + std::to_string(kNow) + ",v1=" + compute_signature("s3cret", kNow - 1000, kBody);
  EXPECT_EQ(reason(authenticate_webhook(hmac_source(), "", header, kBody, kNow, kWindow)), "signature mismatch");
}

TEST(AuthenticateWebhook, EnforcesTheReplayWindowOnBothSidesInclusive) {
  const auto src = hmac_source();
  auto at = [&](std::int64_t t) { return reason(authenticate_webhook(src, "", header_for("s3cret", t, kBody), kBody, kNow, kWindow)); };
  EXPECT_EQ(at(kNow - kWindow), "ok");
  EXPECT_EQ(at(kNow + kWindow), "ok");
  EXPECT_EQ(at(kNow - kWindow - 1), "signature timestamp outside the replay window");
  EXPECT_EQ(at(kNow + kWindow + 1), "signature timestamp outside the replay window");
  EXPECT_EQ(at(0), "signature timestamp outside the replay window");
  EXPECT_EQ(at(999'999'999'999'999), "signature timestamp outside the replay window");
}

TEST(AuthenticateWebhook, ReportsAMalformedHeader) {
  auto r = authenticate_webhook(hmac_source(), "", "t=abc,v1=00", kBody, kNow, kWindow);
  EXPECT_EQ(reason(r), "malformed signature header: t= is not a Unix time in seconds");
  EXPECT_EQ(r.error().code, ErrorCode::unauthenticated);
}

TEST(AuthenticateWebhook, AcceptsAValidBearerToken) {
  EXPECT_TRUE(authenticate_webhook(bearer_source(), "Bearer tok-123", "", kBody, kNow, kWindow));
}

TEST(AuthenticateWebhook, RejectsAWrongBearerToken) {
  EXPECT_EQ(reason(authenticate_webhook(bearer_source(), "Bearer tok-999", "", kBody, kNow, kWindow)),
            "invalid bearer token");
  EXPECT_EQ(reason(authenticate_webhook(bearer_source(), "tok-123", "", kBody, kNow, kWindow)),
            "invalid bearer token");
}

TEST(AuthenticateWebhook, RejectsABearerTokenForAnHmacOnlySource) {
  EXPECT_EQ(reason(authenticate_webhook(hmac_source(), "Bearer s3cret", "", kBody, kNow, kWindow)),
            "invalid bearer token");
}

TEST(AuthenticateWebhook, RejectsASignatureForABearerOnlySource) {
  EXPECT_EQ(reason(authenticate_webhook(bearer_source(), "", header_for("tok-123", kNow, kBody), kBody, kNow,
                                        kWindow)),
            "signature mismatch");
}

TEST(AuthenticateWebhook, AcceptsWhenEitherConfiguredMethodMatches) {
  WebhookSourceConfig both;
  both.token = Secret("tok-123");
  both.hmac_secret = Secret("s3cret");
  const std::string good_sig = header_for("s3cret", kNow, kBody);
  EXPECT_TRUE(authenticate_webhook(both, "Bearer tok-123", "", kBody, kNow, kWindow));
  EXPECT_TRUE(authenticate_webhook(both, "", good_sig, kBody, kNow, kWindow));
  EXPECT_TRUE(authenticate_webhook(both, "Bearer wrong", good_sig, kBody, kNow, kWindow));
  EXPECT_TRUE(authenticate_webhook(both, "Bearer tok-123", "t=1,v1=" + kHexA, kBody, kNow, kWindow));
  EXPECT_EQ(reason(authenticate_webhook(both, "Bearer wrong", header_for("x", kNow, kBody), kBody, kNow, kWindow)),
            "signature mismatch");
}

TEST(AuthenticateWebhook, RequiresCredentials) {
  EXPECT_EQ(reason(authenticate_webhook(hmac_source(), "", "", kBody, kNow, kWindow)), "missing credentials");
  EXPECT_EQ(reason(authenticate_webhook(bearer_source(), "  ", " ", kBody, kNow, kWindow)), "missing credentials");
}

TEST(AuthenticateWebhook, RejectsEverythingForASourceWithoutCredentials) {
  WebhookSourceConfig none;
  const std::string sig = header_for("", kNow, kBody);
  EXPECT_EQ(reason(authenticate_webhook(none, "Bearer ", sig, kBody, kNow, kWindow)),
            "source has no credentials configured");
  EXPECT_EQ(reason(authenticate_webhook(none, "", "", kBody, kNow, kWindow)), "source has no credentials configured");
}

TEST(AuthenticateWebhook, NeverPutsSecretsInTheReason) {
  WebhookSourceConfig both;
  both.token = Secret("tok-SECRET-123");
  both.hmac_secret = Secret("hmac-SECRET-456");
  const std::string expected_sig = compute_signature("hmac-SECRET-456", kNow, kBody);
  const std::string headers[] = {"t=" + std::to_string(kNow) + ",v1=" + kHexA, "garbage", "t=1,v1=" + kHexA};
  for (const auto& h : headers) {
    auto r = authenticate_webhook(both, "Bearer nope", h, kBody, kNow, kWindow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos);
    EXPECT_EQ(r.error().message.find(expected_sig), std::string::npos);
  }
}

}  // namespace
}  // namespace triagent
