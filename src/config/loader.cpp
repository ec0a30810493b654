// The Config schema: which keys exist, their types and the checks across keys. The generic walking,
// interpolation and error formatting live in YamlWalker.

#include "triagent/config/loader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "config/outbound_sections.hpp"
#include "config/yaml_document.hpp"
#include "config/yaml_walker.hpp"

namespace triagent {
namespace {

using config_detail::ConfigError;
using config_detail::YamlWalker;
using Node = YAML::Node;
using Path = std::string;

// A config file is a few kilobytes; a huge one is a mistake (or /dev/zero) and is refused early.
constexpr std::uintmax_t kMaxConfigFileBytes = 1024 * 1024;

// Why `path` cannot be opened for reading, or "" when it can.
std::string unreadable_reason(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return ec.message();
  if (!std::filesystem::is_regular_file(status)) return "not a regular file";
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return std::generic_category().message(errno);
  return "";
}

class ConfigBuilder {
 public:
  ConfigBuilder(const std::string& source, const Environment& env) : w_(source, env) {}

  void root(const Node& node, Config& cfg) const {
    int auth_line = 1;
    w_.fields(node, "", {
        {"data_dir", into(cfg.data_dir, &YamlWalker::non_empty_string)},
        {"mode", [&](const Node& v, const Path& p) { cfg.mode = w_.one_of(v, p, {"shadow", "assist", "auto"}); }},
        {"server", section(&ConfigBuilder::server, cfg.server)},
        {"log", section(&ConfigBuilder::log, cfg.log)},
        {"auth", [&](const Node& v, const Path& p) { auth_line = YamlWalker::line_of(v); auth(v, p, cfg.auth); }},
        {"webhooks", section(&ConfigBuilder::webhooks, cfg.webhooks)},
        {"queue", section(&ConfigBuilder::queue, cfg.queue)},
        {"workers", section(&ConfigBuilder::workers, cfg.workers)},
        {"http_client", outbound(&config_detail::walk_http_client, cfg.http_client)},
        {"upstreams", outbound(&config_detail::walk_upstreams, cfg.upstreams)},
        {"connectors", outbound(&config_detail::walk_connectors, cfg.connectors)},
        {"llm", outbound(&config_detail::walk_llm, cfg.llm)},
        {"pipeline", section(&ConfigBuilder::pipeline, cfg.pipeline)},
        {"hunt", module_section("hunt", cfg)},
        {"audit", module_section("audit", cfg)},
    });
    if (cfg.auth.admin_token.empty()) {
      w_.fail_at_line(auth_line, "auth.admin_token", "required: without it the admin API would be open or unusable");
    }
  }

 private:
  YamlWalker::Handler module_section(const char* name, Config& cfg) const {
    return [this, name, &cfg](const Node& v, const Path& p) {
      cfg.module_sections[name] = ModuleSection{YamlWalker::line_of(v), YAML::Dump(interpolated(v, p))};
    };
  }

  // The section with ${VAR} and ${file:...} applied to every scalar, as in the rest of the file.
  YAML::Node interpolated(const Node& node, const std::string& path) const {
    if (node.IsScalar()) return YAML::Node(w_.string(node, path));
    if (node.IsSequence()) {
      YAML::Node out(YAML::NodeType::Sequence);
      for (std::size_t i = 0; i < node.size(); ++i) out.push_back(interpolated(node[i], path + "[" + std::to_string(i) + "]"));
      return out;
    }
    if (node.IsMap()) {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        out[key] = interpolated(entry.second, YamlWalker::child_path(path, key));
      }
      return out;
    }
    return YAML::Node();
  }

  // A handler that converts the value with `convert` and stores it in `target`.
  template <class T>
  YamlWalker::Handler into(T& target, T (YamlWalker::*convert)(const Node&, const Path&) const) const {
    return [this, &target, convert](const Node& v, const Path& p) { target = (w_.*convert)(v, p); };
  }

  // Like into(), and notes the value's line for the checks made after the walk.
  template <class T>
  YamlWalker::Handler into(T& target, int& line, T (YamlWalker::*convert)(const Node&, const Path&) const) const {
    return [this, &target, &line, convert](const Node& v, const Path& p) {
      line = YamlWalker::line_of(v);
      target = (w_.*convert)(v, p);
    };
  }

  // A handler for a section walked by outbound_sections.cpp.
  template <class T>
  YamlWalker::Handler outbound(void (*walk)(const YamlWalker&, const Node&, const Path&, T&), T& target) const {
    return [this, walk, &target](const Node& v, const Path& p) { walk(w_, v, p, target); };
  }

  // A handler that walks a nested mapping into `target`.
  template <class T>
  YamlWalker::Handler section(void (ConfigBuilder::*walk)(const Node&, const Path&, T&) const, T& target) const {
    return [this, walk, &target](const Node& v, const Path& p) { (this->*walk)(v, p, target); };
  }

  void server(const Node& node, const Path& path, ServerConfig& s) const {
    w_.fields(node, path, {
        {"listen", into(s.listen, &YamlWalker::listen_address)},
        {"threads", into(s.threads, &YamlWalker::positive_int_or_auto)},
        {"max_connections", into(s.max_connections, &YamlWalker::positive_int)},
        {"max_header_bytes", into(s.max_header_bytes, &YamlWalker::positive_uint64)},
        {"max_body_bytes", into(s.max_body_bytes, &YamlWalker::positive_uint64)},
        {"read_timeout_ms", into(s.read_timeout_ms, &YamlWalker::positive_int)},
        {"keepalive_timeout_ms", into(s.keepalive_timeout_ms, &YamlWalker::positive_int)},
        {"max_requests_per_connection", into(s.max_requests_per_connection, &YamlWalker::positive_int)},
        {"tls", section(&ConfigBuilder::tls, s.tls)},
    });
  }

  void tls(const Node& node, const Path& path, TlsConfig& t) const {
    int cert_line = YamlWalker::line_of(node);
    int key_line = cert_line;
    w_.fields(node, path, {
        {"enabled", into(t.enabled, &YamlWalker::boolean)},
        {"cert_file", into(t.cert_file, cert_line, &YamlWalker::string)},
        {"key_file", into(t.key_file, key_line, &YamlWalker::string)},
    });
    if (!t.enabled) return;
    // Checked now so a typo fails at start-up, not at the first TLS handshake.
    require_readable(cert_line, YamlWalker::child_path(path, "cert_file"), t.cert_file);
    require_readable(key_line, YamlWalker::child_path(path, "key_file"), t.key_file);
  }

  void require_readable(int line, const Path& path, const std::string& file) const {
    if (file.empty()) w_.fail_at_line(line, path, "required when tls.enabled is true");
    if (auto reason = unreadable_reason(file); !reason.empty()) {
      w_.fail_at_line(line, path, "cannot read '" + file + "': " + reason);
    }
  }

  void log(const Node& node, const Path& path, LogConfig& l) const {
    w_.fields(node, path, {
        {"level", [&](const Node& v, const Path& p) {
           l.level = w_.one_of(v, p, {"trace", "debug", "info", "warn", "error", "critical", "off"});
         }},
    });
  }

  void auth(const Node& node, const Path& path, AuthConfig& a) const {
    w_.fields(node, path, {
        {"admin_token", into(a.admin_token, &YamlWalker::secret)},
        {"tokens", [&](const Node& v, const Path& p) { a.tokens = tokens(v, p); }},
    });
  }

  // auth.tokens: [{name, role, sha256}]; names are unique (they are the actor of every decision).
  std::vector<TokenGrant> tokens(const Node& node, const Path& path) const {
    if (!node.IsSequence()) w_.fail(node, path, "expected a list of {name, role, sha256}");
    std::vector<TokenGrant> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const Path p = path + "[" + std::to_string(i) + "]";
      const Node item = node[i];
      TokenGrant g;
      bool has_role = false;
      w_.fields(item, p, {
          {"name", [&](const Node& v, const Path& k) {
             g.name = w_.non_empty_string(v, k);
             if (g.name.size() > 64) w_.fail(v, k, "at most 64 characters");
             if (g.name == "admin") w_.fail(v, k, "'admin' is the name of auth.admin_token; choose another");
             for (const auto& earlier : out) {
               if (earlier.name == g.name) w_.fail(v, k, "duplicate token name '" + g.name + "'");
             }
           }},
          {"role", [&](const Node& v, const Path& k) {
             g.role = *parse_role(w_.one_of(v, k, {"viewer", "approver", "admin"}));
             has_role = true;
           }},
          {"sha256", [&](const Node& v, const Path& k) {
             std::string hex = w_.string(v, k);
             if (!is_sha256_hex(hex)) {
               w_.fail(v, k, "expected 64 hex digits (printf %s \"$TOKEN\" | sha256sum), not the token itself");
             }
             for (char& c : hex) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
             g.sha256 = std::move(hex);
           }},
      });
      if (g.name.empty()) w_.fail(item, YamlWalker::child_path(p, "name"), "required");
      if (!has_role) w_.fail(item, YamlWalker::child_path(p, "role"), "required (viewer, approver or admin)");
      if (g.sha256.empty()) w_.fail(item, YamlWalker::child_path(p, "sha256"), "required");
      out.push_back(std::move(g));
    }
    return out;
  }

  void webhooks(const Node& node, const Path& path, WebhooksConfig& wh) const {
    w_.fields(node, path, {
        {"replay_window_seconds", into(wh.replay_window_seconds, &YamlWalker::positive_int)},
        {"sources", section(&ConfigBuilder::sources, wh.sources)},
    });
  }

  void sources(const Node& node, const Path& path, std::map<std::string, WebhookSourceConfig>& out) const {
    w_.entries(node, path, [&](const std::string& name, const Node& key_node, const Node& value, const Path& p) {
      if (name != "dataset" && name != "singularity" && name != "vigilance" && name != "generic") {
        w_.fail(key_node, p, "unknown webhook source (expected dataset, singularity, vigilance or generic)");
      }
      if (!value.IsNull()) out[name] = source(name, value, p);
    });
  }

  WebhookSourceConfig source(const std::string& name, const Node& node, const Path& path) const {
    WebhookSourceConfig s;
    w_.fields(node, path, {
        {"enabled", into(s.enabled, &YamlWalker::boolean)},
        {"token", into(s.token, &YamlWalker::secret)},
        {"hmac_secret", into(s.hmac_secret, &YamlWalker::secret)},
        {"mapping", [&](const Node& v, const Path& p) {
           // The other sources have a fixed payload that their normalizer knows.
           if (name != "dataset" && name != "generic") w_.fail(v, p, "only dataset and generic sources take a mapping");
           s.mapping = mapping(v, p);
         }},
    });
    if (s.enabled && s.token.empty() && s.hmac_secret.empty()) {
      w_.fail(node, path, "enabled but has neither token nor hmac_secret: every webhook would be rejected");
    }
    return s;
  }

  FieldMapping mapping(const Node& node, const Path& path) const {
    FieldMapping m;  // keys left out keep FieldMapping's defaults
    w_.fields(node, path, {
        {"external_id", into(m.external_id, &YamlWalker::json_pointer)},
        {"title", into(m.title, &YamlWalker::json_pointer)},
        {"severity", into(m.severity, &YamlWalker::json_pointer)},
        {"time", into(m.time, &YamlWalker::json_pointer)},
        {"tenant", into(m.tenant, &YamlWalker::json_pointer)},
        {"hosts", into(m.hosts, &YamlWalker::json_pointers)},
        {"users", into(m.users, &YamlWalker::json_pointers)},
        {"ips", into(m.ips, &YamlWalker::json_pointers)},
        {"hashes", into(m.hashes, &YamlWalker::json_pointers)},
        {"processes", into(m.processes, &YamlWalker::json_pointers)},
        {"files", into(m.files, &YamlWalker::json_pointers)},
        {"domains", into(m.domains, &YamlWalker::json_pointers)},
    });
    return m;
  }

  void queue(const Node& node, const Path& path, QueueConfig& q) const {
    int cap_line = YamlWalker::line_of(node);
    w_.fields(node, path, {
        {"backend", [&](const Node& v, const Path& p) { q.backend = backend(v, p); }},
        {"path", into(q.path, &YamlWalker::string)},
        {"max_depth", into(q.max_depth, &YamlWalker::positive_int64)},
        {"retry_after_seconds", into(q.retry_after_seconds, &YamlWalker::positive_int)},
        {"lease_seconds", into(q.lease_seconds, &YamlWalker::positive_int)},
        {"max_attempts", into(q.max_attempts, &YamlWalker::positive_int)},
        {"backoff_base_ms", into(q.backoff_base_ms, &YamlWalker::positive_int)},
        {"backoff_cap_ms", into(q.backoff_cap_ms, cap_line, &YamlWalker::positive_int)},
        {"group_commit_max_batch", into(q.group_commit_max_batch, &YamlWalker::positive_int)},
        {"done_retention_hours", into(q.done_retention_hours, &YamlWalker::positive_int)},
    });
    if (q.backoff_cap_ms < q.backoff_base_ms) {
      const Path cap_path = YamlWalker::child_path(path, "backoff_cap_ms");
      w_.fail_at_line(cap_line, cap_path, "must not be less than backoff_base_ms");
    }
  }

  std::string backend(const Node& node, const Path& path) const {
    std::string name = w_.one_of(node, path, {"sqlite", "redis"});
    if (name == "redis") w_.fail(node, path, "the redis backend is not available yet (use sqlite)");
    return name;
  }

  void pipeline(const Node& node, const Path& path, PipelineSettings& p) const {
    w_.fields(node, path, {
        {"prompts_dir", into(p.prompts_dir, &YamlWalker::non_empty_string)},
        {"prompt", into(p.prompt, &YamlWalker::non_empty_string)},
        {"auto_confidence_threshold", [&](const Node& v, const Path& k) {
           p.auto_confidence_threshold = w_.non_negative_double(v, k);
           if (p.auto_confidence_threshold > 1) w_.fail(v, k, "must be between 0 and 1");
         }},
        {"approval_ttl_minutes", into(p.approval_ttl_minutes, &YamlWalker::positive_int)},
        {"evidence_token_budget", into(p.evidence_token_budget, &YamlWalker::positive_int)},
        {"context_deadline_ms", into(p.context_deadline_ms, &YamlWalker::positive_int)},
        {"llm_max_output_tokens", into(p.llm_max_output_tokens, &YamlWalker::positive_int)},
        {"send_ai_events", into(p.send_ai_events, &YamlWalker::boolean)},
        {"context", [&](const Node& v, const Path& k) { context(v, k, p); }},
    });
  }

  void context(const Node& node, const Path& path, PipelineSettings& p) const {
    w_.fields(node, path, {
        {"max_queries_per_job", into(p.context_max_queries_per_job, &YamlWalker::positive_int)},
        {"templates", [&](const Node& v, const Path& k) {
           if (!v.IsSequence()) w_.fail(v, k, "expected a list of templates");
           for (std::size_t i = 0; i < v.size(); ++i) {
             p.context_templates.push_back(context_template(v[i], k + "[" + std::to_string(i) + "]"));
           }
         }},
    });
  }

  ContextTemplateSettings context_template(const Node& node, const Path& path) const {
    ContextTemplateSettings t;
    t.line = YamlWalker::line_of(node);
    w_.fields(node, path, {
        {"name", into(t.name, &YamlWalker::non_empty_string)},
        {"source", [&](const Node& v, const Path& k) {
           t.source = w_.one_of(v, k, {"dataset_powerquery", "dataset_query", "deep_visibility", "storyline",
                                       "threat_notes"});
         }},
        {"applies_to", [&](const Node& v, const Path& k) { t.applies_to = w_.strings(v, k); }},
        {"text", into(t.text, &YamlWalker::non_empty_string)},
        {"window_before_minutes", into(t.window_before_minutes, &YamlWalker::non_negative_int)},
        {"window_after_minutes", into(t.window_after_minutes, &YamlWalker::non_negative_int)},
        {"max_results", into(t.max_results, &YamlWalker::positive_int)},
    });
    if (t.name.empty() || t.source.empty() || t.text.empty()) {
      w_.fail(node, path, "a context template needs name, source and text");
    }
    return t;
  }

  void workers(const Node& node, const Path& path, WorkersConfig& wk) const {
    w_.fields(node, path, {
        {"count", into(wk.count, &YamlWalker::non_negative_int)},
        {"poll_interval_ms", into(wk.poll_interval_ms, &YamlWalker::positive_int)},
        {"drain_timeout_seconds", into(wk.drain_timeout_seconds, &YamlWalker::positive_int)},
    });
  }

  YamlWalker w_;
};

}  // namespace

Result<Config> load_config_text(std::string_view yaml, const std::string& source_name, const Environment& env) {
  const std::string source = source_name.empty() ? "<embedded>" : source_name;
  auto syntax_error = [&](const YAML::Mark& mark, const std::string& what) {
    const int line = mark.line >= 0 ? mark.line + 1 : 1;
    return make_error(ErrorCode::invalid_argument,
                      source + ":" + std::to_string(line) + ": <root>: invalid YAML: " + what);
  };
  try {
    const Node document = config_detail::load_single_document(std::string(yaml));
    Config cfg;
    cfg.source_name = source;
    // An empty file is an empty mapping: every key keeps its default.
    const Node root = document.IsNull() ? Node(YAML::NodeType::Map) : document;
    ConfigBuilder(source, env).root(root, cfg);
    return cfg;
  } catch (const ConfigError& e) {
    return make_error(ErrorCode::invalid_argument, e.what());
  } catch (const YAML::Exception& e) {
    return syntax_error(e.mark, e.msg);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::invalid_argument, source + ":1: <root>: cannot load: " + e.what());
  }
}

Result<Config> load_config_file(const std::string& path, const Environment& env) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) {
    const auto code = ec == std::errc::no_such_file_or_directory ? ErrorCode::not_found : ErrorCode::unavailable;
    return make_error(code, path + ": cannot read config file: " + ec.message());
  }
  if (!std::filesystem::is_regular_file(status)) {
    return make_error(ErrorCode::invalid_argument, path + ": cannot read config file: not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::unavailable, path + ": cannot read config file: " + unreadable_reason(path));
  std::string text(kMaxConfigFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return make_error(ErrorCode::unavailable, path + ": cannot read config file: read error");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigFileBytes) {
    return make_error(ErrorCode::too_large, path + ": config file is larger than 1 MiB");
  }
  return load_config_text(text, path, env);
}

}  // namespace triagent
