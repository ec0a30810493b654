// Tests for UpstreamPolicy: admission (breaker, concurrency, rate limits), the wait-vs-requeue
// threshold, retry decisions with the retry budget, and config validation.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/resilience/random_source.hpp"
#include "triagent/resilience/upstream_policy.hpp"

namespace triagent {
namespace {

using std::chrono::milliseconds;

struct UpstreamPolicyTest : ::testing::Test {
  ManualClock clock;
  SeededRandom rng{1234};
  UpstreamPolicyConfig config = [] {
    UpstreamPolicyConfig c;
    c.name = "test";
    c.max_concurrency = 0;
    c.max_inline_wait_ms = 2'000;
    return c;
  }();
};

TEST_F(UpstreamPolicyTest, GoesNowWhenNothingStandsInTheWay) {
  UpstreamPolicy policy(config, clock, rng);
  Admission a = policy.admit();
  EXPECT_EQ(a.action, AdmitAction::go);
  EXPECT_TRUE(a.permit.valid());
  EXPECT_FALSE(a.permit.is_probe());
  NextStep next = policy.complete(std::move(a.permit), AttemptOutcome::response(200), 1);
  EXPECT_EQ(next.action, NextAction::done);
  EXPECT_EQ(policy.stats().admitted_total, 1);
  EXPECT_EQ(policy.stats().in_flight, 0);
}

TEST_F(UpstreamPolicyTest, ShortRateLimitWaitIsSleptLongOneRequeues) {
  config.rate.requests_per_second = 1;  // burst 1
  UpstreamPolicy policy(config, clock, rng);
  ASSERT_EQ(policy.admit().action, AdmitAction::go);
  Admission wait = policy.admit();
  EXPECT_EQ(wait.action, AdmitAction::wait);
  EXPECT_EQ(wait.reason, AdmitReason::request_rate);
  EXPECT_EQ(wait.delay_ms, 1'000);
  EXPECT_FALSE(wait.permit.valid());

  config.max_inline_wait_ms = 999;
  UpstreamPolicy strict(config, clock, rng);
  ASSERT_EQ(strict.admit().action, AdmitAction::go);
  Admission requeue = strict.admit();
  EXPECT_EQ(requeue.action, AdmitAction::requeue);
  EXPECT_EQ(requeue.delay_ms, 1'000);
  EXPECT_EQ(strict.stats().requeues_total, 1);
}

TEST_F(UpstreamPolicyTest, TokenBudgetIsDebitedCorrectedAndResynced) {
  config.rate.tokens_per_minute = 6'000;  // 100 per second
  UpstreamPolicy policy(config, clock, rng);
  Admission a = policy.admit(1, 5'000);
  ASSERT_EQ(a.action, AdmitAction::go);
  Admission refused = policy.admit(1, 2'000);
  EXPECT_EQ(refused.reason, AdmitReason::token_rate);
  EXPECT_EQ(refused.delay_ms, 10'000);  // 1'000 missing at 100/s
  EXPECT_EQ(refused.action, AdmitAction::requeue);
  // The call used only 3'000: 2'000 come back, so the next one fits.
  policy.complete(std::move(a.permit), AttemptOutcome::response(200), 1, 3'000.0);
  EXPECT_EQ(policy.admit(1, 2'000).action, AdmitAction::go);
  policy.sync_remaining_tokens(0);
  Admission after_sync = policy.admit(1, 6'000);
  EXPECT_EQ(after_sync.action, AdmitAction::requeue);  // 60 s to refill the whole bucket
  EXPECT_EQ(after_sync.delay_ms, 60'000);
}

TEST_F(UpstreamPolicyTest, RefusalByOneBucketTakesNothingFromTheOther) {
  config.rate.requests_per_second = 10;
  config.rate.request_burst = 1;
  config.rate.tokens_per_minute = 60;
  UpstreamPolicy policy(config, clock, rng);
  ASSERT_EQ(policy.admit(1, 60).action, AdmitAction::go);  // empties both buckets
  clock.advance(milliseconds(100));                       // one request token, 0.1 LLM tokens back
  Admission refused = policy.admit(1, 10);
  EXPECT_EQ(refused.reason, AdmitReason::token_rate);
  EXPECT_EQ(refused.delay_ms, 9'900);
  EXPECT_EQ(policy.admit(1, 0).action, AdmitAction::go);  // the request token was not spent
}

TEST_F(UpstreamPolicyTest, ConcurrencyLimitAsksToWaitAndDroppedPermitsFreeTheSlot) {
  config.max_concurrency = 2;
  config.concurrency_retry_ms = 25;
  UpstreamPolicy policy(config, clock, rng);
  Admission a = policy.admit();
  Admission b = policy.admit();
  Admission c = policy.admit();
  EXPECT_EQ(c.action, AdmitAction::wait);
  EXPECT_EQ(c.reason, AdmitReason::concurrency_limit);
  EXPECT_EQ(c.delay_ms, 25);
  EXPECT_EQ(policy.stats().in_flight, 2);
  { UpstreamPermit dropped = std::move(a.permit); }
  EXPECT_EQ(policy.stats().in_flight, 1);
  EXPECT_EQ(policy.admit().action, AdmitAction::go);
}

TEST_F(UpstreamPolicyTest, RetryableFailureWaitsBrieflyThenRequeuesLongServerDelays) {
  UpstreamPolicy policy(config, clock, rng);
  Admission a = policy.admit();
  AttemptOutcome slow_down = AttemptOutcome::response(429);
  slow_down.retry_after = "1";
  NextStep next = policy.complete(std::move(a.permit), slow_down, 1);
  EXPECT_EQ(next.action, NextAction::wait);
  EXPECT_EQ(next.reason, RetryReason::server_delay);
  EXPECT_EQ(next.delay_ms, 1'000);

  Admission b = policy.admit(2);
  slow_down.retry_after = "30";
  NextStep later = policy.complete(std::move(b.permit), slow_down, 2);
  EXPECT_EQ(later.action, NextAction::requeue);
  EXPECT_EQ(later.delay_ms, 30'000);
  EXPECT_EQ(policy.stats().retries_total, 2);
}

TEST_F(UpstreamPolicyTest, PermanentFailuresAndExhaustedAttemptsGiveUp) {
  config.retry.max_attempts = 2;
  UpstreamPolicy policy(config, clock, rng);
  NextStep bad = policy.complete(policy.admit().permit, AttemptOutcome::response(400), 1);
  EXPECT_EQ(bad.action, NextAction::give_up);
  EXPECT_EQ(bad.reason, RetryReason::not_retryable);
  NextStep last = policy.complete(policy.admit(2).permit, AttemptOutcome::response(503), 2);
  EXPECT_EQ(last.action, NextAction::give_up);
  EXPECT_EQ(last.reason, RetryReason::attempts_exhausted);
}

TEST_F(UpstreamPolicyTest, OpenBreakerRequeuesUntilTheCooldownThenAdmitsOneProbe) {
  config.breaker.consecutive_failures = 2;
  config.breaker.failure_rate = 0;
  config.breaker.open_ms = 30'000;
  UpstreamPolicy policy(config, clock, rng);
  policy.complete(policy.admit().permit, AttemptOutcome::transient_error(), 1);
  policy.complete(policy.admit().permit, AttemptOutcome::response(502), 1);
  EXPECT_EQ(policy.stats().breaker_state, BreakerState::open);

  Admission refused = policy.admit();
  EXPECT_EQ(refused.action, AdmitAction::requeue);
  EXPECT_EQ(refused.reason, AdmitReason::breaker_open);
  EXPECT_EQ(refused.delay_ms, 30'000);

  clock.advance(milliseconds(29'000));
  Admission soon = policy.admit();
  EXPECT_EQ(soon.action, AdmitAction::wait);  // 1 s left: under the inline threshold
  EXPECT_EQ(soon.delay_ms, 1'000);

  clock.advance(milliseconds(1'000));
  Admission probe = policy.admit();
  ASSERT_EQ(probe.action, AdmitAction::go);
  EXPECT_TRUE(probe.permit.is_probe());
  Admission busy = policy.admit();
  EXPECT_EQ(busy.reason, AdmitReason::breaker_probe_busy);
  EXPECT_EQ(policy.complete(std::move(probe.permit), AttemptOutcome::response(200), 1).action, NextAction::done);
  EXPECT_EQ(policy.stats().breaker_state, BreakerState::closed);
}

TEST_F(UpstreamPolicyTest, RateLimitsAndClientErrorsDoNotTripTheBreaker) {
  config.breaker.consecutive_failures = 1;
  config.breaker.failure_rate = 0;
  UpstreamPolicy policy(config, clock, rng);
  policy.complete(policy.admit().permit, AttemptOutcome::response(429), 1);
  policy.complete(policy.admit().permit, AttemptOutcome::response(404), 1);
  policy.complete(policy.admit().permit, AttemptOutcome::response(501), 1);
  policy.complete(policy.admit().permit, AttemptOutcome::permanent_error(), 1);
  policy.complete(policy.admit().permit, AttemptOutcome::cancelled(), 1);
  EXPECT_EQ(policy.stats().breaker_state, BreakerState::closed);
  policy.complete(policy.admit().permit, AttemptOutcome::response(408), 1);
  EXPECT_EQ(policy.stats().breaker_state, BreakerState::open);
}

TEST_F(UpstreamPolicyTest, CancelledProbeFreesTheProbeSlot) {
  config.breaker.consecutive_failures = 1;
  config.breaker.failure_rate = 0;
  UpstreamPolicy policy(config, clock, rng);
  policy.complete(policy.admit().permit, AttemptOutcome::transient_error(), 1);
  clock.advance(milliseconds(config.breaker.open_ms));
  Admission probe = policy.admit();
  ASSERT_TRUE(probe.permit.is_probe());
  policy.complete(std::move(probe.permit), AttemptOutcome::cancelled(), 1);
  EXPECT_TRUE(policy.admit().permit.is_probe());
}

TEST_F(UpstreamPolicyTest, ExhaustedRetryBudgetRequeuesForAWindow) {
  config.retry_budget = {true, 0.0, 1, 10'000};
  config.retry.base_delay_ms = 10;
  config.retry.max_delay_ms = 10;
  UpstreamPolicy policy(config, clock, rng);
  NextStep first = policy.complete(policy.admit().permit, AttemptOutcome::response(503), 1);
  EXPECT_EQ(first.action, NextAction::wait);
  EXPECT_EQ(first.reason, RetryReason::backoff);
  EXPECT_LE(first.delay_ms, 10);
  NextStep second = policy.complete(policy.admit().permit, AttemptOutcome::response(503), 1);
  EXPECT_EQ(second.action, NextAction::requeue);
  EXPECT_EQ(second.reason, RetryReason::retry_budget_exhausted);
  EXPECT_EQ(second.delay_ms, 10'000);
  EXPECT_EQ(policy.stats().budget_exhausted_total, 1);
}

TEST_F(UpstreamPolicyTest, ManyThreadsShareOnePolicy) {
  config.max_concurrency = 4;
  UpstreamPolicy policy(config, clock, rng);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2'000; ++i) {
        Admission a = policy.admit();
        if (a.action != AdmitAction::go) continue;
        ++admitted;
        policy.complete(std::move(a.permit), AttemptOutcome::response(200), 1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(policy.stats().in_flight, 0);
  EXPECT_EQ(policy.stats().admitted_total, admitted.load());
}

TEST(UpstreamPolicyConfigTest, ValidationNamesTheKey) {
  UpstreamPolicyConfig c;
  c.name = "openai";
  EXPECT_TRUE(validate(c).has_value());
  c.retry.max_attempts = 0;
  auto bad = validate(c);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "upstreams.openai.retry.max_attempts: must be >= 1");
  c = UpstreamPolicyConfig{};
  c.breaker.failure_rate = 1.5;
  EXPECT_NE(validate(c).error().message.find("breaker.failure_rate"), std::string::npos);
  c = UpstreamPolicyConfig{};
  c.rate.requests_per_second = -1;
  EXPECT_NE(validate(c).error().message.find("rate.requests_per_second"), std::string::npos);
  ManualClock clock;
  SeededRandom rng(1);
  EXPECT_THROW(UpstreamPolicy(c, clock, rng), std::invalid_argument);
}

}  // namespace
}  // namespace triagent
