// `triagent classify` on a real binary through pipes: lines are analysed in batches, yet a line
// written while nothing else waits is answered before more input comes, and every line gets its
// own output line, in input order.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"

extern char** environ;

namespace triagent::testing {
namespace {

// A child `triagent classify -q` with its stdin and stdout on pipes.
class ClassifyProcess {
 public:
  ClassifyProcess() {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::vector<std::string> words = {triagent_binary(), "classify", "-q"};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    if (rc != 0) pid_ = -1;
  }
  ~ClassifyProcess() {
    close_input();
    if (from_child_ >= 0) close(from_child_);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool started() const { return pid_ > 0; }

  bool write(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(to_child_, text.data() + done, text.size() - done);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  void close_input() {
    if (to_child_ >= 0) close(to_child_);
    to_child_ = -1;
  }

  // The next output line; empty when the child ends or nothing comes before the deadline.
  std::string read_line(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd p{from_child_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char buf[65536];
      const ssize_t n = ::read(from_child_, buf, sizeof buf);
      if (n <= 0) return {};
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

  int wait_exit() {
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string pending_;
};

std::string event_line(int n) {
  return R"({"seq":)" + std::to_string(n) +
         R"(,"EventID":4625,"TargetUserName":"alice","IpAddress":"203.0.113.)" + std::to_string(n % 250) + "\"}\n";
}

// Generous: the binary may run under a sanitizer on a loaded machine. The wait ends as soon as the
// line comes; only a classify that holds the line back for more input reaches it.
constexpr std::chrono::seconds kAnswerLimit{60};

TEST(ClassifyCli, AnswersALineWithoutWaitingForMoreInput) {
  ClassifyProcess p;
  ASSERT_TRUE(p.started());
  ASSERT_TRUE(p.write(event_line(0)));
  const std::string first = p.read_line(kAnswerLimit);
  ASSERT_FALSE(first.empty()) << "no answer while stdin stays open";
  const auto j = nlohmann::json::parse(first);
  EXPECT_EQ(j["seq"], 0);
  EXPECT_TRUE(j.contains("ai_log_type"));
  // A second line, still with stdin open, is answered too.
  ASSERT_TRUE(p.write(event_line(1)));
  const std::string second = p.read_line(kAnswerLimit);
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(nlohmann::json::parse(second)["seq"], 1);
  p.close_input();
  EXPECT_EQ(p.read_line(kAnswerLimit), "");
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(ClassifyCli, ManyLinesAtOnceComeOutOnePerLineInOrder) {
  ClassifyProcess p;
  ASSERT_TRUE(p.started());
  // More than several batches, written whole before anything is read (the pipe buffers hold it:
  // well under 64 KB in, and the child's output is read below while it runs).
  constexpr int kLines = 300;
  std::string input;
  for (int n = 0; n < kLines; ++n) input += event_line(n);
  ASSERT_LT(input.size(), 60'000u);
  ASSERT_TRUE(p.write(input));
  p.close_input();
  for (int n = 0; n < kLines; ++n) {
    const std::string line = p.read_line(kAnswerLimit);
    ASSERT_FALSE(line.empty()) << "output ended at line " << n;
    const auto j = nlohmann::json::parse(line);
    ASSERT_EQ(j["seq"], n);
    EXPECT_FALSE(j["ai_iocs"].empty()) << line;
  }
  EXPECT_EQ(p.read_line(kAnswerLimit), "");
  EXPECT_EQ(p.wait_exit(), 0);
}

}  // namespace
}  // namespace triagent::testing
