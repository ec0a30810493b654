#include "config/outbound_sections.hpp"

namespace triagent::config_detail {
namespace {

using Node = YAML::Node;
using Path = std::string;

// Handlers that convert a value with one YamlWalker method and store it.
template <class T>
YamlWalker::Handler set(const YamlWalker& w, T& target, T (YamlWalker::*convert)(const Node&, const Path&) const) {
  return [&w, &target, convert](const Node& v, const Path& p) { target = (w.*convert)(v, p); };
}

YamlWalker::Handler set_optional_string(const YamlWalker& w, std::optional<std::string>& target) {
  return [&w, &target](const Node& v, const Path& p) { target = w.string(v, p); };
}

// A connector's validate() says "<key.path>: <problem>"; report it at the section's line.
void check(const YamlWalker& w, const Node& node, const Path& path, const Result<void>& verdict) {
  if (verdict) return;
  const std::string& message = verdict.error().message;
  const auto colon = message.find(": ");
  if (colon == std::string::npos) w.fail(node, path, message);
  w.fail(node, message.substr(0, colon), message.substr(colon + 2));
}

void walk_policy(const YamlWalker& w, const Node& node, const Path& path, UpstreamPolicyConfig& u) {
  w.fields(node, path, {
      {"max_concurrency", set(w, u.max_concurrency, &YamlWalker::non_negative_int)},
      {"max_inline_wait_ms", set(w, u.max_inline_wait_ms, &YamlWalker::non_negative_int64)},
      {"concurrency_retry_ms", set(w, u.concurrency_retry_ms, &YamlWalker::positive_int64)},
      {"rate", [&](const Node& v, const Path& p) {
         w.fields(v, p, {
             {"requests_per_second", set(w, u.rate.requests_per_second, &YamlWalker::non_negative_double)},
             {"request_burst", set(w, u.rate.request_burst, &YamlWalker::non_negative_double)},
             {"tokens_per_minute", set(w, u.rate.tokens_per_minute, &YamlWalker::non_negative_double)},
             {"token_burst", set(w, u.rate.token_burst, &YamlWalker::non_negative_double)},
         });
       }},
      {"retry", [&](const Node& v, const Path& p) {
         w.fields(v, p, {
             {"max_attempts", set(w, u.retry.max_attempts, &YamlWalker::positive_int)},
             {"base_delay_ms", set(w, u.retry.base_delay_ms, &YamlWalker::positive_int64)},
             {"max_delay_ms", set(w, u.retry.max_delay_ms, &YamlWalker::positive_int64)},
             {"max_server_delay_ms", set(w, u.retry.max_server_delay_ms, &YamlWalker::positive_int64)},
             {"clamp_server_delay", set(w, u.retry.clamp_server_delay, &YamlWalker::boolean)},
             {"honour_should_retry", set(w, u.retry.honour_should_retry, &YamlWalker::boolean)},
         });
       }},
      {"breaker", [&](const Node& v, const Path& p) {
         w.fields(v, p, {
             {"consecutive_failures", set(w, u.breaker.consecutive_failures, &YamlWalker::non_negative_int)},
             {"failure_rate", set(w, u.breaker.failure_rate, &YamlWalker::non_negative_double)},
             {"window", set(w, u.breaker.window, &YamlWalker::positive_int)},
             {"min_calls", set(w, u.breaker.min_calls, &YamlWalker::positive_int)},
             {"open_ms", set(w, u.breaker.open_ms, &YamlWalker::positive_int64)},
             {"probe_busy_retry_ms", set(w, u.breaker.probe_busy_retry_ms, &YamlWalker::positive_int64)},
         });
       }},
      {"retry_budget", [&](const Node& v, const Path& p) {
         w.fields(v, p, {
             {"enabled", set(w, u.retry_budget.enabled, &YamlWalker::boolean)},
             {"ratio", set(w, u.retry_budget.ratio, &YamlWalker::non_negative_double)},
             {"min_retries", set(w, u.retry_budget.min_retries, &YamlWalker::non_negative_int)},
             {"window_ms", set(w, u.retry_budget.window_ms, &YamlWalker::positive_int64)},
         });
       }},
  });
}

// `enabled: false` leaves a connector off, as does leaving its section out.
void walk_singularity(const YamlWalker& w, const Node& node, const Path& path, std::optional<SingularityConfig>& out) {
  SingularityConfig s;
  bool enabled = true;
  w.fields(node, path, {
      {"enabled", set(w, enabled, &YamlWalker::boolean)},
      {"base_url", set(w, s.base_url, &YamlWalker::string)},
      {"api_token", set(w, s.api_token, &YamlWalker::secret)},
      {"account_ids", set(w, s.account_ids, &YamlWalker::strings)},
      {"site_ids", set(w, s.site_ids, &YamlWalker::strings)},
      {"page_size", set(w, s.page_size, &YamlWalker::positive_int)},
      {"max_pages", set(w, s.max_pages, &YamlWalker::positive_int)},
      {"deep_visibility", [&](const Node& v, const Path& p) {
         DeepVisibilityConfig& dv = s.deep_visibility;
         w.fields(v, p, {
             {"poll_interval_ms", set(w, dv.poll_interval_ms, &YamlWalker::positive_int64)},
             {"max_polls", set(w, dv.max_polls, &YamlWalker::positive_int)},
             {"page_limit", set(w, dv.page_limit, &YamlWalker::positive_int)},
             {"max_events", set(w, dv.max_events, &YamlWalker::positive_int)},
             {"status_requests_per_second", set(w, dv.status_requests_per_second, &YamlWalker::non_negative_double)},
         });
       }},
  });
  if (!enabled) return;
  check(w, node, path, validate(s));
  out = std::move(s);
}

void walk_dataset(const YamlWalker& w, const Node& node, const Path& path, std::optional<DataSetConfig>& out) {
  DataSetConfig d;
  bool enabled = true;
  w.fields(node, path, {
      {"enabled", set(w, enabled, &YamlWalker::boolean)},
      {"base_url", set(w, d.base_url, &YamlWalker::string)},
      {"read_key", set(w, d.read_key, &YamlWalker::secret)},
      {"write_key", set(w, d.write_key, &YamlWalker::secret)},
      {"scope", set(w, d.scope, &YamlWalker::string)},
      {"tenant", [&](const Node& v, const Path& p) { d.tenant = w.boolean(v, p); }},
      {"account_ids", set(w, d.account_ids, &YamlWalker::strings)},
      {"priority", [&](const Node& v, const Path& p) { d.priority = w.one_of(v, p, {"low", "high"}); }},
      {"query_timeout_ms", set(w, d.query_timeout_ms, &YamlWalker::positive_int64)},
      {"max_rows", set(w, d.max_rows, &YamlWalker::positive_int)},
      {"server_error_retry_ms", set(w, d.server_error_retry_ms, &YamlWalker::positive_int64)},
      {"add_events", [&](const Node& v, const Path& p) {
         DataSetAddEventsConfig& a = d.add_events;
         w.fields(v, p, {
             {"max_batch_bytes", set(w, a.max_batch_bytes, &YamlWalker::positive_int64)},
             {"server_host", set(w, a.server_host, &YamlWalker::non_empty_string)},
             {"logfile", set(w, a.logfile, &YamlWalker::non_empty_string)},
             {"parser", set(w, a.parser, &YamlWalker::non_empty_string)},
             {"request_timeout_ms", set(w, a.request_timeout_ms, &YamlWalker::positive_int64)},
         });
       }},
      {"lrq", [&](const Node& v, const Path& p) {
         DataSetLrqConfig& l = d.lrq;
         w.fields(v, p, {
             {"base_url", set(w, l.base_url, &YamlWalker::string)},
             {"base_path", set(w, l.base_path, &YamlWalker::non_empty_string)},
             {"token", set(w, l.token, &YamlWalker::secret)},
             {"poll_interval_ms", set(w, l.poll_interval_ms, &YamlWalker::positive_int64)},
             {"max_polls", set(w, l.max_polls, &YamlWalker::positive_int)},
         });
       }},
  });
  if (!enabled) return;
  check(w, node, path, validate(d));
  out = std::move(d);
}

LlmProviderConfig walk_provider(const YamlWalker& w, const Node& node, const Path& path, std::size_t index) {
  LlmProviderConfig c;
  w.fields(node, path, {
      {"name", set(w, c.name, &YamlWalker::non_empty_string)},
      {"kind", [&](const Node& v, const Path& p) {
         c.kind = *parse_llm_provider_kind(w.one_of(v, p, {"openai", "azure_openai", "anthropic", "builtin"}));
       }},
      {"base_url", set(w, c.base_url, &YamlWalker::string)},
      {"model", set(w, c.model, &YamlWalker::string)},
      {"deployment", set(w, c.deployment, &YamlWalker::string)},
      {"api_version", set(w, c.api_version, &YamlWalker::non_empty_string)},
      {"api_key", set(w, c.api_key, &YamlWalker::secret)},
      {"request_timeout_ms", set(w, c.request_timeout_ms, &YamlWalker::positive_int64)},
      {"max_output_tokens", set(w, c.max_output_tokens, &YamlWalker::positive_int)},
      {"max_tokens_field", [&](const Node& v, const Path& p) {
         c.max_tokens_field = w.one_of(v, p, {"max_completion_tokens", "max_tokens"});
       }},
      {"anthropic_version", set(w, c.anthropic_version, &YamlWalker::non_empty_string)},
      {"usd_per_million_input_tokens", set(w, c.usd_per_million_input_tokens, &YamlWalker::non_negative_double)},
      {"usd_per_million_output_tokens", set(w, c.usd_per_million_output_tokens, &YamlWalker::non_negative_double)},
      {"extra_headers", [&](const Node& v, const Path& p) {
         w.entries(v, p, [&](const std::string& name, const Node&, const Node& value, const Path& hp) {
           c.extra_headers.emplace_back(name, w.string(value, hp));
         });
       }},
  });
  check(w, node, path, validate(c, index));
  return c;
}

}  // namespace

void walk_http_client(const YamlWalker& w, const Node& node, const Path& path, HttpClientConfig& c) {
  w.fields(node, path, {
      {"max_connections_per_host", set(w, c.max_connections_per_host, &YamlWalker::non_negative_int)},
      {"max_total_connections", set(w, c.max_total_connections, &YamlWalker::non_negative_int)},
      {"max_idle_connections", set(w, c.max_idle_connections, &YamlWalker::non_negative_int)},
      {"connect_timeout_ms", set(w, c.connect_timeout_ms, &YamlWalker::positive_int64)},
      {"max_response_bytes", set(w, c.max_response_bytes, &YamlWalker::positive_uint64)},
      {"max_response_header_bytes", set(w, c.max_response_header_bytes, &YamlWalker::positive_uint64)},
      {"http2", set(w, c.http2, &YamlWalker::boolean)},
      {"verify_tls", set(w, c.verify_tls, &YamlWalker::boolean)},
      {"ca_file", set(w, c.ca_file, &YamlWalker::string)},
      {"ca_path", set(w, c.ca_path, &YamlWalker::string)},
      {"proxy", set_optional_string(w, c.proxy)},
      {"no_proxy", set_optional_string(w, c.no_proxy)},
      {"user_agent", set(w, c.user_agent, &YamlWalker::non_empty_string)},
  });
  check(w, node, path, validate(c));
}

void walk_upstreams(const YamlWalker& w, const Node& node, const Path& path,
                    std::map<std::string, UpstreamPolicyConfig>& out) {
  w.entries(node, path, [&](const std::string& name, const Node&, const Node& value, const Path& p) {
    UpstreamPolicyConfig u;
    u.name = name;
    if (!value.IsNull()) walk_policy(w, value, p, u);
    check(w, value, p, validate(u));
    out[name] = std::move(u);
  });
}

void walk_connectors(const YamlWalker& w, const Node& node, const Path& path, ConnectorsConfig& out) {
  w.fields(node, path, {
      {"singularity", [&](const Node& v, const Path& p) { walk_singularity(w, v, p, out.singularity); }},
      {"dataset", [&](const Node& v, const Path& p) { walk_dataset(w, v, p, out.dataset); }},
  });
}

void walk_llm(const YamlWalker& w, const Node& node, const Path& path, LlmConfig& out) {
  w.fields(node, path, {
      {"providers", [&](const Node& v, const Path& p) {
         if (!v.IsSequence()) w.fail(v, p, "expected a list of providers");
         for (std::size_t i = 0; i < v.size(); ++i) {
           out.providers.push_back(walk_provider(w, v[i], p + "[" + std::to_string(i) + "]", i));
         }
       }},
  });
}

}  // namespace triagent::config_detail
