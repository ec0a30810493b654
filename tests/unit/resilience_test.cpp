// Tests for Retry-After parsing and the retry policy: which outcomes retry, and after how long.
#include <gtest/gtest.h>

#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/retry_after.hpp"
#include "triagent/resilience/retry_policy.hpp"

namespace triagent {
namespace {

// Returns the scripted values in turn, so backoff arithmetic can be checked exactly.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<double> values) : values_(std::move(values)) {}
  double next_unit() override { return values_[next_++ % values_.size()]; }

 private:
  std::vector<double> values_;
  std::size_t next_ = 0;
};

constexpr std::int64_t kRfcExampleMs = 784'111'777'000;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(RetryAfterTest, MillisecondsHeaderAcceptsIntegersAndFractions) {
  EXPECT_EQ(parse_retry_after_ms_value("250"), 250);
  EXPECT_EQ(parse_retry_after_ms_value(" 250.2 "), 251);  // rounded up: never earlier than asked
  EXPECT_EQ(parse_retry_after_ms_value("0"), 0);
  EXPECT_FALSE(parse_retry_after_ms_value(""));
  EXPECT_FALSE(parse_retry_after_ms_value("-5"));
  EXPECT_FALSE(parse_retry_after_ms_value("1e3"));
  EXPECT_FALSE(parse_retry_after_ms_value("12abc"));
  EXPECT_FALSE(parse_retry_after_ms_value("1."));
  EXPECT_FALSE(parse_retry_after_ms_value(".5"));
}

TEST(RetryAfterTest, SecondsIntegerAndFloat) {
  EXPECT_EQ(parse_retry_after_value("120", 0), 120'000);
  EXPECT_EQ(parse_retry_after_value("1.5", 0), 1'500);
  EXPECT_EQ(parse_retry_after_value("0.0001", 0), 1);
  EXPECT_EQ(parse_retry_after_value("0", 0), 0);
}

TEST(RetryAfterTest, HugeNumbersSaturateInsteadOfOverflowing) {
  EXPECT_EQ(parse_retry_after_value("99999999999999999999999999999", 0), kMaxRetryAfterMs);
  EXPECT_EQ(parse_retry_after_value(std::string(5000, '9'), 0), kMaxRetryAfterMs);
}

TEST(RetryAfterTest, GarbageGivesNothing) {
  for (const char* text : {"", "   ", "soon", "-1", "+5", "0x10", "1,5", "5 s", "NaN", "inf", "Sun, 06 Nov"}) {
    EXPECT_FALSE(parse_retry_after_value(text, 0)) << text;
  }
}

TEST(RetryAfterTest, HttpDateInAllThreeForms) {
  EXPECT_EQ(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExampleMs);
  EXPECT_EQ(parse_http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExampleMs);
  EXPECT_EQ(parse_http_date_ms("Sun Nov  6 08:49:37 1994"), kRfcExampleMs);
  EXPECT_EQ(parse_http_date_ms("sun, 06 nov 1994 08:49:37 gmt"), kRfcExampleMs);
  EXPECT_EQ(parse_http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date_ms("Tue, 29 Feb 2000 23:59:59 GMT"), 951'868'799'000);
}

TEST(RetryAfterTest, MalformedHttpDatesAreRejected) {
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 32 Nov 1994 08:49:37 GMT",
                           "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                           "Sun, 06 Nov 1994 08:49 GMT", "Sun, 29 Feb 1900 00:00:00 GMT", "06 Nov 1994 08:49:37 GMT",
                           "Sun, 06 Nov 1994 08:49:37 GMT trailing", "Sun, 006 Nov 1994 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 94", "Sun, 06-Nov 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_http_date_ms(text)) << text;
  }
}

TEST(RetryAfterTest, HttpDateIsRelativeToNowAndPastDatesMeanNow) {
  EXPECT_EQ(parse_retry_after_value("Sun, 06 Nov 1994 08:49:37 GMT", kRfcExampleMs - 30'000), 30'000);
  EXPECT_EQ(parse_retry_after_value("Sun, 06 Nov 1994 08:49:37 GMT", kRfcExampleMs + 5'000), 0);
}

TEST(RetryAfterTest, MillisecondsHeaderWinsAndFallsBackWhenInvalid) {
  EXPECT_EQ(server_retry_delay_ms("40", "3", 0), 40);
  EXPECT_EQ(server_retry_delay_ms("garbage", "3", 0), 3'000);
  EXPECT_EQ(server_retry_delay_ms(std::nullopt, "3", 0), 3'000);
  EXPECT_FALSE(server_retry_delay_ms(std::nullopt, std::nullopt, 0));
  EXPECT_FALSE(server_retry_delay_ms("x", "y", 0));
}

TEST(RetryClassificationTest, StatusTable) {
  for (int status = 100; status <= 599; ++status) {
    bool expected = status == 408 || status == 429 || (status >= 500 && status != 501);
    EXPECT_EQ(is_retryable_status(status), expected) << status;
  }
}

struct PolicyFixture : ::testing::Test {
  ManualClock clock{kRfcExampleMs};
  ScriptedRandom rng{{0.5}};
  RetryConfig config;
  RetryPolicy policy() { return RetryPolicy(config, clock, rng); }
};

TEST_F(PolicyFixture, EachStatusIsSuccessRetryOrGiveUp) {
  RetryPolicy p = policy();
  struct Row {
    int status;
    RetryVerdict verdict;
  };
  for (Row row : std::vector<Row>{{200, RetryVerdict::success}, {201, RetryVerdict::success},
                                  {204, RetryVerdict::success}, {301, RetryVerdict::give_up},
                                  {400, RetryVerdict::give_up}, {401, RetryVerdict::give_up},
                                  {403, RetryVerdict::give_up}, {404, RetryVerdict::give_up},
                                  {408, RetryVerdict::retry}, {409, RetryVerdict::give_up},
                                  {413, RetryVerdict::give_up}, {422, RetryVerdict::give_up},
                                  {429, RetryVerdict::retry}, {500, RetryVerdict::retry},
                                  {501, RetryVerdict::give_up}, {502, RetryVerdict::retry},
                                  {503, RetryVerdict::retry}, {504, RetryVerdict::retry},
                                  {529, RetryVerdict::retry}, {599, RetryVerdict::retry}}) {
    EXPECT_EQ(p.decide(AttemptOutcome::response(row.status), 1).verdict, row.verdict) << row.status;
  }
}

TEST_F(PolicyFixture, TransportErrorsRetryPermanentOnesAndCancellationDoNot) {
  RetryPolicy p = policy();
  EXPECT_EQ(p.decide(AttemptOutcome::transient_error(), 1).verdict, RetryVerdict::retry);
  RetryDecision permanent = p.decide(AttemptOutcome::permanent_error(), 1);
  EXPECT_EQ(permanent.verdict, RetryVerdict::give_up);
  EXPECT_EQ(permanent.reason, RetryReason::not_retryable);
  RetryDecision cancelled = p.decide(AttemptOutcome::cancelled(), 1);
  EXPECT_EQ(cancelled.verdict, RetryVerdict::give_up);
  EXPECT_EQ(cancelled.reason, RetryReason::cancelled);
}

TEST_F(PolicyFixture, ShouldRetryHeaderOverridesTheStatus) {
  RetryPolicy p = policy();
  AttemptOutcome forced = AttemptOutcome::response(400);
  forced.should_retry = "true";
  EXPECT_EQ(p.decide(forced, 1).verdict, RetryVerdict::retry);
  AttemptOutcome refused = AttemptOutcome::response(503);
  refused.should_retry = "False";
  EXPECT_EQ(p.decide(refused, 1).verdict, RetryVerdict::give_up);
  AttemptOutcome junk = AttemptOutcome::response(503);
  junk.should_retry = "maybe";
  EXPECT_EQ(p.decide(junk, 1).verdict, RetryVerdict::retry);

  config.honour_should_retry = false;
  RetryPolicy ignoring = policy();
  EXPECT_EQ(ignoring.decide(refused, 1).verdict, RetryVerdict::retry);
}

TEST_F(PolicyFixture, StopsAfterMaxAttempts) {
  config.max_attempts = 3;
  RetryPolicy p = policy();
  EXPECT_EQ(p.decide(AttemptOutcome::response(503), 2).verdict, RetryVerdict::retry);
  RetryDecision last = p.decide(AttemptOutcome::response(503), 3);
  EXPECT_EQ(last.verdict, RetryVerdict::give_up);
  EXPECT_EQ(last.reason, RetryReason::attempts_exhausted);
}

TEST_F(PolicyFixture, HonoursServerDelayUpToTheCap) {
  config.max_server_delay_ms = 60'000;
  RetryPolicy p = policy();
  AttemptOutcome a = AttemptOutcome::response(429);
  a.retry_after = "2.5";
  RetryDecision d = p.decide(a, 1);
  EXPECT_EQ(d.reason, RetryReason::server_delay);
  EXPECT_EQ(d.delay_ms, 2'500);

  a.retry_after_ms = "700";
  EXPECT_EQ(p.decide(a, 1).delay_ms, 700);

  AttemptOutcome dated = AttemptOutcome::response(503);
  dated.retry_after = "Sun, 06 Nov 1994 08:50:07 GMT";  // 30 s after the clock
  EXPECT_EQ(p.decide(dated, 1).delay_ms, 30'000);

  AttemptOutcome too_long = AttemptOutcome::response(429);
  too_long.retry_after = "61";
  RetryDecision refused = p.decide(too_long, 1);
  EXPECT_EQ(refused.verdict, RetryVerdict::give_up);
  EXPECT_EQ(refused.reason, RetryReason::server_delay_too_long);

  config.clamp_server_delay = true;
  RetryPolicy clamping = policy();
  RetryDecision clamped = clamping.decide(too_long, 1);
  EXPECT_EQ(clamped.verdict, RetryVerdict::retry);
  EXPECT_EQ(clamped.reason, RetryReason::server_delay_clamped);
  EXPECT_EQ(clamped.delay_ms, 60'000);
}

TEST_F(PolicyFixture, GarbageRetryAfterFallsBackToBackoff) {
  RetryPolicy p = policy();
  AttemptOutcome a = AttemptOutcome::response(503);
  a.retry_after = "whenever";
  RetryDecision d = p.decide(a, 1);
  EXPECT_EQ(d.reason, RetryReason::backoff);
  EXPECT_EQ(d.delay_ms, config.base_delay_ms / 2);
}

TEST_F(PolicyFixture, FullJitterBackoffDoublesUpToTheCap) {
  config.base_delay_ms = 100;
  config.max_delay_ms = 1'000;
  rng = ScriptedRandom({0.999999});
  RetryPolicy p = policy();
  EXPECT_EQ(p.backoff_ms(1), 99);
  EXPECT_EQ(p.backoff_ms(2), 199);
  EXPECT_EQ(p.backoff_ms(3), 399);
  EXPECT_EQ(p.backoff_ms(4), 799);
  EXPECT_EQ(p.backoff_ms(5), 999);
  EXPECT_EQ(p.backoff_ms(1'000'000), 999);  // no overflow for absurd attempt numbers
  rng = ScriptedRandom({0.0});
  EXPECT_EQ(p.backoff_ms(3), 0);
}

TEST_F(PolicyFixture, SeededBackoffStaysWithinTheJitterRangeAndIsRepeatable) {
  config.base_delay_ms = 100;
  config.max_delay_ms = 10'000;
  SeededRandom a(7), b(7);
  RetryPolicy pa(config, clock, a), pb(config, clock, b);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    std::int64_t delay = pa.backoff_ms(attempt);
    EXPECT_EQ(delay, pb.backoff_ms(attempt));
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, std::min<std::int64_t>(10'000, 100 << (attempt - 1)));
  }
}

TEST(SeededRandomTest, StaysInTheUnitInterval) {
  SeededRandom rng(1);
  double lo = 1, hi = 0;
  for (int i = 0; i < 10'000; ++i) {
    double u = rng.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_LT(lo, 0.01);
  EXPECT_GT(hi, 0.99);
}

}  // namespace
}  // namespace triagent
