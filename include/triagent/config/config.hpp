#pragma once
// Config: the daemon's whole configuration as typed, immutable structs, built once from YAML
// (config/triagent.yaml is the shipped default) and shared read-only by every component.
//
//   auto cfg = load_config_file("config/triagent.yaml");   // see config/loader.hpp
//   if (!cfg) { std::cerr << cfg.error().message; return 78; }
//   serve(*cfg);
//
// Secrets (tokens, HMAC keys) are held in `Secret`, whose only way out is `reveal()`; it never
// prints, so a config dump or a log line cannot leak one.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "triagent/connectors/dataset_config.hpp"
#include "triagent/connectors/llm_config.hpp"
#include "triagent/connectors/singularity_config.hpp"
#include "triagent/core/access_control.hpp"
#include "triagent/core/secret.hpp"
#include "triagent/net/http_client.hpp"
#include "triagent/resilience/upstream_policy_config.hpp"

namespace triagent {

struct TlsConfig {
  bool enabled = false;
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
};

// server.threads: auto
inline constexpr int kAutoThreads = 0;

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
  // io_context threads; kAutoThreads: io_threads_for() picks from the cores.
  int threads = kAutoThreads;
  int max_connections = 1024;             // over this, new connections get 503 and are closed
  std::uint64_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = 1024 * 1024;
  int read_timeout_ms = 10'000;           // a whole request (headers + body) must arrive within this
  int keepalive_timeout_ms = 30'000;      // idle time allowed between requests on one connection
  int max_requests_per_connection = 1000;
  TlsConfig tls;
};

// The io threads to run: the configured number, or for `auto` half the cores (at least one).
// The other half is left to the queue's writer thread, the pipeline's blocking pool and, on a
// small machine, whatever sends the webhooks: on 2 cores, 1 io thread took 1.21 times the
// webhooks per second of 2 (median of 8 alternating pairs of intake_bench --workers 0).
int io_threads_for(int configured, unsigned cores);

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
};

// Where each normalized field is found in a JSON webhook body, as JSON pointers (RFC 6901).
// Lists take several pointers; a pointer may name a string, a number or an array of strings.
struct FieldMapping {
  std::string external_id = "/id";
  std::string title = "/title";
  std::string severity = "/severity";
  std::string time = "/time";
  std::string tenant;
  std::vector<std::string> hosts;
  std::vector<std::string> users;
  std::vector<std::string> ips;
  std::vector<std::string> hashes;
  std::vector<std::string> processes;
  std::vector<std::string> files;
  std::vector<std::string> domains;
};

struct WebhookSourceConfig {
  bool enabled = true;
  Secret token;        // accepted as "Authorization: Bearer <token>"; empty: bearer auth off
  Secret hmac_secret;  // accepted as "X-Triagent-Signature: t=..,v1=.."; empty: HMAC auth off
  // Only for sources whose payload is user-templated (dataset, generic).
  std::optional<FieldMapping> mapping;
};

struct WebhooksConfig {
  int replay_window_seconds = 300;
  // Keyed by source name: dataset, singularity, vigilance, generic.
  std::map<std::string, WebhookSourceConfig> sources;
};

struct AuthConfig {
  Secret admin_token;  // "Authorization: Bearer <admin_token>" for /v1/jobs and other admin routes
  // More operator tokens, each with a name and a role, stored as SHA-256 hashes (AccessControl).
  std::vector<TokenGrant> tokens;
};

struct QueueConfig {
  std::string backend = "sqlite";
  std::string path;                    // database file; empty: <data_dir>/triagent.db
  std::int64_t max_depth = 100'000;    // over this many ready jobs, webhooks get 503 + Retry-After
  int retry_after_seconds = 5;         // what 503 answers tell senders to wait
  int lease_seconds = 60;              // visibility timeout of a leased job
  int max_attempts = 5;                // then the job is dead-lettered
  int backoff_base_ms = 1000;          // full-jitter exponential backoff between attempts
  int backoff_cap_ms = 300'000;
  int group_commit_max_batch = 512;    // most operations in one transaction
  int done_retention_hours = 168;      // finished jobs are purged after this
};

struct WorkersConfig {
  int count = 4;                    // concurrent jobs; 0: an intake-only node (jobs stay queued)
  int poll_interval_ms = 500;       // how often idle workers look for delayed jobs
  int drain_timeout_seconds = 20;   // on SIGTERM, how long in-flight jobs may still run
};

// The SentinelOne tenant Triagent reads from and writes to; a connector left out is off.
struct ConnectorsConfig {
  std::optional<SingularityConfig> singularity;
  std::optional<DataSetConfig> dataset;
};

struct LlmConfig {
  // Tried in order; a failing provider hands over to the next. `builtin` (no network) is always a
  // safe last entry.
  std::vector<LlmProviderConfig> providers;
};

// One context query template as written under pipeline.context.templates (the pipeline module's
// ContextTemplate, in plain strings: the pipeline checks source names and placeholders at start-up).
struct ContextTemplateSettings {
  int line = 0;  // where it is written, for start-up errors
  std::string name;
  std::string source;                   // dataset_powerquery | dataset_query | deep_visibility | storyline | threat_notes
  std::vector<std::string> applies_to;  // incident kinds / sources; empty: every incident
  std::string text;
  int window_before_minutes = 30;
  int window_after_minutes = 30;
  int max_results = 200;
};

// The enrichment pipeline's settings (the mode is Config::mode).
struct PipelineSettings {
  std::string prompts_dir = "config/prompts";  // the versioned prompt templates
  std::string prompt = "analysis@v2";          // which template; named in every audit record
  double auto_confidence_threshold = 0.8;      // auto mode: low-risk actions run at or above it
  int approval_ttl_minutes = 60;               // a pending approval expires (closed) after this
  int evidence_token_budget = 1600;            // evidence part of the prompt
  // What context is fetched per incident; empty: the shipped templates (context_default_templates).
  std::vector<ContextTemplateSettings> context_templates;
  int context_max_queries_per_job = 8;
  int context_deadline_ms = 120'000;           // all context queries of one job
  int llm_max_output_tokens = 2048;
  bool send_ai_events = true;                  // assist/auto: ai_* events to DataSet (when enabled)
};

// A section whose schema belongs to another module (hunt:, audit:): kept as YAML text for that
// module to parse and validate at start-up (config sits below those modules). `line` is where the
// section starts in the file, for messages. ${VAR} interpolation does not apply inside.
struct ModuleSection {
  int line = 0;
  std::string yaml;
};

struct Config {
  std::string source_name;  // the file the config came from, or "<embedded>"
  std::string data_dir = "./var";
  std::string mode = "shadow";  // shadow | assist | auto
  ServerConfig server;
  LogConfig log;
  AuthConfig auth;
  WebhooksConfig webhooks;
  QueueConfig queue;
  WorkersConfig workers;
  HttpClientConfig http_client;
  // Rate limits, retries and breakers per upstream, keyed by name: singularity, dataset, and each
  // LLM provider's name. An upstream without an entry gets UpstreamPolicyConfig's defaults.
  std::map<std::string, UpstreamPolicyConfig> upstreams;
  ConnectorsConfig connectors;
  LlmConfig llm;
  PipelineSettings pipeline;
  std::map<std::string, ModuleSection> module_sections;  // "hunt", "audit"

  // The queue database path, resolved against data_dir.
  std::string queue_path() const { return queue.path.empty() ? data_dir + "/triagent.db" : queue.path; }
};

}  // namespace triagent
