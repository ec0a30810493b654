// The cryptographic primitives of webhook auth: HMAC-SHA256 signatures and constant-time
// comparison, both from OpenSSL.

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <string>

#include "triagent/ingress/webhook_auth.hpp"

namespace triagent {

namespace {

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// Fetched once: the algorithm object is immutable and shareable between threads.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  return mac;
}

}  // namespace

std::string compute_signature(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  EVP_MAC* mac = hmac_algorithm();
  if (mac == nullptr) return {};
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return {};

  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  // A non-null key pointer even for an empty secret: OpenSSL treats a null key as "no key set".
  static const unsigned char no_key = 0;
  const auto* key = secret.empty() ? &no_key : reinterpret_cast<const unsigned char*>(secret.data());
  if (EVP_MAC_init(ctx.get(), key, secret.size(), params) != 1) return {};

  const std::string prefix = std::to_string(timestamp) + ".";
  if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(prefix.data()), prefix.size()) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(body.data()), body.size()) != 1) {
    return {};
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  if (EVP_MAC_final(ctx.get(), out, &out_len, sizeof out) != 1) return {};

  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(out_len * 2);
  for (std::size_t i = 0; i < out_len; ++i) {
    text.push_back(hex[out[i] >> 4]);
    text.push_back(hex[out[i] & 0x0f]);
  }
  return text;
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace triagent
