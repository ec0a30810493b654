#include "response_cache.hpp"

namespace triagent::sim {

std::optional<SimResponse> ResponseCache::find(const std::string& key, std::uint64_t version) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.version != version) return std::nullopt;
  if (std::chrono::steady_clock::now() - it->second.stored > kMaxAge) return std::nullopt;
  return it->second.response;
}

void ResponseCache::store(const std::string& key, std::uint64_t version, const SimResponse& response) {
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[key] = Entry{version, std::chrono::steady_clock::now(), response};
}

}  // namespace triagent::sim
