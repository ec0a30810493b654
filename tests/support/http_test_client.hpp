#pragma once
// HttpTestClient: a deliberately plain HTTP/1.1 client over POSIX sockets (optionally TLS through
// OpenSSL) for integration tests. It shares no code with the server, so a bug in one cannot hide
// the same bug in the other, and it can send malformed or slow requests on purpose.
//
//   HttpTestClient c("127.0.0.1", port);
//   auto r = c.request("POST", "/v1/webhooks/generic", body, {{"Authorization", "Bearer x"}});
//   EXPECT_EQ(r.status, 202);

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace triagent::testing {

struct HttpTestResponse {
  int status = 0;                            // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpTestClient {
 public:
  // `ca_file`: when set, connect with TLS and verify the server against this CA.
  HttpTestClient(std::string host, std::uint16_t port, std::string ca_file = "");
  ~HttpTestClient();

  // One request on its own connection ("Connection: close").
  HttpTestResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                           const Headers& headers = {});

  // Lower level, for keep-alive and misbehaving-client tests.
  bool connect();
  bool send_raw(const std::string& bytes);
  // Reads one response; `timeout` bounds the whole read.
  HttpTestResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the server closes the connection within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  void disconnect();

  static std::string build_request(const std::string& method, const std::string& target, const std::string& body,
                                   const Headers& headers, bool keep_alive);

 private:
  struct Tls;
  long read_some(char* buf, std::size_t len, std::chrono::steady_clock::time_point deadline);

  std::string host_;
  std::uint16_t port_;
  std::string ca_file_;
  int fd_ = -1;
  std::unique_ptr<Tls> tls_;
  std::string pending_;  // bytes read past the previous response
};

// Webhook helpers shared by the integration tests and benchmarks.
Headers bearer(const std::string& token);
// X-Triagent-Signature for `body` at time `t` (unix seconds).
Headers signed_headers(const std::string& secret, const std::string& body, std::int64_t t);

}  // namespace triagent::testing
