#pragma once
// DedupeIndex: the queue's dedupe keys and their job ids, in memory, in place of a unique index in
// SQLite. Webhook ids in random order (UUIDs) each landed in a leaf of their own in that b-tree:
// 41.6 WAL pages per commit of 25 webhooks instead of 12.25 (intake_bench --ids random: 21-23k
// durable webhooks/s with it, 35-38k without). The table stays the truth: the index is loaded from
// it at open, and follows it only once the transaction that changed it has committed.
//
// It holds no key, only a keyed 64-bit hash of it (SipHash-2-4, a random key per process) and the
// job id, 16 bytes a slot in one open-addressing array: about 21-43 bytes a job instead of about
// 125 for a hash map of strings. A hash that matches is only a candidate: `holds_key` reads the
// job's row to confirm it, so two keys that share a hash are still told apart.
//
//   DedupeIndex index(SipKey::random());
//   index.stage("generic:a-1", 42);      // inserted by the open batch
//   index.commit();                       // the batch committed (discard() when it rolled back)
//   index.find("generic:a-1", [&](std::int64_t id) { return key_of_row(id) == "generic:a-1"; });   // 42

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/siphash.hpp"

namespace triagent::queue_detail {

class DedupeIndex {
 public:
  // Whether job `id`'s row holds the key being looked up.
  using HoldsKey = std::function<bool(std::int64_t id)>;
  // Tests replace the hash to make keys collide.
  using HashFunction = std::uint64_t (*)(std::string_view key);

  explicit DedupeIndex(SipKey key) : key_(key) {}
  explicit DedupeIndex(HashFunction hash) : hash_function_(hash) {}

  // The job holding `key`, committed or staged by the open batch.
  std::optional<std::int64_t> find(std::string_view key, const HoldsKey& holds_key) const;
  // Adds a key the open batch inserted (not yet in the index: enqueue looked first).
  void stage(std::string_view key, std::int64_t id);
  // How many keys are staged, and the removal of those staged after such a count: an operation
  // undone by its savepoint takes its keys back.
  std::size_t staged_count() const { return staged_.size(); }
  void unstage_after(std::size_t count);
  void commit() { staged_.clear(); }
  void discard() { unstage_after(0); }
  // A key committed outside any batch (loading at open).
  void add_committed(std::string_view key, std::int64_t id) { insert(hash(key), id); }
  // A committed deletion (the purge of old done jobs): job `id`, which held `key`.
  void erase(std::string_view key, std::int64_t id) { erase_entry(hash(key), id); }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot) + staged_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::int64_t id = kEmpty;
  };
  static constexpr std::int64_t kEmpty = INT64_MIN;  // no job has this id

  std::uint64_t hash(std::string_view key) const { return hash_function_ ? hash_function_(key) : siphash24(key_, key); }
  std::size_t home(std::uint64_t h) const { return static_cast<std::size_t>(h) & (slots_.size() - 1); }
  void insert(std::uint64_t h, std::int64_t id);
  void erase_entry(std::uint64_t h, std::int64_t id);
  void grow();

  SipKey key_;
  HashFunction hash_function_ = nullptr;
  std::vector<Slot> slots_;   // a power of two in size, at most 3/4 full; linear probing
  std::size_t size_ = 0;
  std::vector<Slot> staged_;  // entries of the open batch, in the order staged
};

}  // namespace triagent::queue_detail
