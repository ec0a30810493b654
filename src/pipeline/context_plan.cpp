#include "triagent/pipeline/context_plan.hpp"

#include <algorithm>

#include "pipeline/context_template_text.hpp"
#include "triagent/pipeline/query_escape.hpp"

namespace triagent {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 32 hex digits (the agent uuids SentinelOne shows) or the 8-4-4-4-12 form.
bool looks_like_uuid(std::string_view s) {
  if (s.size() == 32) return std::all_of(s.begin(), s.end(), is_hex);
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// "NORTHWIND\jsmith" and "jsmith@northwind.local" both name the account "jsmith".
std::string account_name(std::string_view user) {
  if (auto slash = user.rfind('\\'); slash != std::string_view::npos) user.remove_prefix(slash + 1);
  if (auto at = user.find('@'); at != std::string_view::npos) user = user.substr(0, at);
  return std::string(user);
}

std::string first_of(const std::vector<std::string>& list) { return list.empty() ? std::string() : list.front(); }

bool applies(const ContextTemplate& t, const Incident& incident) {
  if (t.applies_to.empty()) return true;
  const std::string both = incident.source + ":" + incident.kind;
  return std::any_of(t.applies_to.begin(), t.applies_to.end(),
                     [&](const std::string& a) { return a == incident.kind || a == incident.source || a == both; });
}

std::string describe_applies_to(const ContextTemplate& t) {
  std::string out;
  for (const auto& a : t.applies_to) out += (out.empty() ? "" : ", ") + a;
  return out;
}

Result<std::string> quote_for(QueryLanguage language, std::string_view value, std::size_t max_bytes) {
  switch (language) {
    case QueryLanguage::powerquery: return quote_powerquery_string(value, max_bytes);
    case QueryLanguage::s1ql: return quote_s1ql_string(value, max_bytes);
    case QueryLanguage::api_id: return checked_api_id(value);
  }
  return Error{ErrorCode::internal, "unknown query language"};
}

// The rendered query, or the reason the template cannot be used for this incident.
Result<std::string> render(const ContextTemplate& t, const Incident& incident, std::size_t max_value_bytes) {
  auto pieces = context_detail::parse_template_text(t.text);
  if (!pieces) return pieces.error();  // validate() catches this first; an unvalidated config lands here
  std::string out;
  for (const auto& piece : *pieces) {
    if (!piece.is_placeholder) {
      out += piece.text;
      continue;
    }
    if (piece.text == "max_results") {
      out += std::to_string(t.max_results);
      continue;
    }
    const std::string value = context_placeholder_value(incident, piece.text);
    if (value.empty()) return Error{ErrorCode::not_found, "no value for {{" + piece.text + "}}"};
    auto quoted = quote_for(query_language(t.source), value, max_value_bytes);
    if (!quoted) return Error{ErrorCode::invalid_argument, "{{" + piece.text + "}}: " + quoted.error().message};
    out += *quoted;
  }
  return out;
}

}  // namespace

std::string context_placeholder_value(const Incident& incident, std::string_view placeholder) {
  const Entities& e = incident.entities;
  if (placeholder == "host") return first_of(e.hosts);
  if (placeholder == "user") return first_of(e.users);
  if (placeholder == "user_name") return e.users.empty() ? std::string() : account_name(e.users.front());
  if (placeholder == "ip") return first_of(e.ips);
  if (placeholder == "hash") return first_of(e.hashes);
  if (placeholder == "agent_id") return first_of(e.agent_ids);
  if (placeholder == "agent_uuid") {
    auto it =
        std::find_if(e.agent_ids.begin(), e.agent_ids.end(), [](const std::string& id) { return looks_like_uuid(id); });
    return it == e.agent_ids.end() ? std::string() : *it;
  }
  if (placeholder == "storyline") return first_of(e.storylines);
  if (placeholder == "threat_id") return first_of(e.threat_ids);
  return {};
}

ContextPlan plan_context(const Incident& incident, const ContextPlanConfig& config, const Clock& clock) {
  ContextPlan plan;
  const std::int64_t now = clock.now_ms();
  plan.anchor_ms = incident.time_ms > 0 ? incident.time_ms : now;
  constexpr std::int64_t kMinute = 60'000;

  for (const ContextTemplate& t : config.templates) {
    auto skip = [&](std::string reason) { plan.skipped.push_back({t.name, t.source, std::move(reason)}); };
    if (!applies(t, incident)) {
      skip("applies to " + describe_applies_to(t) + ", not " + incident.source + ":" + incident.kind);
      continue;
    }
    auto query = render(t, incident, config.max_value_bytes);
    if (!query) {
      skip(query.error().message);
      continue;
    }
    auto same = std::find_if(plan.queries.begin(), plan.queries.end(),
                             [&](const PlannedQuery& q) { return q.source == t.source && q.query == *query; });
    if (same != plan.queries.end()) {
      skip("same query as " + same->template_name);
      continue;
    }
    if (static_cast<int>(plan.queries.size()) >= config.max_queries_per_job) {
      skip("over pipeline.context.max_queries_per_job (" + std::to_string(config.max_queries_per_job) + ")");
      continue;
    }
    PlannedQuery q;
    q.template_name = t.name;
    q.source = t.source;
    q.query = std::move(*query);
    q.from_ms = plan.anchor_ms - t.window_before_minutes * kMinute;
    q.to_ms = plan.anchor_ms + t.window_after_minutes * kMinute;
    // Asking for the future wastes a query's budget; an anchor ahead of our clock keeps its window.
    if (q.to_ms > now && now > q.from_ms) q.to_ms = now;
    q.max_results = t.max_results;
    plan.queries.push_back(std::move(q));
  }
  return plan;
}

}  // namespace triagent
