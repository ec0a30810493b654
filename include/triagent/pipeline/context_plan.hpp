#pragma once
// plan_context: stage 2 of the pipeline. From an incident and the context templates, the queries
// to run (rendered text, time window, result cap) and the templates left out, each with its
// reason. Pure: no I/O; the clock only bounds windows that would reach into the future.
//
//   ContextPlanConfig cfg = with_defaults(config.pipeline.context);
//   ContextPlan plan = plan_context(incident, cfg);
//   for (const SkippedTemplate& s : plan.skipped) audit("context skipped", s.template_name, s.reason);
//   ContextResult context = co_await fetcher.fetch(plan, deadline_after(ms(cfg.deadline_ms)));
//
// Rules, in template order:
//  - a template whose applies_to does not match the incident is skipped ("applies to ...");
//  - every placeholder in the text is required: one with no value in the incident skips the
//    template ("no value for {{agent_uuid}}"), as does a value its language cannot quote safely
//    ("{{user}}: value cannot be quoted for S1QL: contains a double quote at byte 3");
//  - a rendered query identical to an earlier one (same source) is skipped as a duplicate;
//  - after max_queries_per_job planned queries, the rest are skipped.
// Window: [t - window_before, t + window_after] around the incident time t (the incident's
// time_ms, or now when the payload had none), its end pulled back to now when it lies ahead.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/pipeline/context_template.hpp"

namespace triagent {

struct PlannedQuery {
  std::string template_name;
  ContextSource source = ContextSource::dataset_query;
  std::string query;  // the rendered text (for threat_notes: the threat id)
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  int max_results = 0;
};

struct SkippedTemplate {
  std::string template_name;
  ContextSource source = ContextSource::dataset_query;
  std::string reason;  // names placeholders and rules, never an incident value
};

struct ContextPlan {
  std::vector<PlannedQuery> queries;
  std::vector<SkippedTemplate> skipped;
  std::int64_t anchor_ms = 0;  // the incident time the windows are built around
};

ContextPlan plan_context(const Incident& incident, const ContextPlanConfig& config,
                         const Clock& clock = SystemClock::instance());

// The value a placeholder takes for this incident ("" when it has none), before quoting: what the
// planner inserts, for tests and for explaining a plan.
std::string context_placeholder_value(const Incident& incident, std::string_view placeholder);

}  // namespace triagent
