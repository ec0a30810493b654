#pragma once
// SipHash-2-4 (Aumasson and Bernstein): a keyed 64-bit hash for tables whose keys an attacker
// chooses (webhook ids). Without the key, nobody can compute which keys share a slot, which
// hash flooding needs; unkeyed or merely seeded hashes such as MurmurHash have seed-independent
// collisions.
//
//   const SipKey key = SipKey::random();           // once per process
//   std::uint64_t tag = siphash24(key, "generic:alert-7");

#include <cstdint>
#include <string_view>

namespace triagent {

struct SipKey {
  std::uint64_t k0 = 0;  // the key's bytes 0-7, little-endian
  std::uint64_t k1 = 0;  // bytes 8-15

  // 16 bytes from OpenSSL's CSPRNG; throws std::runtime_error when it has no entropy.
  static SipKey random();
};

std::uint64_t siphash24(const SipKey& key, std::string_view data);

}  // namespace triagent
