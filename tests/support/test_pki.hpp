#pragma once
// make_test_pki: a throwaway certificate authority and a server certificate it signed, for
// 127.0.0.1 and localhost, written as PEM files into a directory. Lets TLS tests check that
// verification passes with the CA configured and fails without it.
//
//   TestPki pki = make_test_pki(temp_dir);
//   FaultServer server({pki.server_cert_file, pki.server_key_file});
//   config.ca_file = pki.ca_file;

#include <string>

namespace triagent::test {

struct TestPki {
  std::string ca_file;           // the CA certificate
  std::string server_cert_file;  // the server certificate (signed by the CA)
  std::string server_key_file;
};

// `server_names` is the certificate's subjectAltName. Throws std::runtime_error when OpenSSL fails.
TestPki make_test_pki(const std::string& directory,
                      const std::string& server_names = "IP:127.0.0.1,DNS:localhost");

}  // namespace triagent::test
