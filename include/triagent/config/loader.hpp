#pragma once
// Loading and validating the YAML config into `Config`.
//
// Rules: unknown keys are errors; every error names the file, the line and the key path
// ("config/triagent.yaml:12: server.max_body_bytes: expected a positive integer, got 'abc'").
// String scalars are interpolated after parsing: ${VAR}, ${VAR:-default}, ${VAR:?message},
// ${file:/path} (one trailing newline trimmed) and $$ for a literal '$'. A value that would
// contain a newline after interpolation is rejected (no YAML injection through env or files).
// The full grammar is in config/interpolate.hpp. Keys are never interpolated; a key without a
// value counts as absent (it keeps its default). An error never shows a secret or a value that
// came from the environment or a file.

#include <string>
#include <string_view>

#include "triagent/config/config.hpp"
#include "triagent/core/result.hpp"

namespace triagent {

// Looks up environment variables; tests pass their own.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> get(const std::string& name) const = 0;
};

// The process environment.
const Environment& process_environment();

Result<Config> load_config_file(const std::string& path, const Environment& env = process_environment());
Result<Config> load_config_text(std::string_view yaml, const std::string& source_name,
                                const Environment& env = process_environment());

// The shipped config/triagent.yaml, compiled into the binary.
std::string_view embedded_default_config();

// A YAML rendering of the effective config with every secret shown as <redacted>; used by
// `triagent check-config`.
std::string describe_config(const Config& cfg);

}  // namespace triagent
