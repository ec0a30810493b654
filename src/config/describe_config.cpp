#include <yaml-cpp/yaml.h>

#include "triagent/config/loader.hpp"

namespace triagent {
namespace {

void emit_pointers(YAML::Emitter& out, const char* key, const std::vector<std::string>& pointers) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& p : pointers) out << p;
  out << YAML::EndSeq;
}

void emit_mapping(YAML::Emitter& out, const FieldMapping& m) {
  out << YAML::BeginMap;
  out << YAML::Key << "external_id" << YAML::Value << m.external_id;
  out << YAML::Key << "title" << YAML::Value << m.title;
  out << YAML::Key << "severity" << YAML::Value << m.severity;
  out << YAML::Key << "time" << YAML::Value << m.time;
  out << YAML::Key << "tenant" << YAML::Value << m.tenant;
  emit_pointers(out, "hosts", m.hosts);
  emit_pointers(out, "users", m.users);
  emit_pointers(out, "ips", m.ips);
  emit_pointers(out, "hashes", m.hashes);
  emit_pointers(out, "processes", m.processes);
  emit_pointers(out, "files", m.files);
  emit_pointers(out, "domains", m.domains);
  out << YAML::EndMap;
}

void emit_server(YAML::Emitter& out, const ServerConfig& s) {
  out << YAML::BeginMap;
  out << YAML::Key << "listen" << YAML::Value << s.listen;
  out << YAML::Key << "threads" << YAML::Value;
  if (s.threads == kAutoThreads) {
    out << "auto";
  } else {
    out << s.threads;
  }
  out << YAML::Key << "max_connections" << YAML::Value << s.max_connections;
  out << YAML::Key << "max_header_bytes" << YAML::Value << s.max_header_bytes;
  out << YAML::Key << "max_body_bytes" << YAML::Value << s.max_body_bytes;
  out << YAML::Key << "read_timeout_ms" << YAML::Value << s.read_timeout_ms;
  out << YAML::Key << "keepalive_timeout_ms" << YAML::Value << s.keepalive_timeout_ms;
  out << YAML::Key << "max_requests_per_connection" << YAML::Value << s.max_requests_per_connection;
  out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << s.tls.enabled;
  out << YAML::Key << "cert_file" << YAML::Value << s.tls.cert_file;
  out << YAML::Key << "key_file" << YAML::Value << s.tls.key_file;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

void emit_webhooks(YAML::Emitter& out, const WebhooksConfig& wh) {
  out << YAML::BeginMap;
  out << YAML::Key << "replay_window_seconds" << YAML::Value << wh.replay_window_seconds;
  out << YAML::Key << "sources" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, source] : wh.sources) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "enabled" << YAML::Value << source.enabled;
    // Only redacted() ever reaches the output: this text is printed and may be pasted in tickets.
    out << YAML::Key << "token" << YAML::Value << source.token.redacted();
    out << YAML::Key << "hmac_secret" << YAML::Value << source.hmac_secret.redacted();
    if (source.mapping) {
      out << YAML::Key << "mapping" << YAML::Value;
      emit_mapping(out, *source.mapping);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
}

void emit_queue(YAML::Emitter& out, const QueueConfig& q) {
  out << YAML::BeginMap;
  out << YAML::Key << "backend" << YAML::Value << q.backend;
  out << YAML::Key << "path" << YAML::Value << q.path;
  out << YAML::Key << "max_depth" << YAML::Value << q.max_depth;
  out << YAML::Key << "retry_after_seconds" << YAML::Value << q.retry_after_seconds;
  out << YAML::Key << "lease_seconds" << YAML::Value << q.lease_seconds;
  out << YAML::Key << "max_attempts" << YAML::Value << q.max_attempts;
  out << YAML::Key << "backoff_base_ms" << YAML::Value << q.backoff_base_ms;
  out << YAML::Key << "backoff_cap_ms" << YAML::Value << q.backoff_cap_ms;
  out << YAML::Key << "group_commit_max_batch" << YAML::Value << q.group_commit_max_batch;
  out << YAML::Key << "done_retention_hours" << YAML::Value << q.done_retention_hours;
  out << YAML::EndMap;
}

}  // namespace

std::string describe_config(const Config& cfg) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "data_dir" << YAML::Value << cfg.data_dir;
  out << YAML::Key << "mode" << YAML::Value << cfg.mode;
  out << YAML::Key << "server" << YAML::Value;
  emit_server(out, cfg.server);
  out << YAML::Key << "log" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "level" << YAML::Value << cfg.log.level;
  out << YAML::EndMap;
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "admin_token" << YAML::Value << cfg.auth.admin_token.redacted();
  if (!cfg.auth.tokens.empty()) {
    // Hashes are not usable as tokens, so they are shown: they identify which token is which.
    out << YAML::Key << "tokens" << YAML::Value << YAML::BeginSeq;
    for (const auto& t : cfg.auth.tokens) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name << YAML::Key << "role" << YAML::Value
          << to_string(t.role) << YAML::Key << "sha256" << YAML::Value << t.sha256 << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  out << YAML::Key << "webhooks" << YAML::Value;
  emit_webhooks(out, cfg.webhooks);
  out << YAML::Key << "queue" << YAML::Value;
  emit_queue(out, cfg.queue);
  out << YAML::Key << "workers" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "count" << YAML::Value << cfg.workers.count;
  out << YAML::Key << "poll_interval_ms" << YAML::Value << cfg.workers.poll_interval_ms;
  out << YAML::Key << "drain_timeout_seconds" << YAML::Value << cfg.workers.drain_timeout_seconds;
  out << YAML::EndMap;
  out << YAML::EndMap;
  // The source is a comment, so the text stays a loadable config shape.
  std::string source = cfg.source_name;
  for (char& c : source) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return "# effective config from " + source + " (secrets redacted)\n" + std::string(out.c_str()) + "\n";
}

}  // namespace triagent
