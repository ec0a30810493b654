#pragma once
// Sha256: incremental SHA-256 (OpenSSL EVP) with a lower-case hex result, so the writer can hash a
// record from its pieces without first joining them into one string.
//
//   Sha256 h;
//   h.update("{\"data\":");
//   h.update(data_text);
//   std::string hex = h.hex();   // 64 characters

#include <memory>
#include <string>
#include <string_view>

namespace triagent::audit {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // The digest of everything updated so far; the object is then spent.
  std::string hex();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

}  // namespace triagent::audit
