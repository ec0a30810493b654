#pragma once
// Fakes shared by the config tests: an environment the test fills in, and a temp directory for
// ${file:...} secrets and config files.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "triagent/config/loader.hpp"

namespace triagent::config_testing {

class FakeEnvironment : public Environment {
 public:
  FakeEnvironment() = default;
  FakeEnvironment(std::initializer_list<std::pair<const std::string, std::string>> vars) : vars_(vars) {}
  std::optional<std::string> get(const std::string& name) const override {
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }
  void set(const std::string& name, std::string value) { vars_[name] = std::move(value); }
  void unset(const std::string& name) { vars_.erase(name); }

 private:
  std::map<std::string, std::string> vars_;
};

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("triagent-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string write(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Distinctive, so a test can search every output for it.
inline const std::string kAdminToken = "admin-SECRET-0123456789";

// The smallest valid config; tests append the section they exercise.
inline const std::string kMinimal = "auth:\n  admin_token: " + kAdminToken + "\n";

inline Result<Config> load(const std::string& yaml, const Environment& env = FakeEnvironment{}) {
  return load_config_text(yaml, "test.yaml", env);
}

inline Config load_ok(const std::string& yaml, const Environment& env = FakeEnvironment{}) {
  auto cfg = load(yaml, env);
  EXPECT_TRUE(cfg.has_value()) << (cfg ? "" : cfg.error().message);
  return cfg ? *cfg : Config{};
}

// The error message, checked never to contain a secret.
inline std::string load_error(const std::string& yaml, const Environment& env = FakeEnvironment{}) {
  auto cfg = load(yaml, env);
  EXPECT_FALSE(cfg.has_value()) << yaml;
  if (cfg) return "";
  EXPECT_EQ(cfg.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(cfg.error().message.find("SECRET"), std::string::npos) << cfg.error().message;
  return cfg.error().message;
}

}  // namespace triagent::config_testing
