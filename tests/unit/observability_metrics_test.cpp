// The metrics registry and its Prometheus text exposition, byte for byte.
#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

#include "triagent/observability/metrics.hpp"
#include "triagent/observability/triagent_metrics.hpp"

namespace triagent::metrics {
namespace {

TEST(MetricsExposition, CountersGaugesSortedWithHelpAndType) {
  Registry r;
  r.counter("b_total", "B things.", {{"x", "2"}}).inc(3);
  r.counter("b_total", "B things.", {{"x", "1"}}).inc();
  r.gauge("a_value", "An A.\nSecond line \\ here.").set(-2.5);
  r.counter("c_total", "Registered, never set.");
  EXPECT_EQ(r.render(),
            "# HELP a_value An A.\\nSecond line \\\\ here.\n"
            "# TYPE a_value gauge\n"
            "a_value -2.5\n"
            "# HELP b_total B things.\n"
            "# TYPE b_total counter\n"
            "b_total{x=\"1\"} 1\n"
            "b_total{x=\"2\"} 3\n"
            "# HELP c_total Registered, never set.\n"
            "# TYPE c_total counter\n"
            "c_total 0\n");
}

TEST(MetricsExposition, LabelsAreSortedByNameAndEscaped) {
  Registry r;
  r.counter("t_total", "T.", {{"zeta", "a\"b"}, {"alpha", "back\\slash\nnew"}}).inc();
  EXPECT_EQ(r.render(),
            "# HELP t_total T.\n"
            "# TYPE t_total counter\n"
            "t_total{alpha=\"back\\\\slash\\nnew\",zeta=\"a\\\"b\"} 1\n");
}

TEST(MetricsExposition, HistogramHasCumulativeBucketsSumAndCount) {
  Registry r;
  Histogram& h = r.histogram("d_seconds", "Durations.", {0.5, 1, 2.5}, {{"stage", "ctx"}});
  h.observe(0.25);
  h.observe(0.5);  // on the bound: counted in le="0.5"
  h.observe(2);
  h.observe(7);
  EXPECT_EQ(r.render(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{stage=\"ctx\",le=\"0.5\"} 2\n"
            "d_seconds_bucket{stage=\"ctx\",le=\"1\"} 2\n"
            "d_seconds_bucket{stage=\"ctx\",le=\"2.5\"} 3\n"
            "d_seconds_bucket{stage=\"ctx\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{stage=\"ctx\"} 9.75\n"
            "d_seconds_count{stage=\"ctx\"} 4\n");
}

TEST(MetricsExposition, HistogramWithoutLabels) {
  Registry r;
  Histogram& h = r.histogram("h", "H.", {1});
  h.observe(0.5);
  h.observe(3);
  EXPECT_EQ(r.render(),
            "# HELP h H.\n"
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 1\n"
            "h_bucket{le=\"+Inf\"} 2\n"
            "h_sum 3.5\n"
            "h_count 2\n");
}

TEST(MetricsExposition, CallbacksAreReadAtRenderTime) {
  Registry r;
  double depth = 4;
  r.gauge_callback("q_depth", "Depth.", {{"state", "ready"}}, [&] { return depth; });
  r.counter_callback("r_total", "R.", {}, [] { return 12.0; });
  depth = 9;
  EXPECT_EQ(r.render(),
            "# HELP q_depth Depth.\n# TYPE q_depth gauge\nq_depth{state=\"ready\"} 9\n"
            "# HELP r_total R.\n# TYPE r_total counter\nr_total 12\n");
}

TEST(MetricsExposition, FormatsSpecialValues) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-0.0), "0");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(MetricsRegistry, SameSeriesSameHandle) {
  Registry r;
  Counter& a = r.counter("x_total", "X.", {{"a", "1"}, {"b", "2"}});
  Counter& b = r.counter("x_total", "X.", {{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&a, &b);
  a.inc(-5);  // ignored: counters only go up
  EXPECT_EQ(b.value(), 0);
}

TEST(MetricsRegistry, RejectsMisuse) {
  Registry r;
  r.counter("x_total", "X.");
  EXPECT_THROW(r.gauge("x_total", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("1bad", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {{"le", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok_total", "X.", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", {2, 1}), std::invalid_argument);
}

TEST(MetricsRegistry, ConcurrentIncrementsAreNotLost) {
  Registry r;
  Counter& c = r.counter("c_total", "C.");
  Histogram& h = r.histogram("h", "H.", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
  EXPECT_EQ(h.snapshot().count, 40000u);
}

TEST(TriagentMetrics, WebhookAndUpstreamHandles) {
  Registry r;
  WebhookCounters w = triagent::webhook_counters(r, "dataset");
  w.accepted->inc();
  w.accepted->inc();
  w.unauthorized->inc();
  triagent::UpstreamRequestCounters up(r, "singularity");
  up.count(200);
  up.count(503);
  up.count(0);
  triagent::register_build_info(r, "0.1.0", "abc");
  const std::string text = r.render();
  EXPECT_NE(text.find("triagent_webhooks_received_total{outcome=\"accepted\",source=\"dataset\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_webhooks_received_total{outcome=\"unauthorized\",source=\"dataset\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_upstream_requests_total{status_class=\"5xx\",upstream=\"singularity\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_upstream_requests_total{status_class=\"error\",upstream=\"singularity\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_build_info{git_sha=\"abc\",version=\"0.1.0\"} 1\n"), std::string::npos);
}

TEST(TriagentMetrics, PipelineMetrics) {
  Registry r;
  triagent::PipelineMetrics pm(r);
  pm.add_llm_usage("openai", 1200, 300, 0.25);
  pm.observe_stage("analyze", 0.3);
  pm.count_fallback("timeout");
  const std::string text = r.render();
  EXPECT_NE(text.find("triagent_llm_tokens_total{direction=\"in\",provider=\"openai\"} 1200\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_llm_tokens_total{direction=\"out\",provider=\"openai\"} 300\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_llm_cost_usd_total{provider=\"openai\"} 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_stage_duration_seconds_bucket{stage=\"analyze\",le=\"0.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_llm_fallbacks_total{reason=\"timeout\"} 1\n"), std::string::npos);
}

TEST(TriagentMetrics, QueueCommitMetrics) {
  Registry r;
  triagent::QueueCommitMetrics qm(r);
  // Every series exists from the start, so an alert on store failures sees 0 before the first.
  EXPECT_NE(r.render().find("triagent_queue_store_failures_total 0\n"), std::string::npos);
  qm.observe_commit(/*synced=*/true, 25, 0.0004);
  qm.observe_commit(/*synced=*/true, 15, 0.003);
  qm.observe_commit(/*synced=*/false, 2, 0.00005);
  qm.count_store_failure();
  const std::string text = r.render();
  EXPECT_NE(text.find("triagent_queue_commits_total{durability=\"synced\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("triagent_queue_commits_total{durability=\"deferred\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_queue_committed_operations_total{durability=\"synced\"} 40\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_queue_committed_operations_total{durability=\"deferred\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("triagent_queue_commit_duration_seconds_bucket{durability=\"synced\",le=\"5e-04\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_queue_commit_duration_seconds_bucket{durability=\"synced\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_queue_commit_duration_seconds_bucket{durability=\"deferred\",le=\"1e-04\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("triagent_queue_store_failures_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace triagent::metrics
