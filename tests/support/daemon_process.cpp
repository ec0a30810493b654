#include "support/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace triagent::testing {

namespace {

std::string lookup(const std::map<std::string, std::string>& o, const std::string& key, const std::string& dflt) {
  auto it = o.find(key);
  return it == o.end() ? dflt : it->second;
}

}  // namespace

std::string TestConfig::render(const std::string& data_dir) const {
  std::set<std::string> rendered;  // every key below: an override of any other key would set nothing
  auto v = [&](const std::string& key, const std::string& dflt) {
    rendered.insert(key);
    return lookup(overrides, key, dflt);
  };
  std::ostringstream y;
  y << "data_dir: " << v("data_dir", data_dir) << "\n"
    << "mode: " << v("mode", "shadow") << "\n"
    << "server:\n"
    << "  listen: 127.0.0.1:0\n"
    << "  threads: " << v("server.threads", "auto") << "\n"
    << "  max_connections: " << v("server.max_connections", "256") << "\n"
    << "  max_header_bytes: " << v("server.max_header_bytes", "8192") << "\n"
    << "  max_body_bytes: " << v("server.max_body_bytes", "65536") << "\n"
    << "  read_timeout_ms: " << v("server.read_timeout_ms", "5000") << "\n"
    << "  keepalive_timeout_ms: " << v("server.keepalive_timeout_ms", "5000") << "\n"
    << extra_server_yaml
    << "log:\n  level: " << v("log.level", "info") << "\n"
    << "auth:\n  admin_token: " << kAdminToken << "\n"
    << extra_auth_yaml
    << "webhooks:\n  replay_window_seconds: 300\n  sources:\n";
  for (const char* source : {"dataset", "singularity", "vigilance", "generic"}) {
    y << "    " << source << ":\n      token: " << kWebhookToken << "\n      hmac_secret: " << kHmacSecret << "\n";
  }
  y << "queue:\n"
    << "  max_depth: " << v("queue.max_depth", "100000") << "\n"
    << "  retry_after_seconds: 7\n"
    << "  lease_seconds: " << v("queue.lease_seconds", "30") << "\n"
    << "  group_commit_max_batch: " << v("queue.group_commit_max_batch", "512") << "\n"
    << "workers:\n"
    << "  count: " << v("workers.count", "2") << "\n"
    << "  poll_interval_ms: 200\n"
    << "  drain_timeout_seconds: " << v("workers.drain_timeout_seconds", "5") << "\n"
    << "pipeline:\n  prompts_dir: " << TRIAGENT_SOURCE_DIR << "/config/prompts\n"
    << "  context_deadline_ms: " << v("pipeline.context_deadline_ms", "20000") << "\n"
    << extra_yaml;
  for (const auto& [key, value] : overrides) {
    if (!rendered.contains(key)) throw std::invalid_argument("TestConfig: no setting '" + key + "' to override");
  }
  return y.str();
}

std::string triagent_binary() { return std::string(TRIAGENT_BINARY_DIR) + "/triagent"; }

DaemonProcess::DaemonProcess(const TestConfig& config, const std::string& data_dir) {
  config_path_ = data_dir + "/test-config.yaml";
  stderr_path_ = data_dir + "/daemon-stderr.log";
  std::ofstream(config_path_) << config.render(data_dir);

  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::string binary = triagent_binary();
  std::vector<std::string> args;
  // TRIAGENT_DAEMON_WRAPPER="valgrind --tool=callgrind" runs the daemon under a profiler (benches);
  // words split on spaces.
  if (const char* wrapper = std::getenv("TRIAGENT_DAEMON_WRAPPER"); wrapper != nullptr) {
    std::istringstream words(wrapper);
    for (std::string w; words >> w;) args.push_back(w);
  }
  args.insert(args.end(), {binary, "serve", "--config", config_path_});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    throw std::runtime_error("cannot start " + binary);
  }
  // Readiness: the daemon prints "listening on http://127.0.0.1:<port>" once it accepts.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (poll(&pfd, 1, 1000) <= 0) continue;
    char buf[512];
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
    auto pos = line.find("127.0.0.1:");
    if (pos != std::string::npos) {
      auto end = line.find_first_not_of("0123456789", pos + 10);
      if (end != std::string::npos) port_ = static_cast<std::uint16_t>(std::stoi(line.substr(pos + 10, end - pos - 10)));
    }
  }
  close(out_pipe[0]);
  if (port_ == 0) {
    kill_hard();
    throw std::runtime_error("daemon did not become ready; stderr:\n" + stderr_text());
  }
}

DaemonProcess::~DaemonProcess() {
  if (!reaped_) kill_hard();
}

void DaemonProcess::send_signal(int signo) { kill(pid_, signo); }

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (reaped_) return std::nullopt;
  // A pidfd becomes readable when the process exits: a real wait with a timeout, no polling.
  // glibc 2.36 declares pidfd_open without extern "C"; the raw syscall avoids that.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd pfd{pidfd, POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(timeout.count()));
    close(pidfd);
    if (ready <= 0) return std::nullopt;
  }
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  reaped_ = true;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return std::nullopt;
}

void DaemonProcess::kill_hard() {
  if (reaped_ || pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
}

std::string DaemonProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

}  // namespace triagent::testing
