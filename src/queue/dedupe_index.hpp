#pragma once
// DedupeIndex: the queue's dedupe keys and their job ids, in memory, in place of a unique index in
// SQLite. Webhook ids in random order (UUIDs) each landed in a leaf of their own in that b-tree:
// 41.6 WAL pages per commit of 25 webhooks instead of 12.25 (intake_bench --ids random: 21-23k
// durable webhooks/s with it, 35-38k without). The table stays the truth: the index is loaded from
// it at open, and follows it only once the transaction that changed it has committed.
//
//   DedupeIndex index(seed);
//   index.stage("generic:a-1", 42);   // inserted by the open batch
//   index.commit();                    // the batch committed (discard() when it rolled back)
//   index.find("generic:a-1");         // 42

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace triagent::queue_detail {

class DedupeIndex {
 public:
  explicit DedupeIndex(std::uint64_t seed) : committed_(0, Hash{seed}), staged_(0, Hash{seed}) {}

  // The job holding `key`, committed or staged by the open batch.
  std::optional<std::int64_t> find(std::string_view key) const;
  void stage(std::string key, std::int64_t id);
  // How many keys are staged, and the removal of those staged after such a count: an operation
  // undone by its savepoint takes its keys back.
  std::size_t staged_count() const { return staged_order_.size(); }
  void unstage_after(std::size_t count);
  void commit();
  void discard();
  // A key committed outside any batch (loading at open).
  void add_committed(std::string key, std::int64_t id) { committed_.emplace(std::move(key), id); }
  // A committed deletion (the purge of old done jobs).
  void erase(std::string_view key);
  std::size_t size() const { return committed_.size(); }

 private:
  // libstdc++'s murmur hash with a random seed per process: keys crafted to share a bucket (hash
  // flooding through webhook ids) cannot be computed in advance.
  struct Hash {
    std::uint64_t seed;
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::_Hash_bytes(s.data(), s.size(), seed); }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  using Map = std::unordered_map<std::string, std::int64_t, Hash, Equal>;
  Map committed_;
  Map staged_;
  std::vector<const std::string*> staged_order_;  // keys of staged_ (its nodes do not move)
};

}  // namespace triagent::queue_detail
