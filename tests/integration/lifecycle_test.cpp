// The daemon's lifecycle: graceful shutdown, backup and restore, durability across a kill -9, TLS.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <mutex>
#include <set>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/http_test_client.hpp"
#include "support/test_pki.hpp"

namespace triagent::testing {
namespace {

HttpTestResponse post_generic(std::uint16_t port, const std::string& id) {
  HttpTestClient c("127.0.0.1", port);
  return c.request("POST", "/v1/webhooks/generic", R"({"id":")" + id + R"(","title":"lifecycle"})", bearer(kWebhookToken));
}

// A thread's nice value, from /proc/<pid>/task/<tid>/stat (field 19; the name before it may hold
// spaces, so fields are counted after its closing parenthesis).
std::optional<int> nice_of(const std::filesystem::path& stat_file) {
  std::ifstream in(stat_file);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 19 && fields >> field; ++i) {
    if (i == 19) return std::stoi(field);
  }
  return std::nullopt;
}

// The pipeline's CPU-heavy stages run on threads below the reactor's priority, so that an alert
// storm's webhooks are answered before the enrichment work (docs/operations.md).
TEST(Lifecycle, PipelineCpuWorkRunsBelowTheReactorsPriority) {
  TempDir dir;
  DaemonProcess daemon(TestConfig{}, dir.path());
  const std::filesystem::path tasks = "/proc/" + std::to_string(daemon.pid()) + "/task";
  EXPECT_EQ(nice_of(tasks / std::to_string(daemon.pid()) / "stat"), 0);  // the main thread runs the reactor
  EXPECT_TRUE(eventually(
      [&] {
        for (const auto& task : std::filesystem::directory_iterator(tasks)) {
          if (nice_of(task.path() / "stat") == 10) return true;
        }
        return false;
      },
      std::chrono::seconds(10)));
}

TEST(Lifecycle, SigtermDrainsAndExitsZero) {
  TempDir dir;
  DaemonProcess daemon(TestConfig{}, dir.path());
  // An idle keep-alive connection must not hold the shutdown up.
  HttpTestClient idle("127.0.0.1", daemon.port());
  ASSERT_TRUE(idle.connect());
  ASSERT_TRUE(idle.send_raw(HttpTestClient::build_request("GET", "/livez", "", {}, true)));
  ASSERT_EQ(idle.read_response().status, 200);
  ASSERT_EQ(post_generic(daemon.port(), "term-1").status, 202);

  daemon.send_signal(SIGTERM);
  auto code = daemon.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "daemon did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << daemon.stderr_text();
  EXPECT_TRUE(idle.wait_closed(std::chrono::seconds(5)));

  // Everything acknowledged before the signal is still there after a restart.
  DaemonProcess again(TestConfig{}, dir.path());
  auto dup = post_generic(again.port(), "term-1");
  ASSERT_EQ(dup.status, 202);
  EXPECT_EQ(dup.json()["duplicate"], true);
}

// The documented backup and restore (docs/operations.md): an online backup through the admin API
// while the daemon runs, then the copy put back as the queue of a fresh data directory holds
// every job acknowledged before the backup, and nothing after it.
TEST(Lifecycle, AnOnlineBackupRestoresEveryJobAcknowledgedBeforeIt) {
  TempDir dir;
  std::map<std::string, std::string> before;  // external id -> job id
  std::string backup_path;
  {
    DaemonProcess daemon(TestConfig{}, dir.path());
    for (int i = 0; i < 40; ++i) {
      const std::string id = "backed-up-" + std::to_string(i);
      auto r = post_generic(daemon.port(), id);
      ASSERT_EQ(r.status, 202) << r.body;
      before[id] = r.json()["job_id"];
    }
    HttpTestClient c("127.0.0.1", daemon.port());
    EXPECT_EQ(c.request("POST", "/v1/admin/backup", "", bearer(kWebhookToken)).status, 401);
    auto backup = c.request("POST", "/v1/admin/backup", "", bearer(kAdminToken));
    ASSERT_EQ(backup.status, 200) << backup.body;
    backup_path = backup.json()["path"];
    EXPECT_EQ(std::filesystem::path(backup_path).parent_path(), std::filesystem::path(dir.path()) / "backups");
    EXPECT_EQ(backup.json()["bytes"].get<std::int64_t>(),
              static_cast<std::int64_t>(std::filesystem::file_size(backup_path)));
    EXPECT_EQ(std::filesystem::status(backup_path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    ASSERT_EQ(post_generic(daemon.port(), "after-backup").status, 202);
    daemon.send_signal(SIGTERM);
    ASSERT_EQ(daemon.wait_exit(std::chrono::seconds(30)), std::optional<int>(0)) << daemon.stderr_text();
  }
  TempDir restored;
  std::filesystem::copy_file(backup_path, std::filesystem::path(restored.path()) / "triagent.db");
  DaemonProcess daemon(TestConfig{}, restored.path());
  for (const auto& [id, job_id] : before) {
    auto again = post_generic(daemon.port(), id);
    ASSERT_EQ(again.status, 202) << again.body;
    EXPECT_EQ(again.json()["duplicate"], true) << id;
    EXPECT_EQ(again.json()["job_id"], job_id) << id;
  }
  EXPECT_EQ(post_generic(daemon.port(), "after-backup").json()["duplicate"], false);
}

std::optional<unsigned> mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_mode & 07777;
}

// Everything in the data directory is alert data: the daemon creates it for its own user alone,
// and names in its log what an older install left open to other users, without changing it.
TEST(Lifecycle, TheDataDirectoryAndItsDatabasesAreTheDaemonUsersAlone) {
  TempDir dir;
  const std::string data = dir.path() + "/var";  // missing: the daemon creates it
  const std::string queue = data + "/triagent.db";
  const TestConfig config = TestConfig{}.with("data_dir", data);
  {
    DaemonProcess daemon(config, dir.path());
    ASSERT_EQ(post_generic(daemon.port(), "private-1").status, 202);
    EXPECT_EQ(mode_of(data), 0700u);
    for (const std::string& file : {queue, queue + "-wal", data + "/state.db"}) {
      EXPECT_EQ(mode_of(file), 0600u) << file;
    }
    EXPECT_EQ(daemon.stderr_text().find("other users"), std::string::npos);
    daemon.send_signal(SIGTERM);
    ASSERT_EQ(daemon.wait_exit(std::chrono::seconds(30)), 0);
  }
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(queue.c_str(), 0644), 0);
  DaemonProcess again(config, dir.path());
  const std::string log = again.stderr_text();
  for (const auto& [path, mode] : {std::pair{data, "0755"}, std::pair{queue, "0644"}}) {
    const auto line_start = log.find("\"path\":\"" + path + "\"");
    ASSERT_NE(line_start, std::string::npos) << "no warning names " << path << " in:\n" << log;
    const auto line = log.substr(log.rfind('\n', line_start) + 1, log.find('\n', line_start) - log.rfind('\n', line_start));
    EXPECT_NE(line.find("other users of this machine can read"), std::string::npos) << line;
    EXPECT_NE(line.find(std::string("\"mode\":\"") + mode + "\""), std::string::npos) << line;
  }
  EXPECT_EQ(post_generic(again.port(), "private-2").status, 202);  // a warning, not a refusal
  EXPECT_EQ(mode_of(data), 0755u);                                   // left as the operator set it
}

TEST(Lifecycle, EveryAcknowledgedWebhookSurvivesKill9ExactlyOnce) {
  TempDir dir;
  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // external id -> job id
  {
    DaemonProcess daemon(TestConfig{}, dir.path());
    std::atomic<bool> stop{false};
    std::atomic<int> sent{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < 8; ++t) {
      senders.emplace_back([&, t] {
        for (int i = 0; i < 500 && !stop.load(); ++i) {
          std::string id = "crash-" + std::to_string(t) + "-" + std::to_string(i);
          auto r = post_generic(daemon.port(), id);
          sent++;
          if (r.status == 202) {
            std::lock_guard lock(mu);
            acknowledged[id] = r.json()["job_id"];
          }
        }
      });
    }
    // Kill in mid-stream, once a good number of webhooks are in flight or done.
    ASSERT_TRUE(eventually([&] { return sent.load() >= 300; }, std::chrono::seconds(60)));
    daemon.kill_hard();
    stop = true;
    for (auto& s : senders) s.join();
  }
  ASSERT_GT(acknowledged.size(), 100u);

  DaemonProcess restarted(TestConfig{}, dir.path());
  HttpTestClient admin("127.0.0.1", restarted.port());
  std::set<std::string> job_ids;
  for (const auto& [id, job_id] : acknowledged) {
    auto job = admin.request("GET", "/v1/jobs/" + job_id, "", bearer(kAdminToken));
    ASSERT_EQ(job.status, 200) << "acknowledged job " << job_id << " lost";
    EXPECT_EQ(job.json()["incident"]["external_id"], id);
    EXPECT_TRUE(job_ids.insert(job_id).second) << "two webhooks share job " << job_id;
  }
  // Re-sending every acknowledged webhook finds the one job it made: present exactly once.
  for (const auto& [id, job_id] : acknowledged) {
    auto r = post_generic(restarted.port(), id);
    ASSERT_EQ(r.status, 202);
    EXPECT_EQ(r.json()["duplicate"], true) << id;
    EXPECT_EQ(r.json()["job_id"], job_id) << id;
  }
  // Jobs that were leased when the process died run to completion after the restart.
  EXPECT_TRUE(eventually([&] {
    auto leased = admin.request("GET", "/v1/jobs?state=leased", "", bearer(kAdminToken));
    auto queued = admin.request("GET", "/v1/jobs?state=queued", "", bearer(kAdminToken));
    return leased.json()["count"] == 0 && queued.json()["count"] == 0;
  }, std::chrono::seconds(60)));
}

TEST(Lifecycle, TlsListenerServesWithTheConfiguredCertificate) {
  TempDir dir;
  auto pki = triagent::test::make_test_pki(dir.path());
  TestConfig cfg;
  cfg.extra_server_yaml = "  tls:\n    enabled: true\n    cert_file: " + pki.server_cert_file +
                          "\n    key_file: " + pki.server_key_file + "\n";
  DaemonProcess daemon(cfg, dir.path());
  HttpTestClient tls("127.0.0.1", daemon.port(), pki.ca_file);
  auto r = tls.request("POST", "/v1/webhooks/generic", R"({"id":"tls-1"})", bearer(kWebhookToken));
  EXPECT_EQ(r.status, 202) << r.body;
  // A plain-text client gets no HTTP answer from a TLS listener.
  HttpTestClient plain("127.0.0.1", daemon.port());
  EXPECT_EQ(plain.request("GET", "/livez").status, 0);
}

}  // namespace
}  // namespace triagent::testing
