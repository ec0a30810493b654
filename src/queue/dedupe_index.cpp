#include "queue/dedupe_index.hpp"

namespace triagent::queue_detail {

namespace {

constexpr std::size_t kInitialSlots = 1024;

}  // namespace

std::optional<std::int64_t> DedupeIndex::find(std::string_view key, const HoldsKey& holds_key) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint64_t h = hash(key);
  for (std::size_t i = home(h);; i = (i + 1) & (slots_.size() - 1)) {
    const Slot& s = slots_[i];
    if (s.id == kEmpty) return std::nullopt;
    if (s.hash == h && holds_key(s.id)) return s.id;
  }
}

void DedupeIndex::stage(std::string_view key, std::int64_t id) {
  const std::uint64_t h = hash(key);
  insert(h, id);
  staged_.push_back(Slot{h, id});
}

void DedupeIndex::unstage_after(std::size_t count) {
  while (staged_.size() > count) {
    erase_entry(staged_.back().hash, staged_.back().id);
    staged_.pop_back();
  }
}

void DedupeIndex::insert(std::uint64_t h, std::int64_t id) {
  if ((size_ + 1) * 4 > slots_.size() * 3) grow();
  std::size_t i = home(h);
  while (slots_[i].id != kEmpty) i = (i + 1) & (slots_.size() - 1);
  slots_[i] = Slot{h, id};
  ++size_;
}

void DedupeIndex::erase_entry(std::uint64_t h, std::int64_t id) {
  if (slots_.empty()) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(h);
  for (;; i = (i + 1) & mask) {
    if (slots_[i].id == kEmpty) return;  // not there
    if (slots_[i].hash == h && slots_[i].id == id) break;
  }
  // Backward-shift deletion: an entry further along the run moves into the hole unless its home
  // lies cyclically in (hole, entry], where the hole would cut it off from its home.
  for (std::size_t j = i;;) {
    j = (j + 1) & mask;
    if (slots_[j].id == kEmpty) break;
    const std::size_t k = home(slots_[j].hash);
    const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
  --size_;
}

void DedupeIndex::grow() {
  std::vector<Slot> old(slots_.empty() ? kInitialSlots : slots_.size() * 2);
  old.swap(slots_);
  size_ = 0;
  for (const Slot& s : old) {
    if (s.id != kEmpty) insert(s.hash, s.id);
  }
}

}  // namespace triagent::queue_detail
