#include "audit/sha256.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "triagent/audit/audit_record.hpp"

namespace triagent::audit {

namespace {

// SHA-256 is always present in OpenSSL's default provider; without it no record could be written
// or checked, so failing loudly beats writing a chain nobody can verify.
[[noreturn]] void digest_failed() {
  std::fputs("triagent: fatal: OpenSSL SHA-256 is unavailable\n", stderr);
  std::abort();
}

// Fetched once: EVP_sha256() makes each EVP_DigestInit_ex look the algorithm up in the default
// provider again (a locked hash-table lookup, about 2,200 instructions, a tenth of hashing an audit
// record). An EVP_MD is immutable and safe to share between threads; it lives as long as the process.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) digest_failed();
  return md;
}

}  // namespace

struct Sha256::Context {
  EVP_MD_CTX* md = nullptr;
};

Sha256::Sha256() : ctx_(std::make_unique<Context>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, sha256_algorithm(), nullptr) != 1) digest_failed();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_->md); }

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()) != 1) digest_failed();
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx_->md, digest, &length) != 1) digest_failed();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text.push_back(kHex[digest[i] >> 4]);
    text.push_back(kHex[digest[i] & 0x0f]);
  }
  return text;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

}  // namespace triagent::audit
