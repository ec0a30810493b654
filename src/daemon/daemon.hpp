#pragma once
// Daemon: builds every component from a Config and runs them until SIGTERM/SIGINT, then shuts
// down in order: /readyz fails, intake stops, in-flight requests finish, workers drain, the queue
// flushes, exit 0.

#include <iosfwd>

#include "triagent/config/config.hpp"

namespace triagent {

// Runs the daemon in the foreground. Prints one line on `out` once it is listening:
//   triagent: listening on http://127.0.0.1:8080 (mode shadow, data ./var)
// Returns the process exit code (0 after a graceful shutdown, 69 when a dependency cannot start).
int run_daemon(const Config& cfg, std::ostream& out);

}  // namespace triagent
