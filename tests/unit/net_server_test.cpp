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
#include <vector>

#include "triagent/net/http_server.hpp"

namespace triagent {
namespace {

// Sends `parts` on one connection, each in its own send() after the previous one, then returns
// everything the server wrote before closing.
std::string exchange_in_parts(std::uint16_t port, const std::vector<std::string>& parts) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    for (const auto& p : parts) {
      if (::send(fd, p.data(), p.size(), 0) != static_cast<ssize_t>(p.size())) break;
    }
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

std::string exchange(std::uint16_t port, const std::string& request) { return exchange_in_parts(port, {request}); }

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

// Bodies that arrive with their headers are parsed from the buffer, the others read from the
// socket (the split sends below may or may not reach the server together; either way the handler
// must see the whole body), and several requests in one segment each get their own answer.
// ClientThatStallsMidBodyIsDropped (integration) covers a body that surely comes later.
TEST(HttpServer, BodiesArriveWholeWhetherSentWithTheHeadersOrAfterThem) {
  boost::asio::io_context ioc;
  ServerConfig cfg;
  cfg.listen = "127.0.0.1:0";
  auto server = HttpServer::start(ioc, cfg, [](ServerRequest req, Responder respond) {
    respond(ServerResponse::text(200, "got:" + req.body));
  });
  ASSERT_TRUE(server) << server.error().message;
  std::thread io([&ioc] { ioc.run(); });
  const auto port = (*server)->port();

  const std::string together = exchange(port,
                                        "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                                        "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
  const std::string split = exchange_in_parts(
      port, {"POST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhel", "lo ", "world"});
  const std::string chunked = exchange(port,
                                       "POST /d HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                       "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  (*server)->begin_shutdown();
  ioc.stop();
  io.join();

  EXPECT_NE(together.find("Content-Length: 9\r\n\r\ngot:hello"), std::string::npos) << together;
  EXPECT_TRUE(together.ends_with("Connection: close\r\nContent-Length: 7\r\n\r\ngot:bye")) << together;
  EXPECT_TRUE(split.ends_with("\r\n\r\ngot:hello world")) << split;
  EXPECT_TRUE(chunked.ends_with("\r\n\r\ngot:abcde")) << chunked;
}

}  // namespace
}  // namespace triagent
