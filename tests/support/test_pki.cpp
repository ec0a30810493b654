// Builds the test CA and server certificate with the OpenSSL 3 API (no openssl command needed).
#include "support/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace triagent::test {

namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(std::FILE* f) const { std::fclose(f); }
};
template <class T>
using Owned = std::unique_ptr<T, Deleter>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("make_test_pki: ") + what);
}

Owned<EVP_PKEY> new_key() {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation failed");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  check(ext != nullptr, "bad extension");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext failed");
}

Owned<X509> new_cert(EVP_PKEY* key, const char* common_name, long serial) {
  Owned<X509> cert(X509_new());
  check(cert != nullptr, "X509_new failed");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Triagent tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  Owned<std::FILE> f(std::fopen(path.c_str(), "w"));
  check(f != nullptr, "cannot write a PEM file");
  if (cert) check(PEM_write_X509(f.get(), cert) == 1, "PEM_write_X509 failed");
  if (key) check(PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM key write failed");
}

}  // namespace

TestPki make_test_pki(const std::string& directory, const std::string& server_names) {
  Owned<EVP_PKEY> ca_key = new_key();
  Owned<X509> ca = new_cert(ca_key.get(), "Triagent Test CA", 1);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "signing the CA failed");

  Owned<EVP_PKEY> server_key = new_key();
  Owned<X509> server = new_cert(server_key.get(), "Triagent test server", 2);
  X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get()));
  add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(server.get(), ca.get(), NID_subject_alt_name, server_names.c_str());
  add_extension(server.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(server.get(), ca_key.get(), EVP_sha256()) > 0, "signing the server certificate failed");

  TestPki pki{directory + "/ca.pem", directory + "/server.pem", directory + "/server.key"};
  write_pem(pki.ca_file, ca.get(), nullptr);
  write_pem(pki.server_cert_file, server.get(), nullptr);
  write_pem(pki.server_key_file, nullptr, server_key.get());
  return pki;
}

}  // namespace triagent::test
