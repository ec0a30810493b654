#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "config_test_support.hpp"
#include "triagent/config/loader.hpp"

namespace triagent {
namespace {

using config_testing::FakeEnvironment;
using config_testing::TempDir;

using config_testing::kAdminToken;
using config_testing::kMinimal;
using config_testing::load;
using config_testing::load_error;
using config_testing::load_ok;

// Distinctive values, so a test can search every output for them.
const std::string kWebhookToken = "webhook-SECRET-token-abcdef";
const std::string kHmacSecret = "hmac-SECRET-key-0123456789";

FakeEnvironment secrets_env() {
  return FakeEnvironment{{"TRIAGENT_ADMIN_TOKEN", kAdminToken},
                         {"TRIAGENT_WEBHOOK_TOKEN", kWebhookToken},
                         {"TRIAGENT_WEBHOOK_HMAC_SECRET", kHmacSecret}};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kShippedPath = std::string(TRIAGENT_SOURCE_DIR) + "/config/triagent.yaml";

// --- the shipped file ---

TEST(ShippedConfig, LoadsWithTheThreeSecrets) {
  auto cfg = load_config_file(kShippedPath, secrets_env());
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->source_name, kShippedPath);
  EXPECT_EQ(cfg->data_dir, "./var");
  EXPECT_EQ(cfg->mode, "shadow");
  EXPECT_EQ(cfg->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(cfg->server.threads, kAutoThreads);
  EXPECT_EQ(cfg->server.max_connections, 1024);
  EXPECT_EQ(cfg->server.max_header_bytes, 16384u);
  EXPECT_EQ(cfg->server.max_body_bytes, 1048576u);
  EXPECT_EQ(cfg->server.read_timeout_ms, 10000);
  EXPECT_EQ(cfg->server.keepalive_timeout_ms, 30000);
  EXPECT_EQ(cfg->server.max_requests_per_connection, 1000);
  EXPECT_FALSE(cfg->server.tls.enabled);
  EXPECT_EQ(cfg->server.tls.cert_file, "");
  EXPECT_EQ(cfg->log.level, "info");
  EXPECT_EQ(cfg->auth.admin_token.reveal(), kAdminToken);
  EXPECT_EQ(cfg->webhooks.replay_window_seconds, 300);
  ASSERT_EQ(cfg->webhooks.sources.size(), 4u);
  for (const char* name : {"dataset", "singularity", "vigilance", "generic"}) {
    const auto& source = cfg->webhooks.sources.at(name);
    EXPECT_TRUE(source.enabled) << name;
    EXPECT_EQ(source.token.reveal(), kWebhookToken) << name;
    EXPECT_EQ(source.hmac_secret.reveal(), kHmacSecret) << name;
  }
  EXPECT_FALSE(cfg->webhooks.sources.at("dataset").mapping.has_value());
  EXPECT_FALSE(cfg->webhooks.sources.at("singularity").mapping.has_value());
  const auto& generic = cfg->webhooks.sources.at("generic").mapping;
  ASSERT_TRUE(generic.has_value());
  EXPECT_EQ(generic->external_id, "/id");
  EXPECT_EQ(generic->title, "/title");
  EXPECT_EQ(generic->severity, "/severity");
  EXPECT_EQ(generic->time, "/time");
  EXPECT_EQ(cfg->queue.backend, "sqlite");
  EXPECT_EQ(cfg->queue.path, "");
  EXPECT_EQ(cfg->queue_path(), "./var/triagent.db");
  EXPECT_EQ(cfg->queue.max_depth, 100000);
  EXPECT_EQ(cfg->queue.retry_after_seconds, 5);
  EXPECT_EQ(cfg->queue.lease_seconds, 60);
  EXPECT_EQ(cfg->queue.max_attempts, 5);
  EXPECT_EQ(cfg->queue.backoff_base_ms, 1000);
  EXPECT_EQ(cfg->queue.backoff_cap_ms, 300000);
  EXPECT_EQ(cfg->queue.group_commit_max_batch, 512);
  EXPECT_EQ(cfg->queue.done_retention_hours, 168);
  EXPECT_EQ(cfg->workers.count, 4);
  EXPECT_EQ(cfg->workers.poll_interval_ms, 500);
  EXPECT_EQ(cfg->workers.drain_timeout_seconds, 20);
}

TEST(ShippedConfig, TakesOverridesFromTheEnvironment) {
  auto env = secrets_env();
  env.set("TRIAGENT_DATA_DIR", "/srv/triagent");
  env.set("TRIAGENT_MODE", "assist");
  env.set("TRIAGENT_LISTEN", "[::]:9443");
  env.set("TRIAGENT_LOG_LEVEL", "debug");
  auto cfg = load_config_file(kShippedPath, env);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->data_dir, "/srv/triagent");
  EXPECT_EQ(cfg->queue_path(), "/srv/triagent/triagent.db");
  EXPECT_EQ(cfg->mode, "assist");
  EXPECT_EQ(cfg->server.listen, "[::]:9443");
  EXPECT_EQ(cfg->log.level, "debug");
}

TEST(ShippedConfig, FailsNamingTheMissingAdminToken) {
  auto env = secrets_env();
  env.unset("TRIAGENT_ADMIN_TOKEN");
  auto cfg = load_config_file(kShippedPath, env);
  ASSERT_FALSE(cfg.has_value());
  const std::string& message = cfg.error().message;
  EXPECT_TRUE(message.starts_with(kShippedPath + ":")) << message;
  EXPECT_NE(message.find(": auth.admin_token: environment variable TRIAGENT_ADMIN_TOKEN is not set"), std::string::npos)
      << message;
}

TEST(ShippedConfig, EmptyHmacSecretTurnsHmacOff) {
  auto env = secrets_env();
  env.set("TRIAGENT_WEBHOOK_HMAC_SECRET", "");
  auto cfg = load_config_file(kShippedPath, env);
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_TRUE(cfg->webhooks.sources.at("dataset").hmac_secret.empty());
  EXPECT_EQ(cfg->webhooks.sources.at("dataset").token.reveal(), kWebhookToken);
}

TEST(ShippedConfig, EmbeddedCopyEqualsTheFile) {
  const std::string file = read_file(kShippedPath);
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(std::string(embedded_default_config()), file);
}

TEST(ShippedConfig, EmbeddedCopyLoadsAsEmbedded) {
  auto cfg = load_config_text(embedded_default_config(), "<embedded>", secrets_env());
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->source_name, "<embedded>");
  auto unnamed = load_config_text(embedded_default_config(), "", secrets_env());
  ASSERT_TRUE(unnamed.has_value()) << unnamed.error().message;
  EXPECT_EQ(unnamed->source_name, "<embedded>");
}

// --- files ---

TEST(LoadConfigFile, MissingFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.path() + "/absent.yaml";
  auto cfg = load_config_file(path, secrets_env());
  ASSERT_FALSE(cfg.has_value());
  EXPECT_EQ(cfg.error().code, ErrorCode::not_found);
  EXPECT_EQ(cfg.error().message, path + ": cannot read config file: No such file or directory");
}

TEST(LoadConfigFile, ErrorsNameTheFile) {
  TempDir dir;
  const std::string path = dir.write("bad.yaml", kMinimal + "server:\n  threads: many\n");
  auto cfg = load_config_file(path);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_EQ(cfg.error().message, path + ":4: server.threads: expected a positive integer or 'auto', got 'many'");
}

TEST(LoadConfigFile, RefusesHugeFiles) {
  TempDir dir;
  const std::string path = dir.write("huge.yaml", kMinimal + "# " + std::string(2 * 1024 * 1024, 'x') + "\n");
  auto cfg = load_config_file(path);
  ASSERT_FALSE(cfg.has_value());
  EXPECT_EQ(cfg.error().code, ErrorCode::too_large);
}

// --- structure ---

TEST(LoadConfig, MinimalConfigKeepsEveryDefault) {
  const Config cfg = load_ok(kMinimal);
  const Config defaults;
  EXPECT_EQ(cfg.source_name, "test.yaml");
  EXPECT_EQ(cfg.data_dir, defaults.data_dir);
  EXPECT_EQ(cfg.server.listen, defaults.server.listen);
  EXPECT_EQ(cfg.server.max_body_bytes, defaults.server.max_body_bytes);
  EXPECT_EQ(cfg.queue.max_attempts, defaults.queue.max_attempts);
  EXPECT_TRUE(cfg.webhooks.sources.empty());
}

TEST(LoadConfig, AcceptsEveryKeyOfEveryStruct) {
  TempDir dir;
  const std::string cert = dir.write("cert.pem", "cert");
  const std::string key = dir.write("key.pem", "key");
  const Config cfg = load_ok(R"(
data_dir: /data
mode: auto
server:
  listen: 0.0.0.0:0
  threads: 3
  max_connections: 10
  max_header_bytes: 8192
  max_body_bytes: 4096
  read_timeout_ms: 11
  keepalive_timeout_ms: 12
  max_requests_per_connection: 13
  tls:
    enabled: true
    cert_file: )" + cert + R"(
    key_file: )" + key + R"(
log:
  level: warn
auth:
  admin_token: )" + kAdminToken +
                             R"(
webhooks:
  replay_window_seconds: 60
  sources:
    dataset:
      enabled: false
      token: ""
      hmac_secret: ""
      mapping:
        external_id: /alert/id
        title: /alert/title
        severity: /alert/severity
        time: /alert/time
        tenant: /account
        hosts: [/host, /agent/name]
        users: [/user]
        ips: [/src_ip, /dst_ip]
        hashes: [/sha1]
        processes: [/process]
        files: [/file]
        domains: [/domain]
    vigilance:
      token: )" + kWebhookToken +
                             R"(
queue:
  backend: sqlite
  path: /data/q.db
  max_depth: 7
  retry_after_seconds: 8
  lease_seconds: 9
  max_attempts: 10
  backoff_base_ms: 11
  backoff_cap_ms: 12
  group_commit_max_batch: 13
  done_retention_hours: 14
workers:
  count: 15
  poll_interval_ms: 16
  drain_timeout_seconds: 17
)");
  EXPECT_EQ(cfg.data_dir, "/data");
  EXPECT_EQ(cfg.mode, "auto");
  EXPECT_EQ(cfg.server.listen, "0.0.0.0:0");
  EXPECT_EQ(cfg.server.threads, 3);
  EXPECT_EQ(cfg.server.max_connections, 10);
  EXPECT_EQ(cfg.server.max_header_bytes, 8192u);
  EXPECT_EQ(cfg.server.max_body_bytes, 4096u);
  EXPECT_EQ(cfg.server.read_timeout_ms, 11);
  EXPECT_EQ(cfg.server.keepalive_timeout_ms, 12);
  EXPECT_EQ(cfg.server.max_requests_per_connection, 13);
  EXPECT_TRUE(cfg.server.tls.enabled);
  EXPECT_EQ(cfg.server.tls.cert_file, cert);
  EXPECT_EQ(cfg.server.tls.key_file, key);
  EXPECT_EQ(cfg.log.level, "warn");
  EXPECT_EQ(cfg.webhooks.replay_window_seconds, 60);
  ASSERT_EQ(cfg.webhooks.sources.size(), 2u);
  const auto& dataset = cfg.webhooks.sources.at("dataset");
  EXPECT_FALSE(dataset.enabled);
  ASSERT_TRUE(dataset.mapping.has_value());
  EXPECT_EQ(dataset.mapping->external_id, "/alert/id");
  EXPECT_EQ(dataset.mapping->title, "/alert/title");
  EXPECT_EQ(dataset.mapping->severity, "/alert/severity");
  EXPECT_EQ(dataset.mapping->time, "/alert/time");
  EXPECT_EQ(dataset.mapping->tenant, "/account");
  EXPECT_EQ(dataset.mapping->hosts, (std::vector<std::string>{"/host", "/agent/name"}));
  EXPECT_EQ(dataset.mapping->users, std::vector<std::string>{"/user"});
  EXPECT_EQ(dataset.mapping->ips, (std::vector<std::string>{"/src_ip", "/dst_ip"}));
  EXPECT_EQ(dataset.mapping->hashes, std::vector<std::string>{"/sha1"});
  EXPECT_EQ(dataset.mapping->processes, std::vector<std::string>{"/process"});
  EXPECT_EQ(dataset.mapping->files, std::vector<std::string>{"/file"});
  EXPECT_EQ(dataset.mapping->domains, std::vector<std::string>{"/domain"});
  const auto& vigilance = cfg.webhooks.sources.at("vigilance");
  EXPECT_TRUE(vigilance.enabled);
  EXPECT_EQ(vigilance.token.reveal(), kWebhookToken);
  EXPECT_TRUE(vigilance.hmac_secret.empty());
  EXPECT_FALSE(vigilance.mapping.has_value());
  EXPECT_EQ(cfg.queue.path, "/data/q.db");
  EXPECT_EQ(cfg.queue_path(), "/data/q.db");
  EXPECT_EQ(cfg.queue.max_depth, 7);
  EXPECT_EQ(cfg.queue.retry_after_seconds, 8);
  EXPECT_EQ(cfg.queue.lease_seconds, 9);
  EXPECT_EQ(cfg.queue.max_attempts, 10);
  EXPECT_EQ(cfg.queue.backoff_base_ms, 11);
  EXPECT_EQ(cfg.queue.backoff_cap_ms, 12);
  EXPECT_EQ(cfg.queue.group_commit_max_batch, 13);
  EXPECT_EQ(cfg.queue.done_retention_hours, 14);
  EXPECT_EQ(cfg.workers.count, 15);
  EXPECT_EQ(cfg.workers.poll_interval_ms, 16);
  EXPECT_EQ(cfg.workers.drain_timeout_seconds, 17);
}

TEST(LoadConfig, UnknownKeyNamesFileLineAndKeyPath) {
  const std::string message = load_error(kMinimal + "server:\n  threads: 2\n  max_body: 10\n");
  EXPECT_TRUE(message.starts_with("test.yaml:5: server.max_body: unknown key (expected one of: listen, threads,"))
      << message;
  EXPECT_EQ(load_error("bogus: 1\n" + kMinimal).substr(0, 31), "test.yaml:1: bogus: unknown key");
  EXPECT_TRUE(load_error(kMinimal + "webhooks:\n  sources:\n    generic:\n      token: " + kWebhookToken +
                         "\n      mapping:\n        id: /id\n")
                  .starts_with("test.yaml:8: webhooks.sources.generic.mapping.id: unknown key"));
}

TEST(LoadConfig, DuplicateKeyIsAnError) {
  EXPECT_EQ(load_error(kMinimal + "mode: shadow\nmode: auto\n"), "test.yaml:4: mode: duplicate key");
}

TEST(LoadConfig, IoThreadsAreANumberOrAuto) {
  EXPECT_EQ(load_ok(kMinimal + "server:\n  threads: auto\n").server.threads, kAutoThreads);
  EXPECT_EQ(load_ok(kMinimal + "server:\n  threads: 4\n").server.threads, 4);
  EXPECT_EQ(YAML::Load(describe_config(load_ok(kMinimal + "server:\n  threads: 4\n")))["server"]["threads"].as<int>(), 4);
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: Auto\n"),
            "test.yaml:4: server.threads: expected a positive integer or 'auto', got 'Auto'");
}

TEST(IoThreadsFor, AutoTakesHalfTheCoresAndAtLeastOne) {
  EXPECT_EQ(io_threads_for(kAutoThreads, 0), 1);  // hardware_concurrency() may not know
  EXPECT_EQ(io_threads_for(kAutoThreads, 1), 1);
  EXPECT_EQ(io_threads_for(kAutoThreads, 2), 1);
  EXPECT_EQ(io_threads_for(kAutoThreads, 3), 1);
  EXPECT_EQ(io_threads_for(kAutoThreads, 8), 4);
  EXPECT_EQ(io_threads_for(3, 2), 3);  // a configured number wins
  EXPECT_EQ(io_threads_for(1, 64), 1);
}

TEST(LoadConfig, KeyWithoutValueKeepsTheDefault) {
  const Config cfg = load_ok(kMinimal + "server:\n  threads:\n  tls:\nlog:\n");
  EXPECT_EQ(cfg.server.threads, kAutoThreads);
  EXPECT_FALSE(cfg.server.tls.enabled);
  EXPECT_EQ(cfg.log.level, "info");
}

TEST(LoadConfig, TypeErrorsNameTheKey) {
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: abc\n"),
            "test.yaml:4: server.threads: expected a positive integer or 'auto', got 'abc'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: 0\n"),
            "test.yaml:4: server.threads: expected a positive integer or 'auto', got '0'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: -1\n"),
            "test.yaml:4: server.threads: expected a positive integer or 'auto', got '-1'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: 2.5\n"),
            "test.yaml:4: server.threads: expected a positive integer or 'auto', got '2.5'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: 3000000000\n"),
            "test.yaml:4: server.threads: must be at most 2147483647, got '3000000000'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  max_body_bytes: 99999999999999999999\n"),
            "test.yaml:4: server.max_body_bytes: expected a positive integer, got '99999999999999999999'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: [1, 2]\n"),
            "test.yaml:4: server.threads: expected a single value, got a list");
  EXPECT_EQ(load_error(kMinimal + "server:\n  threads: {a: 1}\n"),
            "test.yaml:4: server.threads: expected a single value, got a mapping");
  EXPECT_EQ(load_error(kMinimal + "server: 5\n"), "test.yaml:3: server: expected a mapping of keys to values");
  EXPECT_EQ(load_error(kMinimal + "server:\n  tls:\n    enabled: yes\n"),
            "test.yaml:5: server.tls.enabled: expected true or false, got 'yes'");
  EXPECT_EQ(load_error(kMinimal + "webhooks:\n  sources: [dataset]\n"),
            "test.yaml:4: webhooks.sources: expected a mapping of names to settings");
  EXPECT_EQ(load_error("- a\n- b\n"), "test.yaml:1: <root>: expected a mapping of keys to values");
  EXPECT_EQ(load_error(kMinimal + "[a]: 1\n"), "test.yaml:3: <root>: keys must be plain names");
}

TEST(LoadConfig, ScalarsAreInterpolatedBeforeConversion) {
  const std::string yaml =
      kMinimal + "server:\n  threads: ${TRIAGENT_THREADS:-2}\n  tls:\n    enabled: ${TLS:-false}\n";
  EXPECT_EQ(load_ok(yaml).server.threads, 2);
  EXPECT_EQ(load_ok(yaml, FakeEnvironment{{"TRIAGENT_THREADS", "8"}}).server.threads, 8);
  EXPECT_EQ(load_error(yaml, FakeEnvironment{{"TLS", "true"}}),
            "test.yaml:6: server.tls.cert_file: required when tls.enabled is true");
}

TEST(LoadConfig, InterpolatedValuesAreNeverEchoed) {
  const std::string message =
      load_error(kMinimal + "server:\n  threads: ${THREADS}\n", FakeEnvironment{{"THREADS", "SECRET-ish"}});
  EXPECT_EQ(message,
            "test.yaml:4: server.threads: expected a positive integer or 'auto', got the value of '${THREADS}' (not shown)");
  EXPECT_EQ(load_error(kMinimal + "mode: $MODE\n", FakeEnvironment{{"MODE", "SECRET"}}),
            "test.yaml:3: mode: expected shadow, assist or auto, got the value of '$MODE' (not shown)");
}

TEST(LoadConfig, InterpolationErrorsNameTheKey) {
  EXPECT_EQ(load_error(kMinimal + "data_dir: ${DATA_DIR}\n"),
            "test.yaml:3: data_dir: environment variable DATA_DIR is not set");
  EXPECT_EQ(load_error(kMinimal + "data_dir: ${DATA_DIR:?point it at a volume}\n"),
            "test.yaml:3: data_dir: environment variable DATA_DIR is not set: point it at a volume");
  EXPECT_EQ(load_error(kMinimal + "data_dir: ${DIR}\n", FakeEnvironment{{"DIR", "/a\nlog: {level: off}"}}),
            "test.yaml:3: data_dir: value would contain a newline");
  EXPECT_EQ(load_error(kMinimal + "data_dir: |\n  /a\n  /b\n"), "test.yaml:3: data_dir: value would contain a newline");
}

TEST(LoadConfig, SecretsComeFromFiles) {
  TempDir dir;
  const std::string admin = dir.write("admin", kAdminToken + "\n");
  const std::string hmac = dir.write("hmac", kHmacSecret + "\r\n");
  const Config cfg = load_ok("auth:\n  admin_token: ${file:" + admin +
                             "}\nwebhooks:\n  sources:\n    singularity:\n      hmac_secret: ${file:" + hmac + "}\n");
  EXPECT_EQ(cfg.auth.admin_token.reveal(), kAdminToken);
  EXPECT_EQ(cfg.webhooks.sources.at("singularity").hmac_secret.reveal(), kHmacSecret);
  EXPECT_TRUE(cfg.webhooks.sources.at("singularity").token.empty());
  const std::string missing = dir.path() + "/absent";
  EXPECT_EQ(load_error("auth:\n  admin_token: ${file:" + missing + "}\n"),
            "test.yaml:2: auth.admin_token: cannot read file '" + missing + "': No such file or directory");
}

TEST(LoadConfig, SyntaxErrorsCarryTheLine) {
  const std::string message = load_error(kMinimal + "server:\n  threads: [1, 2\n");
  EXPECT_TRUE(message.starts_with("test.yaml:5: <root>: invalid YAML: ")) << message;
  const std::string tab = load_error(kMinimal + "server:\n  threads: 2\n listen: x\n");
  EXPECT_TRUE(tab.starts_with("test.yaml:")) << tab;
  EXPECT_NE(tab.find(": invalid YAML: "), std::string::npos) << tab;
  EXPECT_EQ(load_error(kMinimal + "server: {threads: 2\n"),
            "test.yaml:4: <root>: invalid YAML: end of map flow not found");
  EXPECT_TRUE(load_error(kMinimal + "x: *nope\n").starts_with("test.yaml:3: <root>: invalid YAML: "));
}

TEST(LoadConfig, OneDocumentOnly) {
  EXPECT_EQ(load_error(kMinimal + "---\nmode: auto\n"),
            "test.yaml:3: <root>: invalid YAML: a config file holds one YAML document, this one has more");
}

TEST(LoadConfig, StrayFlowIndicatorsFailInsteadOfLooping) {
  // yaml-cpp 0.7 loops forever on these (jbeder/yaml-cpp#1040) unless the loader guards against it.
  EXPECT_EQ(load_error(","), "test.yaml:1: <root>: invalid YAML: unexpected character");
  EXPECT_EQ(load_error("# comment\n,\n" + kMinimal), "test.yaml:2: <root>: invalid YAML: unexpected character");
  for (const char* stray : {"]", "}", ", ,", "]\nmode: auto\n"}) {
    EXPECT_TRUE(load_error(stray).starts_with("test.yaml:1: <root>: invalid YAML: ")) << stray;
  }
}

TEST(LoadConfig, HostileNestingFailsCleanly) {
  std::string deep = kMinimal + "server: ";
  for (int i = 0; i < 5000; ++i) deep += "[";
  EXPECT_TRUE(load_error(deep).starts_with("test.yaml:"));
}

// --- validation rules ---

TEST(Validate, Mode) {
  for (const char* mode : {"shadow", "assist", "auto"})
    EXPECT_EQ(load_ok(kMinimal + "mode: " + mode + "\n").mode, mode);
  EXPECT_EQ(load_error(kMinimal + "mode: yolo\n"), "test.yaml:3: mode: expected shadow, assist or auto, got 'yolo'");
}

TEST(Validate, DataDirMustNotBeEmpty) {
  EXPECT_EQ(load_error(kMinimal + "data_dir: \"\"\n"), "test.yaml:3: data_dir: must not be empty");
}

TEST(Validate, ListenAddress) {
  for (const char* listen : {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:443", "[::]:65535", "localhost:8080"}) {
    EXPECT_EQ(load_ok(kMinimal + "server:\n  listen: \"" + listen + "\"\n").server.listen, listen);
  }
  EXPECT_EQ(load_error(kMinimal + "server:\n  listen: 127.0.0.1\n"),
            "test.yaml:4: server.listen: expected host:port, the port is missing, got '127.0.0.1'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  listen: 127.0.0.1:65536\n"),
            "test.yaml:4: server.listen: expected host:port, the port must be a number from 0 to 65535, got "
            "'127.0.0.1:65536'");
  EXPECT_EQ(load_error(kMinimal + "server:\n  listen: \"::1:8080\"\n"),
            "test.yaml:4: server.listen: an IPv6 address must be in brackets, as in [::1]:8080, got '::1:8080'");
  EXPECT_NE(load_error(kMinimal + "server:\n  listen: 300.0.0.1:80\n").find("IPv4 address is not valid"),
            std::string::npos);
}

TEST(Validate, ZeroWorkersMakesAnIntakeOnlyNode) {
  EXPECT_EQ(load_ok(kMinimal + "workers:\n  count: 0\n").workers.count, 0);
  EXPECT_NE(load_error(kMinimal + "workers:\n  count: -1\n").find("expected an integer >= 0"), std::string::npos);
}

TEST(Validate, PositiveIntegersEverywhere) {
  for (const std::string key :
       {"server:\n  max_connections", "server:\n  max_header_bytes", "server:\n  max_body_bytes",
        "server:\n  read_timeout_ms", "server:\n  keepalive_timeout_ms", "server:\n  max_requests_per_connection",
        "webhooks:\n  replay_window_seconds", "queue:\n  max_depth", "queue:\n  retry_after_seconds",
        "queue:\n  lease_seconds", "queue:\n  max_attempts", "queue:\n  backoff_base_ms", "queue:\n  backoff_cap_ms",
        "queue:\n  group_commit_max_batch", "queue:\n  done_retention_hours",
        "workers:\n  poll_interval_ms", "workers:\n  drain_timeout_seconds"}) {
    EXPECT_NE(load_error(kMinimal + key + ": 0\n").find("expected a positive integer, got '0'"), std::string::npos)
        << key;
  }
}

TEST(Validate, LogLevel) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    EXPECT_EQ(load_ok(kMinimal + "log:\n  level: " + level + "\n").log.level, level);
  }
  EXPECT_EQ(load_error(kMinimal + "log:\n  level: verbose\n"),
            "test.yaml:4: log.level: expected trace, debug, info, warn, error, critical or off, got 'verbose'");
}

TEST(Validate, TlsNeedsReadableFiles) {
  TempDir dir;
  const std::string cert = dir.write("cert.pem", "cert");
  const std::string key = dir.write("key.pem", "key");
  EXPECT_EQ(load_error(kMinimal + "server:\n  tls:\n    enabled: true\n"),
            "test.yaml:5: server.tls.cert_file: required when tls.enabled is true");
  EXPECT_EQ(load_error(kMinimal + "server:\n  tls:\n    enabled: true\n    cert_file: " + cert + "\n"),
            "test.yaml:5: server.tls.key_file: required when tls.enabled is true");
  const std::string missing = dir.path() + "/nope.pem";
  EXPECT_EQ(load_error(kMinimal + "server:\n  tls:\n    enabled: true\n    cert_file: " + missing +
                       "\n    key_file: " + key + "\n"),
            "test.yaml:6: server.tls.cert_file: cannot read '" + missing + "': No such file or directory");
  EXPECT_EQ(load_error(kMinimal + "server:\n  tls:\n    enabled: true\n    cert_file: " + cert +
                       "\n    key_file: " + dir.path() + "\n"),
            "test.yaml:7: server.tls.key_file: cannot read '" + dir.path() + "': not a regular file");
  // Disabled TLS does not look at the files.
  EXPECT_FALSE(
      load_ok(kMinimal + "server:\n  tls:\n    enabled: false\n    cert_file: " + missing + "\n").server.tls.enabled);
}

TEST(Validate, WebhookSourceNames) {
  EXPECT_EQ(load_error(kMinimal + "webhooks:\n  sources:\n    splunk:\n      token: " + kWebhookToken + "\n"),
            "test.yaml:5: webhooks.sources.splunk: unknown webhook source (expected dataset, singularity, vigilance "
            "or generic)");
  EXPECT_EQ(load_error(kMinimal + "webhooks:\n  sources:\n    splunk:\n"),
            "test.yaml:5: webhooks.sources.splunk: unknown webhook source (expected dataset, singularity, vigilance "
            "or generic)");
  EXPECT_TRUE(load_ok(kMinimal + "webhooks:\n  sources:\n    generic:\n").webhooks.sources.empty())
      << "a source without settings is left out, like a key without a value";
}

TEST(Validate, EnabledSourceNeedsAToken) {
  EXPECT_EQ(load_error(kMinimal + "webhooks:\n  sources:\n    dataset:\n      enabled: true\n"),
            "test.yaml:6: webhooks.sources.dataset: enabled but has neither token nor hmac_secret: every webhook "
            "would be rejected");
  EXPECT_TRUE(load_error(kMinimal + "webhooks:\n  sources:\n    dataset:\n      token: \"\"\n      hmac_secret: \"\"\n")
                  .starts_with("test.yaml:6: webhooks.sources.dataset: enabled but has neither"));
  const Config disabled = load_ok(kMinimal + "webhooks:\n  sources:\n    dataset:\n      enabled: false\n");
  EXPECT_FALSE(disabled.webhooks.sources.at("dataset").enabled);
  const Config hmac_only =
      load_ok(kMinimal + "webhooks:\n  sources:\n    dataset:\n      hmac_secret: " + kHmacSecret + "\n");
  EXPECT_EQ(hmac_only.webhooks.sources.at("dataset").hmac_secret.reveal(), kHmacSecret);
}

TEST(Validate, SecretsMustBeLongEnough) {
  EXPECT_EQ(load_error("auth:\n  admin_token: SECRET-short\n"),
            "test.yaml:2: auth.admin_token: too short (a secret needs at least 16 characters)");
  EXPECT_EQ(load_error(kMinimal + "webhooks:\n  sources:\n    vigilance:\n      token: SECRET-tiny\n"),
            "test.yaml:6: webhooks.sources.vigilance.token: too short (a secret needs at least 16 characters)");
  EXPECT_EQ(load_error(kMinimal + "webhooks:\n  sources:\n    generic:\n      token: " + kWebhookToken +
                           "\n      hmac_secret: ${H}\n",
                       FakeEnvironment{{"H", "SECRET"}}),
            "test.yaml:7: webhooks.sources.generic.hmac_secret: too short (a secret needs at least 16 characters)");
  EXPECT_EQ(load_ok("auth:\n  admin_token: 0123456789abcdef\n").auth.admin_token.reveal(), "0123456789abcdef");
}

TEST(Validate, AdminTokenIsRequired) {
  EXPECT_EQ(load_error(""),
            "test.yaml:1: auth.admin_token: required: without it the admin API would be open or unusable");
  EXPECT_EQ(load_error("mode: shadow\nauth:\n  admin_token: \"\"\n"),
            "test.yaml:3: auth.admin_token: required: without it the admin API would be open or unusable");
  EXPECT_EQ(load_error("auth:\n  admin_token: ${T}\n", FakeEnvironment{{"T", ""}}),
            "test.yaml:2: auth.admin_token: required: without it the admin API would be open or unusable");
}

TEST(Validate, QueueBackend) {
  EXPECT_EQ(load_ok(kMinimal + "queue:\n  backend: sqlite\n").queue.backend, "sqlite");
  EXPECT_EQ(load_error(kMinimal + "queue:\n  backend: redis\n"),
            "test.yaml:4: queue.backend: the redis backend is not available yet (use sqlite)");
  EXPECT_EQ(load_error(kMinimal + "queue:\n  backend: kafka\n"),
            "test.yaml:4: queue.backend: expected sqlite or redis, got 'kafka'");
}

TEST(Validate, BackoffCapIsNotBelowBase) {
  EXPECT_EQ(load_error(kMinimal + "queue:\n  backoff_base_ms: 5000\n  backoff_cap_ms: 1000\n"),
            "test.yaml:5: queue.backoff_cap_ms: must not be less than backoff_base_ms");
}

TEST(Validate, MappingOnlyForTemplatedSources) {
  const std::string base = kMinimal + "webhooks:\n  sources:\n";
  for (const char* name : {"singularity", "vigilance"}) {
    EXPECT_EQ(
        load_error(base + "    " + name + ":\n      token: " + kWebhookToken + "\n      mapping:\n        title: /t\n"),
        std::string("test.yaml:8: webhooks.sources.") + name +
            ".mapping: only dataset and generic sources take a mapping");
  }
  const Config cfg =
      load_ok(base + "    dataset:\n      token: " + kWebhookToken + "\n      mapping:\n        title: /t\n");
  const auto& mapping = cfg.webhooks.sources.at("dataset").mapping;
  ASSERT_TRUE(mapping.has_value());
  EXPECT_EQ(mapping->title, "/t");
  EXPECT_EQ(mapping->external_id, "/id") << "keys left out keep the FieldMapping defaults";
  EXPECT_TRUE(mapping->hosts.empty());
}

TEST(Validate, MappingValuesAreJsonPointers) {
  const std::string base =
      kMinimal + "webhooks:\n  sources:\n    generic:\n      token: " + kWebhookToken + "\n      mapping:\n";
  EXPECT_EQ(load_ok(base + "        tenant: \"\"\n").webhooks.sources.at("generic").mapping->tenant, "");
  EXPECT_EQ(load_error(base + "        title: title\n"),
            "test.yaml:8: webhooks.sources.generic.mapping.title: expected a JSON pointer (RFC 6901: \"\" or "
            "starting with '/', '~' only as ~0 or ~1), got 'title'");
  EXPECT_NE(load_error(base + "        title: /a~2\n").find("expected a JSON pointer"), std::string::npos);
  EXPECT_TRUE(load_error(base + "        hosts: [/ok, bad]\n")
                  .starts_with("test.yaml:8: webhooks.sources.generic.mapping.hosts[1]: expected a JSON pointer"));
  EXPECT_EQ(load_error(base + "        hosts: /host\n"),
            "test.yaml:8: webhooks.sources.generic.mapping.hosts: expected a list of JSON pointers");
}

// --- describe_config ---

TEST(DescribeConfig, RedactsEverySecret) {
  auto cfg = load_config_file(kShippedPath, secrets_env());
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  const std::string text = describe_config(*cfg);
  EXPECT_EQ(text.find(kAdminToken), std::string::npos);
  EXPECT_EQ(text.find(kWebhookToken), std::string::npos);
  EXPECT_EQ(text.find(kHmacSecret), std::string::npos);
  EXPECT_EQ(text.find("SECRET"), std::string::npos);
  EXPECT_NE(text.find("<redacted>"), std::string::npos);
  EXPECT_NE(text.find(kShippedPath), std::string::npos);

  // The text is YAML with the config's shape and values.
  const YAML::Node node = YAML::Load(text);
  EXPECT_EQ(node["server"]["listen"].as<std::string>(), "127.0.0.1:8080");
  EXPECT_EQ(node["server"]["max_body_bytes"].as<std::uint64_t>(), 1048576u);
  EXPECT_EQ(node["server"]["threads"].as<std::string>(), "auto");
  EXPECT_EQ(node["auth"]["admin_token"].as<std::string>(), "<redacted>");
  EXPECT_EQ(node["webhooks"]["sources"]["dataset"]["token"].as<std::string>(), "<redacted>");
  EXPECT_EQ(node["webhooks"]["sources"]["dataset"]["hmac_secret"].as<std::string>(), "<redacted>");
  EXPECT_FALSE(node["webhooks"]["sources"]["dataset"]["mapping"]);
  EXPECT_EQ(node["webhooks"]["sources"]["generic"]["mapping"]["external_id"].as<std::string>(), "/id");
  EXPECT_EQ(node["queue"]["done_retention_hours"].as<int>(), 168);
  EXPECT_EQ(node["workers"]["count"].as<int>(), 4);
  EXPECT_EQ(node["mode"].as<std::string>(), "shadow");
}

TEST(DescribeConfig, EmptySecretsShowAsEmpty) {
  const Config cfg = load_ok(kMinimal + "webhooks:\n  sources:\n    dataset:\n      token: " + kWebhookToken + "\n");
  const YAML::Node node = YAML::Load(describe_config(cfg));
  EXPECT_EQ(node["webhooks"]["sources"]["dataset"]["hmac_secret"].as<std::string>(), "");
}

}  // namespace
}  // namespace triagent
