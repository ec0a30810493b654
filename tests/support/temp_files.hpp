#pragma once
// Scratch files for tests, removed when the test ends, so that runs leave nothing in $TMPDIR.
//
//   triagent::testing::TempDir dir;                    // a fresh directory, removed with its contents
//   triagent::testing::TempDbFile db("delivery_states");  // a SQLite file with its -wal and -shm
//   auto ledger = DeliveryLedger::open(db.path(), clock);

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace triagent::testing {

// A fresh directory under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "triagent-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A SQLite file: a path under $TMPDIR, unique per process, whose file and companions are removed
// before use and again when the object goes. Declare it before the store that opens it, so that
// the store closes first.
class TempDbFile {
 public:
  explicit TempDbFile(const std::string& name)
      : path_((std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".db")).string()) {
    remove();
  }
  ~TempDbFile() { remove(); }
  TempDbFile(const TempDbFile&) = delete;
  TempDbFile& operator=(const TempDbFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  void remove() const {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ignored);
  }
  std::string path_;
};

}  // namespace triagent::testing
