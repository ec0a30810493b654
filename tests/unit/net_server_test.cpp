// HttpServer on a real loopback socket, with a plain POSIX client.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "triagent/net/http_server.hpp"

namespace triagent {
namespace {

// Sends `request` on a fresh connection and returns everything the server wrote before closing it.
std::string exchange(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval timeout{10, 0};  // a hung server fails the test instead of hanging it
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

TEST(HttpServer, AHandlerThatDropsItsResponderIsAnswered500) {
  boost::asio::io_context ioc;
  ServerConfig cfg;
  cfg.listen = "127.0.0.1:0";
  auto server = HttpServer::start(ioc, cfg, [](ServerRequest, Responder) {});  // never answers
  ASSERT_TRUE(server) << server.error().message;
  std::thread io([&ioc] { ioc.run(); });

  const std::string answer = exchange((*server)->port(), "GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  (*server)->begin_shutdown();
  ioc.stop();
  io.join();

  ASSERT_TRUE(answer.starts_with("HTTP/1.1 500")) << answer;
  EXPECT_NE(answer.find("Content-Type: application/json"), std::string::npos) << answer;
  const auto body = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4), nullptr, false);
  ASSERT_TRUE(body.is_object()) << answer;
  EXPECT_EQ(body.value("error", ""), "internal error: the request was dropped without an answer");
}

}  // namespace
}  // namespace triagent
