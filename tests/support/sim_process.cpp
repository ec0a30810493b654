#include "support/sim_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace triagent::testing {

namespace {

std::string temp_file(const char* stem) {
  std::string pattern = (std::filesystem::temp_directory_path() / (std::string(stem) + "-XXXXXX")).string();
  int fd = mkstemp(pattern.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  return pattern;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts the binary with stdout on a pipe (read end returned) and stderr appended to a file.
pid_t spawn(const std::vector<std::string>& args, const std::string& stderr_path, int& stdout_fd) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<std::string> argv_store = args;
  argv_store.insert(argv_store.begin(), SimProcess::binary());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv_store.front().c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    throw std::runtime_error("cannot start " + argv_store.front());
  }
  stdout_fd = out_pipe[0];
  return pid;
}

// Waits for `pid` to exit within `timeout` (pidfd: a real wait, no polling loop) and reaps it.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  // glibc 2.36 declares pidfd_open without extern "C"; the raw syscall avoids that.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd pfd{pidfd, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(timeout.count()));
    close(pidfd);
    if (ready <= 0) return std::nullopt;
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return std::nullopt;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return std::nullopt;
}

}  // namespace

std::string SimProcess::binary() { return TRIAGENT_SIM_PATH; }
std::string SimProcess::default_scenario() { return std::string(TRIAGENT_SIM_SCENARIO_DIR) + "/windows-workstation-attack.yaml"; }
std::string sim_s1_auth() { return std::string("ApiToken ") + kSimS1Token; }

std::string sim_connectors_yaml(const std::string& base_url, const std::string& s1_token, int llm_timeout_ms) {
  return "connectors:\n"
         "  singularity:\n"
         "    base_url: " + base_url + "\n"
         "    api_token: " + s1_token + "\n"
         "    deep_visibility: {poll_interval_ms: 100, status_requests_per_second: 50}\n"
         "  dataset:\n"
         "    base_url: " + base_url + "\n"
         "    read_key: " + std::string(kSimDatasetReadKey) + "\n"
         "    write_key: " + std::string(kSimDatasetWriteKey) + "\n"
         "    tenant: true\n"
         "llm:\n"
         "  providers:\n"
         "    - name: sim-openai\n"
         "      kind: openai\n"
         "      base_url: " + base_url + "\n"
         "      model: sim-analyst-1\n"
         "      api_key: " + std::string(kSimLlmKey) + "\n"
         "      request_timeout_ms: " + std::to_string(llm_timeout_ms) + "\n"
         "upstreams:\n"
         "  singularity: {retry: {base_delay_ms: 10}}\n"
         "  deep_visibility: {retry: {base_delay_ms: 10}}\n"
         "  dataset: {retry: {base_delay_ms: 10}}\n"
         "  sim-openai: {retry: {base_delay_ms: 10}}\n";
}

SimProcess::SimProcess(const SimOptions& options) {
  stderr_path_ = temp_file("triagent-sim-stderr");
  std::vector<std::string> args{"--scenario", options.scenario.empty() ? default_scenario() : options.scenario,
                                "--listen", "127.0.0.1:0"};
  if (!options.faults.empty()) {
    args.push_back("--faults");
    args.push_back(options.faults);
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  int out_fd = -1;
  pid_ = spawn(args, stderr_path_, out_fd);
  // Readiness: the simulator prints "listening on 127.0.0.1:<port>" once it accepts.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_fd, POLLIN, 0};
    if (poll(&pfd, 1, 1000) <= 0) continue;
    char buf[256];
    const ssize_t n = read(out_fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
    const auto pos = line.find("listening on 127.0.0.1:");
    const auto end = line.find('\n');
    if (pos != std::string::npos && end != std::string::npos) port_ = static_cast<std::uint16_t>(std::stoi(line.substr(pos + 23)));
  }
  close(out_fd);
  if (port_ == 0) {
    kill(pid_, SIGKILL);
    wait_for_exit(pid_, std::chrono::seconds(10));
    reaped_ = true;
    throw std::runtime_error("triagent-sim did not become ready; stderr:\n" + stderr_text());
  }
}

SimProcess::~SimProcess() {
  if (!reaped_ && !stop(std::chrono::seconds(5))) {
    kill(pid_, SIGKILL);
    wait_for_exit(pid_, std::chrono::seconds(10));
  }
  std::error_code ec;
  std::filesystem::remove(stderr_path_, ec);
}

std::optional<int> SimProcess::stop(std::chrono::milliseconds timeout) {
  if (reaped_) return std::nullopt;
  kill(pid_, SIGTERM);
  auto code = wait_for_exit(pid_, timeout);
  if (code) reaped_ = true;
  return code;
}

std::string SimProcess::stderr_text() const { return read_file(stderr_path_); }

SimProcess::Exit SimProcess::run_to_exit(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  const std::string err = temp_file("triagent-sim-stderr");
  int out_fd = -1;
  const pid_t pid = spawn(args, err, out_fd);
  close(out_fd);
  Exit e;
  if (auto code = wait_for_exit(pid, timeout)) {
    e.code = *code;
  } else {
    kill(pid, SIGKILL);
    wait_for_exit(pid, std::chrono::seconds(10));
    e.code = -1000;
  }
  e.stderr_text = read_file(err);
  std::error_code ec;
  std::filesystem::remove(err, ec);
  return e;
}

}  // namespace triagent::testing
