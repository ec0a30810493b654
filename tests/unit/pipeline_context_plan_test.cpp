// Planning context (context_plan.hpp, context_template.hpp): which templates apply to which
// incident, placeholders quoted by their language, skipped templates and their reasons, windows,
// the per-job cap, and config validation.

#include <gtest/gtest.h>

#include <algorithm>

#include "pipeline_context_test_support.hpp"
#include "triagent/pipeline/context_plan.hpp"
#include "triagent/pipeline/query_escape.hpp"

namespace triagent {
namespace {

using context_test::has;
using context_test::kThreatTimeMs;
using context_test::sim_threat_incident;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kNow = kThreatTimeMs + 24 * 60 * kMinute;  // a day after the threat

ContextTemplate make(std::string name, ContextSource source, std::string text, std::vector<std::string> applies = {}) {
  ContextTemplate t;
  t.name = std::move(name);
  t.source = source;
  t.text = std::move(text);
  t.applies_to = std::move(applies);
  return t;
}

ContextPlanConfig config_of(std::vector<ContextTemplate> templates) {
  ContextPlanConfig cfg;
  cfg.templates = std::move(templates);
  return cfg;
}

const PlannedQuery* find_query(const ContextPlan& plan, const std::string& name) {
  auto it = std::find_if(plan.queries.begin(), plan.queries.end(),
                         [&](const PlannedQuery& q) { return q.template_name == name; });
  return it == plan.queries.end() ? nullptr : &*it;
}

const SkippedTemplate* find_skipped(const ContextPlan& plan, const std::string& name) {
  auto it = std::find_if(plan.skipped.begin(), plan.skipped.end(),
                         [&](const SkippedTemplate& s) { return s.template_name == name; });
  return it == plan.skipped.end() ? nullptr : &*it;
}

TEST(ContextPlanDefaults, TheShippedTemplatesAreValid) {
  ContextPlanConfig cfg = with_defaults({});
  ASSERT_EQ(cfg.templates.size(), 5u);
  auto ok = validate(cfg);
  EXPECT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(cfg.templates.at(2).source, ContextSource::deep_visibility);
  EXPECT_EQ(cfg.templates.at(3).source, ContextSource::storyline);
}

TEST(ContextPlanDefaults, AThreatIncidentPlansEveryDefaultQuery) {
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(sim_threat_incident(), with_defaults({}), clock);
  ASSERT_EQ(plan.queries.size(), 5u);
  EXPECT_TRUE(plan.skipped.empty());
  EXPECT_EQ(plan.anchor_ms, kThreatTimeMs);

  const PlannedQuery* host = find_query(plan, "dataset_host_events");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->source, ContextSource::dataset_query);
  EXPECT_EQ(host->query, R"(serverHost = "WS-FIN-023" or endpoint.name = "WS-FIN-023")");
  EXPECT_EQ(host->from_ms, kThreatTimeMs - 30 * kMinute);
  EXPECT_EQ(host->to_ms, kThreatTimeMs + 30 * kMinute);
  EXPECT_EQ(host->max_results, 200);

  const PlannedQuery* user = find_query(plan, "dataset_user_events");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->query, R"("jsmith" | columns timestamp, serverHost, logfile, message | sort timestamp | limit 200)");

  const PlannedQuery* dv = find_query(plan, "dv_agent_events");
  ASSERT_NE(dv, nullptr);
  EXPECT_EQ(
      dv->query.rfind(R"(AgentUUID = "6f3b7c1d2e4a4b5c9d8e7f6a5b4c3d21" AND EventType In ("Process Creation")", 0), 0u)
      << dv->query;
  for (const char* family : {"File Creation", "IP Connect", "DNS Resolved", "Registry Value Create", "Login"}) {
    EXPECT_TRUE(has(dv->query, family)) << family;
  }

  const PlannedQuery* storyline = find_query(plan, "dv_storyline_events");
  ASSERT_NE(storyline, nullptr);
  EXPECT_EQ(storyline->query, R"(SrcProcStorylineId = "7D3F2A9C1B4E6F80")");
  EXPECT_EQ(storyline->from_ms, kThreatTimeMs - 60 * kMinute);
  EXPECT_EQ(storyline->to_ms, kThreatTimeMs + 60 * kMinute);

  const PlannedQuery* notes = find_query(plan, "threat_notes");
  ASSERT_NE(notes, nullptr);
  EXPECT_EQ(notes->query, "2287651234567890101");
}

TEST(ContextPlanDefaults, ADataSetAlertWithOnlyAHostGetsTheHostQueryAndSaysWhyNotTheRest) {
  Incident inc;
  inc.source = "dataset";
  inc.kind = "dataset_alert";
  inc.external_id = "errors-on-web-1";
  inc.time_ms = kThreatTimeMs;
  inc.entities.hosts = {"web-1"};
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(inc, with_defaults({}), clock);
  ASSERT_EQ(plan.queries.size(), 1u);
  EXPECT_EQ(plan.queries[0].template_name, "dataset_host_events");
  ASSERT_EQ(plan.skipped.size(), 4u);
  EXPECT_EQ(find_skipped(plan, "dataset_user_events")->reason, "no value for {{user_name}}");
  EXPECT_EQ(find_skipped(plan, "dv_agent_events")->reason, "no value for {{agent_uuid}}");
  EXPECT_EQ(find_skipped(plan, "dv_storyline_events")->reason, "no value for {{storyline}}");
  EXPECT_EQ(find_skipped(plan, "threat_notes")->reason, "no value for {{threat_id}}");
}

TEST(ContextPlan, PlaceholdersAreQuotedByTheTemplatesLanguage) {
  Incident inc = sim_threat_incident();
  inc.entities.hosts = {R"(web" or 1=1 | columns secret | ")"};
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(
      inc,
      config_of({make("pq", ContextSource::dataset_powerquery, "serverHost = {{host}} | limit {{max_results}}"),
                 make("dv", ContextSource::deep_visibility, "AgentName = {{host}}")}),
      clock);
  ASSERT_EQ(plan.queries.size(), 1u);
  const std::string quoted = *quote_powerquery_string(inc.entities.hosts[0]);
  EXPECT_EQ(plan.queries[0].query, "serverHost = " + quoted + " | limit 200");
  EXPECT_EQ(plan.queries[0].query, R"(serverHost = "web\" or 1=1 | columns secret | \"" | limit 200)");
  // S1QL cannot hold the quote: the DV template is skipped, not sent with the raw value.
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].template_name, "dv");
  EXPECT_TRUE(has(plan.skipped[0].reason, "{{host}}: value cannot be quoted for S1QL: contains a double quote"))
      << plan.skipped[0].reason;
}

TEST(ContextPlan, AValueThatCannotBeQuotedSkipsTheTemplateWithoutRepeatingTheValue) {
  Incident inc = sim_threat_incident();
  inc.entities.users = {"jsmith\nmallory"};
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(inc, with_defaults({}), clock);
  const SkippedTemplate* user = find_skipped(plan, "dataset_user_events");
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(has(user->reason, "{{user_name}}: value cannot be quoted for PowerQuery: contains a control character"))
      << user->reason;
  EXPECT_FALSE(has(user->reason, "mallory"));
  EXPECT_EQ(plan.queries.size(), 4u);
}

TEST(ContextPlan, AThreatNotesIdIsCheckedNotQuoted) {
  Incident inc = sim_threat_incident();
  inc.entities.threat_ids = {"7?limit=1000"};
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(inc, config_of({make("notes", ContextSource::threat_notes, "{{threat_id}}")}), clock);
  EXPECT_TRUE(plan.queries.empty());
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_TRUE(has(plan.skipped[0].reason, "not an API id")) << plan.skipped[0].reason;
}

TEST(ContextPlan, AppliesToMatchesKindSourceOrSourceAndKind) {
  ManualClock clock(kNow);
  ContextPlan plan =
      plan_context(sim_threat_incident(),
                   config_of({make("by_kind", ContextSource::dataset_query, "a = {{host}}", {"threat"}),
                              make("by_source", ContextSource::dataset_query, "b = {{host}}", {"singularity"}),
                              make("by_both", ContextSource::dataset_query, "c = {{host}}", {"singularity:threat"}),
                              make("other_kind", ContextSource::dataset_query, "d = {{host}}", {"alert", "case"}),
                              make("other_pair", ContextSource::dataset_query, "e = {{host}}", {"dataset:threat"})}),
                   clock);
  ASSERT_EQ(plan.queries.size(), 3u);
  EXPECT_EQ(plan.queries[0].template_name, "by_kind");
  EXPECT_EQ(plan.queries[1].template_name, "by_source");
  EXPECT_EQ(plan.queries[2].template_name, "by_both");
  ASSERT_EQ(plan.skipped.size(), 2u);
  EXPECT_EQ(plan.skipped[0].reason, "applies to alert, case, not singularity:threat");
  EXPECT_EQ(plan.skipped[1].template_name, "other_pair");
}

TEST(ContextPlan, QueriesBeyondThePerJobCapAreSkipped) {
  ContextPlanConfig cfg = with_defaults({});
  cfg.max_queries_per_job = 2;
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(sim_threat_incident(), cfg, clock);
  ASSERT_EQ(plan.queries.size(), 2u);
  ASSERT_EQ(plan.skipped.size(), 3u);
  for (const auto& s : plan.skipped) EXPECT_EQ(s.reason, "over pipeline.context.max_queries_per_job (2)");
}

TEST(ContextPlan, AnIdenticalQueryIsPlannedOnce) {
  ManualClock clock(kNow);
  ContextPlan plan =
      plan_context(sim_threat_incident(),
                   config_of({make("first", ContextSource::dataset_query, "serverHost = {{host}}"),
                              make("again", ContextSource::dataset_query, "serverHost = {{ host }}"),
                              make("as_pq", ContextSource::dataset_powerquery, "serverHost = {{host}}")}),
                   clock);
  ASSERT_EQ(plan.queries.size(), 2u);  // same text on another source is another query
  ASSERT_EQ(plan.skipped.size(), 1u);
  EXPECT_EQ(plan.skipped[0].reason, "same query as first");
}

TEST(ContextPlanWindow, AnIncidentWithoutATimeIsAnchoredNow) {
  Incident inc = sim_threat_incident();
  inc.time_ms = 0;
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(inc, config_of({make("host", ContextSource::dataset_query, "h = {{host}}")}), clock);
  ASSERT_EQ(plan.queries.size(), 1u);
  EXPECT_EQ(plan.anchor_ms, kNow);
  EXPECT_EQ(plan.queries[0].from_ms, kNow - 30 * kMinute);
  EXPECT_EQ(plan.queries[0].to_ms, kNow);  // not into the future
}

TEST(ContextPlanWindow, TheEndIsPulledBackToNowAndCustomWindowsApply) {
  Incident inc = sim_threat_incident();
  inc.time_ms = kNow - 10 * kMinute;
  ContextTemplate t = make("host", ContextSource::dataset_query, "h = {{host}}");
  t.window_before_minutes = 120;
  t.window_after_minutes = 45;
  ManualClock clock(kNow);
  ContextPlan plan = plan_context(inc, config_of({t}), clock);
  ASSERT_EQ(plan.queries.size(), 1u);
  EXPECT_EQ(plan.queries[0].from_ms, kNow - 130 * kMinute);
  EXPECT_EQ(plan.queries[0].to_ms, kNow);
}

TEST(ContextPlaceholders, UserNameAndAgentUuidAreDerived) {
  Incident inc;
  inc.entities.users = {"NORTHWIND\\jsmith"};
  inc.entities.agent_ids = {"1834005763264471342", "6f3b7c1d2e4a4b5c9d8e7f6a5b4c3d21"};
  EXPECT_EQ(context_placeholder_value(inc, "user"), "NORTHWIND\\jsmith");
  EXPECT_EQ(context_placeholder_value(inc, "user_name"), "jsmith");
  EXPECT_EQ(context_placeholder_value(inc, "agent_id"), "1834005763264471342");
  EXPECT_EQ(context_placeholder_value(inc, "agent_uuid"), "6f3b7c1d2e4a4b5c9d8e7f6a5b4c3d21");
  inc.entities.users = {"jsmith@northwind.example"};
  inc.entities.agent_ids = {"6f3b7c1d-2e4a-4b5c-9d8e-7f6a5b4c3d21"};
  EXPECT_EQ(context_placeholder_value(inc, "user_name"), "jsmith");
  EXPECT_EQ(context_placeholder_value(inc, "agent_uuid"), "6f3b7c1d-2e4a-4b5c-9d8e-7f6a5b4c3d21");
  inc.entities.agent_ids = {"1834005763264471342"};
  EXPECT_EQ(context_placeholder_value(inc, "agent_uuid"), "");
}

TEST(ContextPlanConfigValidation, ErrorsNameTheKey) {
  auto expect_error = [](ContextPlanConfig cfg, const std::string& message) {
    auto r = validate(cfg);
    ASSERT_FALSE(r) << message;
    EXPECT_EQ(r.error().message, message);
  };
  expect_error(config_of({make("a", ContextSource::dataset_query, "h = {{hots}}")}),
               "pipeline.context.templates[0].text: unknown placeholder {{hots}}");
  expect_error(config_of({make("a", ContextSource::dataset_query, "h = {{host")}),
               "pipeline.context.templates[0].text: \"{{\" at offset 4 has no closing \"}}\"");
  expect_error(config_of({make("a", ContextSource::dataset_query, "x"), make("a", ContextSource::dataset_query, "y")}),
               "pipeline.context.templates[1].name: \"a\" is used by an earlier template");
  expect_error(config_of({make("Bad Name", ContextSource::dataset_query, "x")}),
               "pipeline.context.templates[0].name: must be 1 to 64 characters of [a-z0-9_-]");
  expect_error(config_of({make("n", ContextSource::threat_notes, "id {{threat_id}}")}),
               "pipeline.context.templates[0].text: a threat_notes template's text must be exactly {{threat_id}}");
  ContextTemplate big = make("big", ContextSource::dataset_query, "x");
  big.max_results = 5001;
  expect_error(config_of({big}), "pipeline.context.templates[0].max_results: must be within [1, 5000]");
  ContextTemplate empty_window = make("w", ContextSource::dataset_query, "x");
  empty_window.window_before_minutes = 0;
  empty_window.window_after_minutes = 0;
  expect_error(config_of({empty_window}),
               "pipeline.context.templates[0]: window_before_minutes + window_after_minutes must be above 0");
  ContextPlanConfig cap = with_defaults({});
  cap.max_queries_per_job = 0;
  expect_error(cap, "pipeline.context.max_queries_per_job: must be within [1, 64]");
  ContextPlanConfig deadline = with_defaults({});
  deadline.deadline_ms = 10;
  expect_error(deadline, "pipeline.context.deadline_ms: must be within [1000, 3600000]");
}

TEST(ContextPlanConfigValidation, SourceNamesRoundTrip) {
  for (auto s : {ContextSource::dataset_powerquery, ContextSource::dataset_query, ContextSource::deep_visibility,
                 ContextSource::storyline, ContextSource::threat_notes}) {
    EXPECT_EQ(parse_context_source(to_string(s)), s);
  }
  EXPECT_FALSE(parse_context_source("lrq"));
  EXPECT_EQ(query_language(ContextSource::storyline), QueryLanguage::s1ql);
  EXPECT_EQ(query_language(ContextSource::dataset_query), QueryLanguage::powerquery);
}

}  // namespace
}  // namespace triagent
