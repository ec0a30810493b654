// render_response: the bytes the server writes for a handler's response.
#include <gtest/gtest.h>

#include <string>

#include "net/response_bytes.hpp"

namespace triagent {
namespace {

TEST(ResponseBytes, KeepAliveHttp11ResponseHasLengthAndNoConnectionHeader) {
  ServerResponse r;
  r.status = 202;
  r.body = R"({"job_id":"7"})";
  r.headers.emplace_back("Retry-After", "3");
  EXPECT_EQ(render_response(r, 11, true),
            "HTTP/1.1 202 Accepted\r\nServer: triagent\r\nContent-Type: application/json\r\nRetry-After: 3\r\n"
            "Content-Length: 14\r\n\r\n{\"job_id\":\"7\"}");
}

TEST(ResponseBytes, ClosingAndHttp10ConnectionsSayWhatHappensNext) {
  ServerResponse r = ServerResponse::error(413, "too large");
  const std::string closing = render_response(r, 11, false);
  EXPECT_TRUE(closing.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << closing;
  EXPECT_NE(closing.find("\r\nConnection: close\r\n"), std::string::npos) << closing;
  const std::string old_kept = render_response(r, 10, true);
  EXPECT_TRUE(old_kept.starts_with("HTTP/1.0 413 ")) << old_kept;
  EXPECT_NE(old_kept.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << old_kept;
  EXPECT_EQ(render_response(r, 10, false).find("Connection:"), std::string::npos);
}

TEST(ResponseBytes, NoContentHasNoBodyAndNoLength) {
  ServerResponse r;
  r.status = 204;
  r.body = "ignored";
  EXPECT_EQ(render_response(r, 11, true), "HTTP/1.1 204 No Content\r\nServer: triagent\r\nContent-Type: application/json\r\n\r\n");
}

TEST(ResponseBytes, HeaderBytesCannotSplitTheResponseOrChangeItsFraming) {
  ServerResponse r;
  r.status = 200;
  r.body = "ok";
  r.headers.emplace_back("X-Note", "a\r\nSet-Cookie: stolen=1\r\n\r\nfake body");
  r.headers.emplace_back("Content-Length", "999");
  r.headers.emplace_back("connection", "upgrade");
  r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  const std::string bytes = render_response(r, 11, true);
  EXPECT_NE(bytes.find("X-Note: a  Set-Cookie: stolen=1    fake body\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("999"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("upgrade"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("application/json"), std::string::npos) << bytes;
  EXPECT_TRUE(bytes.ends_with("Content-Length: 2\r\n\r\nok")) << bytes;
}

}  // namespace
}  // namespace triagent
