#include <cstdlib>

#include "triagent/config/loader.hpp"

namespace triagent {
namespace {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(const std::string& name) const override {
    // getenv is safe here: the daemon reads its environment at start-up and never calls setenv.
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }
};

}  // namespace

const Environment& process_environment() {
  static const ProcessEnvironment environment;
  return environment;
}

}  // namespace triagent
