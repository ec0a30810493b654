#include "queue/dedupe_index.hpp"

namespace triagent::queue_detail {

std::optional<std::int64_t> DedupeIndex::find(std::string_view key) const {
  if (auto it = committed_.find(key); it != committed_.end()) return it->second;
  if (auto it = staged_.find(key); it != staged_.end()) return it->second;
  return std::nullopt;
}

void DedupeIndex::stage(std::string key, std::int64_t id) {
  auto [it, added] = staged_.emplace(std::move(key), id);
  if (added) staged_order_.push_back(&it->first);
}

void DedupeIndex::unstage_after(std::size_t count) {
  while (staged_order_.size() > count) {
    staged_.erase(staged_.find(*staged_order_.back()));
    staged_order_.pop_back();
  }
}

void DedupeIndex::commit() {
  committed_.merge(staged_);  // staged keys are never committed ones: enqueue looked first
  discard();
}

void DedupeIndex::discard() {
  staged_.clear();
  staged_order_.clear();
}

void DedupeIndex::erase(std::string_view key) {
  if (auto it = committed_.find(key); it != committed_.end()) committed_.erase(it);
}

}  // namespace triagent::queue_detail
