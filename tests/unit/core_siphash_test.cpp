// siphash24 against the published test vectors and against OpenSSL's SIPHASH MAC; UntrustedHash
// against keys chosen to flood std::hash.
#include "core/siphash.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "triagent/core/untrusted_hash.hpp"

namespace triagent {
namespace {

// The test key of the SipHash paper: bytes 00 01 ... 0f.
constexpr SipKey kPaperKey{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};

std::string counting_bytes(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::uint64_t openssl_siphash24(const SipKey& key, const std::string& data) {
  unsigned char key_bytes[16];
  for (int i = 0; i < 8; ++i) {
    key_bytes[i] = static_cast<unsigned char>(key.k0 >> (8 * i));
    key_bytes[8 + i] = static_cast<unsigned char>(key.k1 >> (8 * i));
  }
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  std::size_t size = 8;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_construct_end()};
  unsigned char out[8] = {};
  std::size_t out_len = 0;
  const bool ok = ctx != nullptr && EVP_MAC_init(ctx, key_bytes, sizeof key_bytes, params) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &out_len, sizeof out) == 1 && out_len == 8;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  if (!ok) throw std::runtime_error("OpenSSL SIPHASH failed");
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | out[i];
  return v;
}

TEST(SipHash, PaperTestVectors) {
  EXPECT_EQ(siphash24(kPaperKey, counting_bytes(0)), 0x726fdb47dd0e0e31ull);
  EXPECT_EQ(siphash24(kPaperKey, counting_bytes(1)), 0x74f839c593dc67fdull);
  EXPECT_EQ(siphash24(kPaperKey, counting_bytes(15)), 0xa129ca6149be45e5ull);
}

TEST(SipHash, SameAsOpenSslForEveryLengthAndRandomKeys) {
  std::mt19937_64 rng(7);
  for (std::size_t len = 0; len <= 100; ++len) {
    for (int round = 0; round < 5; ++round) {
      const SipKey key{rng(), rng()};
      std::string data;
      for (std::size_t i = 0; i < len; ++i) data.push_back(static_cast<char>(rng()));
      ASSERT_EQ(siphash24(key, data), openssl_siphash24(key, data)) << "length " << len;
    }
  }
}

TEST(SipHash, RandomKeysDifferAndChangeTheHash) {
  const SipKey a = SipKey::random();
  const SipKey b = SipKey::random();
  EXPECT_FALSE(a.k0 == b.k0 && a.k1 == b.k1);
  EXPECT_NE(siphash24(a, "generic:alert-1"), siphash24(b, "generic:alert-1"));
}

// Keys found by brute force to share one bucket of a std::hash table, as an attacker writing log
// lines could: they pile into one chain there, and spread out under UntrustedHash.
TEST(UntrustedHash, KeysChosenToShareAStdHashBucketSpreadOut) {
  constexpr std::size_t kKeys = 2000;
  std::unordered_set<std::string> plain;
  plain.reserve(kKeys);
  UntrustedStringSet keyed;
  keyed.reserve(kKeys);
  const std::size_t buckets = plain.bucket_count();
  ASSERT_EQ(keyed.bucket_count(), buckets);
  std::vector<std::string> chosen;
  for (std::uint64_t i = 0; chosen.size() < kKeys; ++i) {
    std::string key = "powershell.exe -enc " + std::to_string(i);
    if (std::hash<std::string>{}(key) % buckets == 0) chosen.push_back(std::move(key));
  }
  for (const auto& key : chosen) {
    plain.insert(key);
    keyed.insert(key);
  }
  ASSERT_EQ(plain.bucket_count(), buckets);  // no rehash spread them
  ASSERT_EQ(keyed.bucket_count(), buckets);
  EXPECT_EQ(plain.bucket_size(0), kKeys);
  std::size_t longest = 0;
  for (std::size_t b = 0; b < keyed.bucket_count(); ++b) longest = std::max(longest, keyed.bucket_size(b));
  EXPECT_LE(longest, 16u);
  EXPECT_EQ(keyed.count(std::string_view(chosen.front())), 1u);  // asked with a string_view as it is
}

}  // namespace
}  // namespace triagent
