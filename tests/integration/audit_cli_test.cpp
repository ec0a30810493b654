// `triagent audit verify` on a real binary. The chain is written here by an independent few lines
// that follow docs/audit.md (not by the audit library), so the test also pins the documented
// format: a verifier built from the docs and the daemon's own must agree.
#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/daemon_process.hpp"

extern char** environ;

namespace triagent::testing {
namespace {

using nlohmann::json;

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::ostringstream hex;
  for (unsigned int i = 0; i < length; ++i) hex << "0123456789abcdef"[digest[i] >> 4] << "0123456789abcdef"[digest[i] & 15];
  return hex.str();
}

std::string canonical(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The recipe of docs/audit.md: hash over the record without "hash", prev over the previous line.
std::vector<std::string> documented_chain(int n) {
  std::vector<std::string> lines;
  std::string prev(64, '0');
  for (int seq = 1; seq <= n; ++seq) {
    json record = {{"seq", seq},          {"time", "2026-11-22T10:15:30.123Z"}, {"job_id", "job-7"},
                   {"trace_id", "trace"}, {"kind", "llm_call"},                 {"data", {{"model", "m"}, {"n", seq}}},
                   {"prev", prev}};
    record["hash"] = sha256_hex(canonical(record));
    lines.push_back(canonical(record));
    prev = sha256_hex(lines.back());
  }
  return lines;
}

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Outcome run_triagent(const std::vector<std::string>& args, const std::string& work_dir) {
  const std::string output_path = work_dir + "/cli-output.txt";
  std::vector<std::string> words = {triagent_binary()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  Outcome outcome;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return outcome;
  int status = 0;
  waitpid(pid, &status, 0);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(output_path);
  std::ostringstream text;
  text << in.rdbuf();
  outcome.output = text.str();
  return outcome;
}

class AuditCli : public ::testing::Test {
 protected:
  AuditCli() {
    config_path = tmp.path() + "/config.yaml";
    std::ofstream(config_path) << TestConfig{}.render(tmp.path() + "/data");
    std::filesystem::create_directories(audit_dir());
  }
  std::string audit_dir() const { return tmp.path() + "/data/audit"; }
  void write_chain(const std::vector<std::string>& lines) const {
    std::ofstream out(audit_dir() + "/audit.jsonl", std::ios::binary | std::ios::trunc);
    for (const auto& l : lines) out << l << "\n";
  }
  Outcome verify() const { return run_triagent({"audit", "verify", "--config", config_path}, tmp.path()); }

  TempDir tmp;
  std::string config_path;
};

TEST_F(AuditCli, AnIntactChainExitsZero) {
  write_chain(documented_chain(5));
  auto r = verify();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "audit chain intact: 5 records\n");
}

TEST_F(AuditCli, ATamperedRecordExitsWithDataErrorAndIsNamed) {
  auto lines = documented_chain(5);
  const auto pos = lines[2].find(R"("n":3)");
  ASSERT_NE(pos, std::string::npos);
  lines[2][pos + 4] = '4';
  write_chain(lines);
  auto r = verify();
  EXPECT_EQ(r.exit_code, 65) << r.output;
  EXPECT_NE(r.output.find("audit chain broken at line 3 (seq 3): hash does not match"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the 2 records before it verify"), std::string::npos) << r.output;
}

TEST_F(AuditCli, ADeletedRecordIsNamed) {
  auto lines = documented_chain(4);
  lines.erase(lines.begin() + 1);
  write_chain(lines);
  auto r = verify();
  EXPECT_EQ(r.exit_code, 65) << r.output;
  EXPECT_NE(r.output.find("line 2 (seq 3): seq 3 where 2 was expected"), std::string::npos) << r.output;
}

TEST_F(AuditCli, DirOverridesTheConfig) {
  write_chain(documented_chain(2));
  auto r = run_triagent({"audit", "verify", "--dir", audit_dir()}, tmp.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "audit chain intact: 2 records\n");
}

TEST_F(AuditCli, AMissingLogAndBadUsageHaveTheirOwnExitCodes) {
  auto missing = verify();
  EXPECT_EQ(missing.exit_code, 66) << missing.output;
  EXPECT_NE(missing.output.find("no audit log at"), std::string::npos);
  EXPECT_EQ(run_triagent({"audit", "check"}, tmp.path()).exit_code, 64);
  EXPECT_EQ(run_triagent({"audit", "verify", "--bogus"}, tmp.path()).exit_code, 64);
}

}  // namespace
}  // namespace triagent::testing
