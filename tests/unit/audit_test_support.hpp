#pragma once
// Helpers for the audit tests: a temporary directory, an AuditLog opened in it with a ManualClock,
// and direct access to the file's lines for tampering with it.
//
//   AuditFixture: open(); append_ok("query", {{"q", "x"}}); auto lines = read_lines();
//   lines[2][10] ^= 1; write_lines(lines); auto report = verify(dir_path());

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "triagent/audit/audit_log.hpp"
#include "triagent/audit/audit_reader.hpp"
#include "triagent/core/clock.hpp"

namespace triagent::audit_test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "triagent-audit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class AuditFixture : public ::testing::Test {
 protected:
  AuditFixture() { options.dir = (dir.path() / "state" / "audit").string(); }

  void open() {
    auto r = audit::AuditLog::open(options, clock);
    ASSERT_TRUE(r) << r.error().message;
    log = std::move(*r);
  }
  void reopen() {
    log.reset();
    open();
  }
  audit::AuditRecordRef append_ok(std::string_view kind, nlohmann::json data = nlohmann::json::object(),
                                  std::string_view job_id = "job-1", std::string_view trace_id = "trace-1") {
    auto r = log->append(job_id, trace_id, kind, std::move(data));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : audit::AuditRecordRef{};
  }
  void append_n(int n) {
    for (int i = 0; i < n; ++i) append_ok("query", {{"i", i}});
  }

  std::string dir_path() const { return options.dir; }
  std::string file_path() const { return audit::audit_file_path(options.dir); }

  // The file's lines without their newlines; a last unterminated piece is kept as a line too.
  std::vector<std::string> read_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(read_file(file_path()));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  void write_lines(const std::vector<std::string>& lines) const {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    write_file(file_path(), text);
  }

  audit::VerifyReport verify_ok() const {
    auto r = audit::verify(dir_path());
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : audit::VerifyReport{};
  }

  TempDir dir;
  ManualClock clock{1'700'000'000'123};
  audit::AuditLogOptions options;
  std::unique_ptr<audit::AuditLog> log;
};

}  // namespace triagent::audit_test
