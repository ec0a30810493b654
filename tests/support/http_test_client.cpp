#include "support/http_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstring>

namespace triagent::testing {

struct HttpTestClient::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

HttpTestClient::HttpTestClient(std::string host, std::uint16_t port, std::string ca_file)
    : host_(std::move(host)), port_(port), ca_file_(std::move(ca_file)) {}

HttpTestClient::~HttpTestClient() { disconnect(); }

void HttpTestClient::disconnect() {
  tls_.reset();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  pending_.clear();
}

bool HttpTestClient::connect() {
  disconnect();
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    disconnect();
    return false;
  }
  if (ca_file_.empty()) return true;
  tls_ = std::make_unique<Tls>();
  tls_->ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(tls_->ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(tls_->ctx, ca_file_.c_str(), nullptr) != 1) return false;
  tls_->ssl = SSL_new(tls_->ctx);
  SSL_set_fd(tls_->ssl, fd_);
  SSL_set_tlsext_host_name(tls_->ssl, "localhost");
  if (SSL_connect(tls_->ssl) != 1) {
    disconnect();
    return false;
  }
  return true;
}

bool HttpTestClient::send_raw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    long n = tls_ ? SSL_write(tls_->ssl, bytes.data() + sent, static_cast<int>(bytes.size() - sent))
                  : ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

long HttpTestClient::read_some(char* buf, std::size_t len, std::chrono::steady_clock::time_point deadline) {
  if (tls_ && SSL_pending(tls_->ssl) > 0) return SSL_read(tls_->ssl, buf, static_cast<int>(len));
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (remaining.count() <= 0) return -1;
  pollfd pfd{fd_, POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(remaining.count())) <= 0) return -1;
  if (tls_) return SSL_read(tls_->ssl, buf, static_cast<int>(len));
  return ::recv(fd_, buf, len, 0);
}

HttpTestResponse HttpTestClient::read_response(std::chrono::milliseconds timeout) {
  HttpTestResponse r;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data = std::move(pending_);
  pending_.clear();
  char buf[16384];
  std::size_t header_end;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    long n = read_some(buf, sizeof buf, deadline);
    if (n <= 0) return r;
    data.append(buf, static_cast<std::size_t>(n));
  }
  std::string head = data.substr(0, header_end);
  std::string rest = data.substr(header_end + 4);
  auto line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return r;
  r.status = std::stoi(status_line.substr(9, 3));
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(pos, end - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    pos = end + 2;
  }
  if (r.status == 100) {  // interim response: the real one follows
    pending_ = rest;
    return read_response(timeout);
  }
  std::size_t length = 0;
  if (auto it = r.headers.find("content-length"); it != r.headers.end()) length = std::stoul(it->second);
  while (rest.size() < length) {
    long n = read_some(buf, sizeof buf, deadline);
    if (n <= 0) break;
    rest.append(buf, static_cast<std::size_t>(n));
  }
  r.body = rest.substr(0, length);
  pending_ = rest.substr(std::min(length, rest.size()));
  return r;
}

bool HttpTestClient::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    long n = read_some(buf, sizeof buf, deadline);
    if (n == 0) return true;
    if (n < 0) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      return true;  // reset by peer counts as closed
    }
  }
}

std::string HttpTestClient::build_request(const std::string& method, const std::string& target, const std::string& body,
                                          const Headers& headers, bool keep_alive) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  req += "\r\n" + body;
  return req;
}

HttpTestResponse HttpTestClient::request(const std::string& method, const std::string& target, const std::string& body,
                                         const Headers& headers) {
  if (!connect()) return {};
  if (!send_raw(build_request(method, target, body, headers, false))) return {};
  auto r = read_response();
  disconnect();
  return r;
}

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

Headers signed_headers(const std::string& secret, const std::string& body, std::int64_t t) {
  std::string message = std::to_string(t) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(digits[mac[i] >> 4]);
    hex.push_back(digits[mac[i] & 0xF]);
  }
  return {{"X-Triagent-Signature", "t=" + std::to_string(t) + ",v1=" + hex}};
}

}  // namespace triagent::testing
