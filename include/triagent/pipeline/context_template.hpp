#pragma once
// Context templates: the config that decides which queries an incident's context is made of (stage
// 2 of the pipeline, "plan context"). A template names a source, the incidents it applies to, the
// query text with {{placeholders}}, and a time window around the incident. The lead wires it from
// YAML under `pipeline.context` (same key names as the fields).
//
//   ContextPlanConfig cfg;                                 // default_context_templates(), 8 queries, 120 s
//   cfg.templates.push_back({.name = "dataset_ip", .source = ContextSource::dataset_query,
//                            .applies_to = {"dataset"}, .text = "srcIp = {{ip}} or dstIp = {{ip}}"});
//   if (auto ok = validate(cfg); !ok) fail(ok.error().message);   // "pipeline.context.templates[5]..."
//
// Placeholders (all of them required: a template whose placeholder has no value in the incident is
// skipped, with the reason recorded). Each value is the first of its entity list, quoted by the
// function of the template's language (query_escape.hpp), never pasted raw:
//   {{host}} {{user}} {{ip}} {{hash}} {{storyline}} {{threat_id}}   entities.hosts[0], users[0], ...
//   {{user_name}}   users[0] without a "DOMAIN\" prefix or "@domain" suffix (Windows logs name the
//                   account alone: TargetUserName "jsmith" for "NORTHWIND\jsmith")
//   {{agent_id}}    agent_ids[0] (an agent id or uuid, as the webhook gave it)
//   {{agent_uuid}}  the first agent_ids entry shaped like a uuid (32 hex, or 8-4-4-4-12)
//   {{max_results}} the template's own max_results, a number (trusted, not quoted)
// `{{` always opens a placeholder; a literal "{{" cannot be written (no query language here needs it).
//
// Languages: dataset_powerquery and dataset_query use PowerQuery quoting; deep_visibility and
// storyline use S1QL 1.0 quoting; threat_notes' text must be exactly "{{threat_id}}" (the id is
// checked, not quoted, and goes to GET /threats/{id}/notes).
//
// applies_to entries match an incident's kind ("threat", "alert", "case", "dataset_alert",
// "event"), its source ("singularity", "dataset", "vigilance", "generic"), or both as
// "source:kind". Empty: every incident.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/core/result.hpp"

namespace triagent {

enum class ContextSource {
  dataset_powerquery,  // DataSetClient::power_query (/api/powerQuery): a table
  dataset_query,       // DataSetClient::query (/api/query, a log filter): whole events
  deep_visibility,     // DeepVisibility::run_query (S1QL 1.0)
  storyline,           // the same, for the storyline of the threat (its own entry in the note)
  threat_notes,        // SingularityThreats::list_notes: what analysts already wrote
};

const char* to_string(ContextSource source);  // "dataset_powerquery", ...
std::optional<ContextSource> parse_context_source(std::string_view name);

enum class QueryLanguage { powerquery, s1ql, api_id };
QueryLanguage query_language(ContextSource source);

struct ContextTemplate {
  std::string name;  // unique, [a-z0-9_-]; names the query in the result, the note and the audit
  ContextSource source = ContextSource::dataset_query;
  std::vector<std::string> applies_to;  // kinds, sources or "source:kind"; empty: all
  std::string text;                     // query text with {{placeholders}}
  int window_before_minutes = 30;       // from = incident time - this
  int window_after_minutes = 30;        // to = incident time + this (never past now)
  int max_results = 200;                // events kept from this query
};

struct ContextPlanConfig {
  std::vector<ContextTemplate> templates;  // empty: default_context_templates() (see with_defaults)
  int max_queries_per_job = 8;             // planned queries beyond this are skipped
  std::int64_t deadline_ms = 120'000;      // the whole fetch stage, all queries together
  std::size_t max_value_bytes = 1'024;     // longest placeholder value quoted
};

// The shipped templates (mirrored in config/triagent.yaml):
//   dataset_host_events  dataset_query       serverHost or endpoint.name = {{host}}, +-30 min, 200
//   dataset_user_events  dataset_powerquery  full-text {{user_name}}, columns + sort + limit, +-30 min, 200
//   dv_agent_events      deep_visibility     AgentUUID = {{agent_uuid}} AND EventType In (process,
//                                            file, network, DNS, registry, login types), +-30 min, 500
//   dv_storyline_events  storyline           SrcProcStorylineId = {{storyline}}, +-60 min, 500
//   threat_notes         threat_notes        {{threat_id}}, 50
// Deep Visibility events of the agent are ONE combined query, not one per family: query-status is
// limited to 1 call per second per token (apis.md B.8), and each DV query costs an init, several
// status polls and its pages, so five family queries would spend five times the status budget for
// the same events. A family that floods the result shows as `truncated`.
std::vector<ContextTemplate> default_context_templates();

// The config with default_context_templates() when it lists none.
ContextPlanConfig with_defaults(ContextPlanConfig config);

// Checks names, sources, placeholders, windows and limits; the message names the key, e.g.
// "pipeline.context.templates[2].text: unknown placeholder {{hots}}".
Result<void> validate(const ContextPlanConfig& config);

}  // namespace triagent
