// Tests for CircuitBreaker transitions and RetryBudget accounting, on a ManualClock.
#include <gtest/gtest.h>

#include <chrono>

#include "triagent/core/clock.hpp"
#include "triagent/resilience/circuit_breaker.hpp"
#include "triagent/resilience/retry_budget.hpp"

namespace triagent {
namespace {

using std::chrono::milliseconds;

CircuitBreakerConfig consecutive_only(int n) {
  CircuitBreakerConfig c;
  c.consecutive_failures = n;
  c.failure_rate = 0;
  c.open_ms = 10'000;
  return c;
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  ManualClock clock;
  CircuitBreaker breaker(consecutive_only(3), clock);
  breaker.on_failure(false);
  breaker.on_failure(false);
  breaker.on_success(false);  // resets the run
  breaker.on_failure(false);
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.times_opened(), 1);
  auto refused = breaker.admit();
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_in_ms, 10'000);
  clock.advance(milliseconds(4'000));
  EXPECT_EQ(breaker.admit().retry_in_ms, 6'000);
}

TEST(CircuitBreakerTest, HalfOpenAdmitsExactlyOneProbeAndItsSuccessCloses) {
  ManualClock clock;
  CircuitBreaker breaker(consecutive_only(1), clock);
  breaker.on_failure(false);
  clock.advance(milliseconds(10'000));
  EXPECT_TRUE(breaker.check().allowed);  // check() does not take the probe
  auto probe = breaker.admit();
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  auto second = breaker.admit();
  EXPECT_FALSE(second.allowed);
  EXPECT_EQ(second.retry_in_ms, CircuitBreakerConfig{}.probe_busy_retry_ms);
  breaker.on_success(true);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_TRUE(breaker.admit().allowed);
}

TEST(CircuitBreakerTest, FailedProbeReopensForAnotherCooldown) {
  ManualClock clock;
  CircuitBreaker breaker(consecutive_only(1), clock);
  breaker.on_failure(false);
  clock.advance(milliseconds(10'000));
  ASSERT_TRUE(breaker.admit().probe);
  clock.advance(milliseconds(500));
  breaker.on_failure(true);
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_EQ(breaker.times_opened(), 2);
  EXPECT_EQ(breaker.admit().retry_in_ms, 10'000);
}

TEST(CircuitBreakerTest, AbandonedProbeLetsAnotherOneThrough) {
  ManualClock clock;
  CircuitBreaker breaker(consecutive_only(1), clock);
  breaker.on_failure(false);
  clock.advance(milliseconds(10'000));
  ASSERT_TRUE(breaker.admit().probe);
  breaker.on_abandoned(true);
  EXPECT_TRUE(breaker.admit().probe);
}

TEST(CircuitBreakerTest, LateResultsOfOldCallsDoNotMoveAnOpenBreaker) {
  ManualClock clock;
  CircuitBreaker breaker(consecutive_only(1), clock);
  breaker.on_failure(false);
  breaker.on_success(false);  // a call admitted before the breaker opened
  EXPECT_EQ(breaker.state(), BreakerState::open);
  clock.advance(milliseconds(10'000));
  ASSERT_TRUE(breaker.admit().probe);
  breaker.on_success(false);  // still not the probe
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
}

TEST(CircuitBreakerTest, OpensOnFailureRateOnlyOnceTheWindowHasEnoughCalls) {
  ManualClock clock;
  CircuitBreakerConfig c;
  c.consecutive_failures = 0;
  c.failure_rate = 0.5;
  c.window = 10;
  c.min_calls = 6;
  CircuitBreaker breaker(c, clock);
  // Alternating: never two failures in a row, but half of the calls fail.
  breaker.on_failure(false);
  breaker.on_success(false);
  breaker.on_failure(false);
  breaker.on_success(false);
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 3/5: below min_calls
  breaker.on_success(false);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 3/6, but the rule fires on failures
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 4/7
}

TEST(CircuitBreakerTest, FailureRateWindowForgetsOldCalls) {
  ManualClock clock;
  CircuitBreakerConfig c;
  c.consecutive_failures = 0;
  c.failure_rate = 0.5;
  c.window = 4;
  c.min_calls = 4;
  CircuitBreaker breaker(c, clock);
  breaker.on_failure(false);
  for (int i = 0; i < 4; ++i) breaker.on_success(false);  // the failure slides out
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 1/4
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 2/4
}

TEST(CircuitBreakerTest, ClosingResetsTheWindow) {
  ManualClock clock;
  CircuitBreakerConfig c = consecutive_only(2);
  CircuitBreaker breaker(c, clock);
  breaker.on_failure(false);
  breaker.on_failure(false);
  clock.advance(milliseconds(c.open_ms));
  ASSERT_TRUE(breaker.admit().probe);
  breaker.on_success(true);
  breaker.on_failure(false);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // the run restarted at zero
}

TEST(RetryBudgetTest, AllowsMinimumPlusRatioOfRequestsInTheWindow) {
  ManualClock clock;
  RetryBudget budget({true, 0.2, 2, 10'000}, clock);
  EXPECT_TRUE(budget.try_spend());
  EXPECT_TRUE(budget.try_spend());
  EXPECT_FALSE(budget.try_spend());  // only the minimum so far
  for (int i = 0; i < 10; ++i) budget.on_request();
  EXPECT_TRUE(budget.try_spend());  // 2 + 0.2 * 10 = 4
  EXPECT_TRUE(budget.try_spend());
  EXPECT_FALSE(budget.try_spend());
  EXPECT_EQ(budget.retries_in_window(), 4);
  EXPECT_EQ(budget.requests_in_window(), 10);
}

TEST(RetryBudgetTest, OldTrafficSlidesOutOfTheWindow) {
  ManualClock clock(0);
  RetryBudget budget({true, 0.5, 0, 10'000}, clock);
  for (int i = 0; i < 4; ++i) budget.on_request();
  EXPECT_TRUE(budget.try_spend());
  EXPECT_TRUE(budget.try_spend());
  EXPECT_FALSE(budget.try_spend());
  clock.advance(milliseconds(9'999));
  EXPECT_EQ(budget.requests_in_window(), 4);
  clock.advance(milliseconds(1));
  EXPECT_EQ(budget.requests_in_window(), 0);
  EXPECT_EQ(budget.retries_in_window(), 0);
  EXPECT_FALSE(budget.try_spend());  // no traffic, no minimum: nothing to spend
  budget.on_request();
  budget.on_request();
  EXPECT_TRUE(budget.try_spend());
}

TEST(RetryBudgetTest, DisabledBudgetAllowsEverything) {
  ManualClock clock;
  RetryBudget budget({false, 0, 0, 10'000}, clock);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(budget.try_spend());
}

}  // namespace
}  // namespace triagent
