#pragma once
// Reading a replay file: one recorded webhook per line, normalized by its source's normalizer into
// the payload a queued job would carry. A bad line becomes an entry with an error, never an
// exception, so one broken record does not stop the replay of the others.
//
//   auto entries = read_replay_input(stream, cfg);
//   for (auto& e : entries) if (e.error.empty()) run(e.payload);

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "triagent/config/config.hpp"

namespace triagent::cli {

struct ReplayEntry {
  std::size_t line = 0;      // 1-based line number in the input
  std::string source;        // "singularity", ...
  std::string external_id;   // the incident's id at its source
  std::string payload;       // the Incident JSON a job carries; empty when error is set
  std::string error;         // why the line cannot be replayed
};

// Blank lines are skipped. A line longer than max_line_bytes is an error entry.
std::vector<ReplayEntry> read_replay_input(std::istream& in, const Config& cfg, std::size_t max_line_bytes);

}  // namespace triagent::cli
