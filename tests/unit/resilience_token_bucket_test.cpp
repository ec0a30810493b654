// Tests for TokenBucket refill arithmetic and ConcurrencyLimiter, on a ManualClock.
#include <gtest/gtest.h>

#include <chrono>

#include "triagent/core/clock.hpp"
#include "triagent/resilience/concurrency_limiter.hpp"
#include "triagent/resilience/token_bucket.hpp"

namespace triagent {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucketTest, StartsFullAndAllowsABurstOfCapacity) {
  ManualClock clock;
  TokenBucket bucket(3, 1, clock);
  EXPECT_EQ(bucket.try_acquire(), 0);
  EXPECT_EQ(bucket.try_acquire(), 0);
  EXPECT_EQ(bucket.try_acquire(), 0);
  EXPECT_EQ(bucket.try_acquire(), 1'000);  // empty: one token per second
}

TEST(TokenBucketTest, RefusalTakesNothingAndTheWaitIsExact) {
  ManualClock clock;
  TokenBucket bucket(10, 5, clock);  // 5 per second: one every 200 ms
  EXPECT_EQ(bucket.try_acquire(10), 0);
  EXPECT_EQ(bucket.try_acquire(2), 400);
  clock.advance(milliseconds(399));
  EXPECT_EQ(bucket.try_acquire(2), 1);
  clock.advance(milliseconds(1));
  EXPECT_EQ(bucket.try_acquire(2), 0);
  EXPECT_NEAR(bucket.available(), 0, 1e-9);
}

TEST(TokenBucketTest, RefillStopsAtCapacity) {
  ManualClock clock;
  TokenBucket bucket(4, 2, clock);
  EXPECT_EQ(bucket.try_acquire(4), 0);
  clock.advance(std::chrono::hours(1));
  EXPECT_DOUBLE_EQ(bucket.available(), 4);
}

TEST(TokenBucketTest, FractionalRatesAccumulate) {
  ManualClock clock;
  TokenBucket per_minute(1, 1.0 / 60.0, clock);  // one request a minute
  EXPECT_EQ(per_minute.try_acquire(), 0);
  EXPECT_EQ(per_minute.wait_ms(), 60'000);
  for (int i = 0; i < 59; ++i) clock.advance(milliseconds(1'000));
  EXPECT_EQ(per_minute.wait_ms(), 1'000);
  clock.advance(milliseconds(1'000));
  EXPECT_EQ(per_minute.try_acquire(), 0);
}

TEST(TokenBucketTest, RequestLargerThanCapacityWaitsForAFullBucketThenGoesNegative) {
  ManualClock clock;
  TokenBucket tokens(1'000, 100, clock);
  EXPECT_EQ(tokens.try_acquire(300), 0);
  EXPECT_EQ(tokens.try_acquire(5'000), 3'000);  // needs the bucket full again: 300 tokens at 100/s
  clock.advance(milliseconds(3'000));
  EXPECT_EQ(tokens.try_acquire(5'000), 0);
  EXPECT_DOUBLE_EQ(tokens.available(), -4'000);
  EXPECT_EQ(tokens.wait_ms(1), 40'010);
}

TEST(TokenBucketTest, EstimatesAreCorrectedAndServerCountsResync) {
  ManualClock clock;
  TokenBucket tpm(90'000, 1'500, clock);  // 90k tokens per minute
  EXPECT_EQ(tpm.try_acquire(2'000), 0);
  tpm.consume(500);  // the call used 2'500, not 2'000
  EXPECT_DOUBLE_EQ(tpm.available(), 87'500);
  tpm.refund(100'000);
  EXPECT_DOUBLE_EQ(tpm.available(), 90'000);
  tpm.set_available(12'000);  // x-ratelimit-remaining-tokens
  EXPECT_DOUBLE_EQ(tpm.available(), 12'000);
  tpm.set_available(1e12);
  EXPECT_DOUBLE_EQ(tpm.available(), 90'000);
}

TEST(TokenBucketTest, ClockSteppingBackwardsAddsNothing) {
  ManualClock clock;
  TokenBucket bucket(1, 1, clock);
  EXPECT_EQ(bucket.try_acquire(), 0);
  clock.advance(milliseconds(-10'000));
  EXPECT_EQ(bucket.wait_ms(), 1'000);
  clock.advance(milliseconds(1'000));
  EXPECT_EQ(bucket.try_acquire(), 0);
}

TEST(TokenBucketTest, RejectsNonPositiveSettings) {
  ManualClock clock;
  EXPECT_THROW(TokenBucket(0, 1, clock), std::invalid_argument);
  EXPECT_THROW(TokenBucket(1, 0, clock), std::invalid_argument);
}

TEST(ConcurrencyLimiterTest, CountsSlotsAndRefusals) {
  ConcurrencyLimiter limiter(2);
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_FALSE(limiter.try_acquire());
  EXPECT_EQ(limiter.rejected(), 1);
  limiter.release();
  EXPECT_TRUE(limiter.try_acquire());
  EXPECT_EQ(limiter.in_flight(), 2);
}

TEST(ConcurrencyLimiterTest, ZeroMeansUnlimited) {
  ConcurrencyLimiter limiter(0);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(limiter.try_acquire());
}

TEST(ConcurrencyLimiterDeathTest, ReleaseWithoutAcquireCrashes) {
  ConcurrencyLimiter limiter(1);
  EXPECT_DEATH(limiter.release(), "without a matching acquire");
}

}  // namespace
}  // namespace triagent
