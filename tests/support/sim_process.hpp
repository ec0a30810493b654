#pragma once
// SimProcess: runs the `triagent-sim` API simulator for an integration test, on 127.0.0.1 with an
// ephemeral port, and waits for its "listening on" line (readiness) rather than for time to pass.
// The destructor stops it (SIGTERM, then SIGKILL if it does not exit).
//
//   SimProcess sim;                                   // the shipped Windows attack scenario
//   HttpTestClient c("127.0.0.1", sim.port());
//   auto r = c.request("GET", "/web/api/v2.1/threats", "", {{"Authorization", sim_s1_auth()}});
//   connector_config.base_url = sim.base_url();       // "http://127.0.0.1:<port>"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace triagent::testing {

// Credentials of the shipped scenario (tools/sim/scenarios/windows-workstation-attack.yaml).
inline constexpr const char* kSimDatasetReadKey = "sim-dataset-read-key-0001";
inline constexpr const char* kSimDatasetWriteKey = "sim-dataset-write-key-0001";
inline constexpr const char* kSimS1Token = "sim-s1-api-token-0001";
inline constexpr const char* kSimLlmKey = "sim-llm-key-0001";

struct SimOptions {
  std::string scenario;                // default: the shipped Windows attack scenario
  std::string faults;                  // optional --faults file
  std::vector<std::string> extra_args; // e.g. {"--threads", "1"}
};

class SimProcess {
 public:
  SimProcess() : SimProcess(SimOptions{}) {}
  explicit SimProcess(const SimOptions& options);  // throws std::runtime_error when not ready
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }

  // SIGTERM, then waits (pidfd) for the exit; the exit code, -signal, or nullopt on timeout.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::string stderr_text() const;

  static std::string binary();            // the built triagent-sim
  static std::string default_scenario();  // the shipped scenario file

  // Runs the simulator with `args` until it exits (e.g. to see a bad scenario rejected): the exit
  // code (or -signal, or -1000 on timeout) and what it wrote to stderr.
  struct Exit {
    int code = 0;
    std::string stderr_text;
  };
  static Exit run_to_exit(const std::vector<std::string>& args, std::chrono::milliseconds timeout);

 private:
  std::string stderr_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool reaped_ = false;
};

// "ApiToken <token>" for the shipped scenario's Singularity token.
std::string sim_s1_auth();

// The daemon config sections (connectors:, llm:, upstreams:) that point Singularity, Deep
// Visibility, DataSet and an OpenAI-kind provider named "sim-openai" at the simulator, with quick
// retries and polls so tests never wait out production back-off. Goes into TestConfig::extra_yaml.
std::string sim_connectors_yaml(const std::string& base_url, const std::string& s1_token = kSimS1Token,
                                int llm_timeout_ms = 30'000);

}  // namespace triagent::testing
