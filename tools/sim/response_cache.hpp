#pragma once
// ResponseCache: serialized answers of read-only routes, reused while the simulator's state is
// unchanged (same SimState::version) and for at most a second (relative time windows move). It
// keeps rendering cost off the benchmark path: a repeated GET of threats or agents costs a map
// lookup instead of building and dumping the JSON again. The caller holds SimState::mu.
//
//   if (auto hit = cache.find(key, state.version)) return *hit;
//   SimResponse r = route(...);
//   cache.store(key, state.version, r);

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim_types.hpp"

namespace triagent::sim {

class ResponseCache {
 public:
  std::optional<SimResponse> find(const std::string& key, std::uint64_t version) const;
  void store(const std::string& key, std::uint64_t version, const SimResponse& response);
  void clear() { entries_.clear(); }

 private:
  static constexpr std::size_t kMaxEntries = 4096;
  static constexpr std::chrono::seconds kMaxAge{1};
  struct Entry {
    std::uint64_t version = 0;
    std::chrono::steady_clock::time_point stored;
    SimResponse response;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace triagent::sim
