#pragma once
// DaemonProcess: runs the real `triagent serve` binary for an integration test, on 127.0.0.1 with
// an ephemeral port, in a private temp data directory, and waits for its "listening on" line
// (readiness) rather than for time to pass.
//
//   DaemonProcess d(TestConfig{}.with("queue.max_depth", "3"));
//   HttpTestClient c("127.0.0.1", d.port());

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "support/temp_files.hpp"  // TempDir, which the daemon fixtures keep their data in

namespace triagent::testing {

// The secrets every test config uses.
inline constexpr const char* kWebhookToken = "test-webhook-token-0123456789";
inline constexpr const char* kHmacSecret = "test-hmac-secret-0123456789";
inline constexpr const char* kAdminToken = "test-admin-token-0123456789";

// A complete config as YAML, with overrides by dotted path for the scalar settings tests change.
struct TestConfig {
  std::map<std::string, std::string> overrides;  // e.g. {"server.read_timeout_ms", "300"}
  std::string extra_server_yaml;                 // appended under server: (e.g. a tls block)
  std::string extra_yaml;                        // top-level sections appended (connectors:, llm:, ...)
  std::string extra_auth_yaml;                   // appended under auth: (e.g. a tokens list)
  TestConfig& with(const std::string& key, const std::string& value) {
    overrides[key] = value;
    return *this;
  }
  std::string render(const std::string& data_dir) const;
};

class DaemonProcess {
 public:
  // Starts the daemon on `data_dir` (kept by the caller so a restart sees the same data).
  DaemonProcess(const TestConfig& config, const std::string& data_dir);
  ~DaemonProcess();  // SIGKILL if still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& config_path() const { return config_path_; }

  void send_signal(int signo);
  // Waits for the process to exit; returns its exit code, or -signal if killed, or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  void kill_hard();  // SIGKILL and reap
  std::string stderr_text() const;

 private:
  std::string config_path_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool reaped_ = false;
};

// Path of the built triagent binary.
std::string triagent_binary();

// Polls `predicate` until it holds or `timeout` passes. For conditions only observable through a
// public API (a job reaching "done"); the interval only bounds the polling cost.
bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

}  // namespace triagent::testing
