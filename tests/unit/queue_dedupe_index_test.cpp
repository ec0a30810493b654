// DedupeIndex against a plain map of strings, under random stages, commits, rollbacks, purges
// and reloads, with a hash that makes most keys collide (so that the rows must tell them apart
// and deletions must shift the runs they cut), and with SipHash at scale.
#include "queue/dedupe_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace triagent::queue_detail {
namespace {

// Four values for every key: long runs of equal hashes and of neighbouring homes.
std::uint64_t first_letter_hash(std::string_view key) {
  return key.empty() ? 0 : static_cast<unsigned char>(key[0]) % 4;
}

// 256 values spread over the table: each shared by many keys, in runs of every length.
std::uint64_t colliding_hash(std::string_view key) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return (h % 256) * 0x9E3779B97F4A7C15ull;
}

// The table's rows as the index sees them: job id -> dedupe key.
struct Rows {
  std::map<std::int64_t, std::string> key_of;
  DedupeIndex::HoldsKey holds(const std::string& key) const {
    return [this, key](std::int64_t id) {
      auto it = key_of.find(id);
      return it != key_of.end() && it->second == key;
    };
  }
};

TEST(DedupeIndex, KeysThatShareAHashAreToldApartByTheirRows) {
  DedupeIndex index(first_letter_hash);
  Rows rows;
  rows.key_of = {{1, "a-1"}, {2, "e-2"}, {3, "i-3"}};  // 'a', 'e', 'i' % 4 == 1: one hash
  for (const auto& [id, key] : rows.key_of) index.add_committed(key, id);
  EXPECT_EQ(index.find("e-2", rows.holds("e-2")), 2);
  EXPECT_EQ(index.find("i-3", rows.holds("i-3")), 3);
  EXPECT_EQ(index.find("m-4", rows.holds("m-4")), std::nullopt);  // same hash, no row holds it
  index.erase("a-1", 1);
  rows.key_of.erase(1);
  EXPECT_EQ(index.find("a-1", rows.holds("a-1")), std::nullopt);
  EXPECT_EQ(index.find("i-3", rows.holds("i-3")), 3);
  EXPECT_EQ(index.size(), 2u);
}

TEST(DedupeIndex, FollowsAMapThroughRandomBatchesRollbacksPurgesAndReloads) {
  std::mt19937_64 rng(11);
  DedupeIndex index(colliding_hash);
  Rows rows;                                  // committed and staged rows alike, as SQLite shows them
  std::map<std::string, std::int64_t> model;  // committed keys
  std::vector<std::pair<std::string, std::int64_t>> staged;
  std::int64_t next_id = 1;
  auto random_key = [&] {
    return std::string(1, static_cast<char>('a' + rng() % 26)) + "-" + std::to_string(rng() % 3000);
  };
  auto unstage_after = [&](std::size_t count) {
    while (staged.size() > count) {
      rows.key_of.erase(staged.back().second);
      staged.pop_back();
    }
    index.unstage_after(count);
  };

  for (int step = 0; step < 60'000; ++step) {
    const int op = static_cast<int>(rng() % 100);
    if (op < 45) {  // enqueue: look, then stage a new key
      const std::string key = random_key();
      std::optional<std::int64_t> expected;
      if (auto it = model.find(key); it != model.end()) expected = it->second;
      for (const auto& [k, id] : staged) {
        if (k == key) expected = id;
      }
      ASSERT_EQ(index.find(key, rows.holds(key)), expected) << "step " << step << " key " << key;
      if (!expected) {
        const std::int64_t id = next_id++;
        index.stage(key, id);
        staged.emplace_back(key, id);
        rows.key_of[id] = key;
      }
    } else if (op < 60) {
      for (auto& [key, id] : staged) model[key] = id;
      staged.clear();
      index.commit();
    } else if (op < 65) {
      unstage_after(0);  // the batch rolled back
    } else if (op < 72) {
      unstage_after(staged.empty() ? 0 : rng() % staged.size());  // an operation's savepoint
    } else if (op < 90 && !model.empty() && staged.empty()) {  // a purge, between batches
      auto it = model.begin();
      std::advance(it, static_cast<long>(rng() % model.size()));
      index.erase(it->first, it->second);
      rows.key_of.erase(it->second);
      model.erase(it);
    } else if (op == 99 && staged.empty()) {  // a restart: the index is loaded from the table
      index = DedupeIndex(colliding_hash);
      for (const auto& [key, id] : model) index.add_committed(key, id);
    }
    ASSERT_EQ(index.size(), model.size() + staged.size()) << "step " << step;
  }
  for (const auto& [key, id] : model) ASSERT_EQ(index.find(key, rows.holds(key)), id) << key;
}

TEST(DedupeIndex, HoldsAMillionKeysInUnderFortyEightBytesEach) {
  DedupeIndex index(SipKey::random());
  const std::int64_t n = 1'000'000;
  auto key_of = [](std::int64_t id) { return "generic:" + std::to_string(id * 2654435761u) + "-alert"; };
  for (std::int64_t id = 1; id <= n; ++id) index.add_committed(key_of(id), id);
  EXPECT_EQ(index.size(), static_cast<std::size_t>(n));
  EXPECT_LE(index.memory_bytes(), static_cast<std::size_t>(n) * 48);
  for (std::int64_t id = 1; id <= n; id += 997) {
    const std::string key = key_of(id);
    ASSERT_EQ(index.find(key, [&](std::int64_t found) { return key_of(found) == key; }), id);
    ASSERT_EQ(index.find(key + "x", [&](std::int64_t found) { return key_of(found) == key + "x"; }), std::nullopt);
  }
  for (std::int64_t id = 1; id <= n; id += 2) index.erase(key_of(id), id);
  EXPECT_EQ(index.size(), static_cast<std::size_t>(n / 2));
  for (std::int64_t id = 1; id <= 20'000; ++id) {
    const std::string key = key_of(id);
    const auto found = index.find(key, [&](std::int64_t f) { return key_of(f) == key; });
    ASSERT_EQ(found.has_value(), id % 2 == 0) << id;
  }
}

}  // namespace
}  // namespace triagent::queue_detail
