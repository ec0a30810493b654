#include <gtest/gtest.h>

#include "triagent/net/http_server.hpp"
#include "triagent/net/router.hpp"

namespace triagent {
namespace {

ServerRequest request(std::string method, std::string target) {
  ServerRequest r;
  r.method = std::move(method);
  r.target = target;
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  return r;
}

// Dispatches synchronously and returns what the handler answered.
ServerResponse dispatch(const Router& router, ServerRequest req) {
  ServerResponse out;
  out.status = -1;
  router.dispatch(std::move(req), [&out](ServerResponse r) { out = std::move(r); });
  return out;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add("GET", "/v1/jobs/{id}", [](ServerRequest req, Responder respond) {
      respond(ServerResponse::json(200, {{"id", req.params["id"]}}));
    });
    router_.add("POST", "/v1/jobs/{id}/replay", [](ServerRequest req, Responder respond) {
      respond(ServerResponse::json(200, {{"replayed", req.params["id"]}}));
    });
  }
  Router router_;
};

TEST_F(RouterTest, CapturesPathParameters) {
  auto r = dispatch(router_, request("GET", "/v1/jobs/42"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["id"], "42");
  auto replay = dispatch(router_, request("POST", "/v1/jobs/7/replay"));
  EXPECT_EQ(nlohmann::json::parse(replay.body)["replayed"], "7");
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  EXPECT_EQ(dispatch(router_, request("GET", "/v1/nothing")).status, 404);
  EXPECT_EQ(dispatch(router_, request("GET", "/v1/jobs/42/extra")).status, 404);
  auto r = dispatch(router_, request("DELETE", "/v1/jobs/42"));
  EXPECT_EQ(r.status, 405);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "GET");
}

TEST_F(RouterTest, RepeatedSlashesDoNotChangeTheRoute) {
  EXPECT_EQ(dispatch(router_, request("GET", "//v1//jobs/9/")).status, 200);
}

TEST(ServerRequest, QueryParametersArePercentDecoded) {
  auto r = request("GET", "/v1/jobs?state=dead&limit=5&q=a%20b+c&flag&bad=%zz");
  EXPECT_EQ(r.query_param("state"), "dead");
  EXPECT_EQ(r.query_param("limit"), "5");
  EXPECT_EQ(r.query_param("q"), "a b c");
  EXPECT_EQ(r.query_param("flag"), "");
  EXPECT_EQ(r.query_param("bad"), "%zz");
  EXPECT_FALSE(r.query_param("missing").has_value());
}

TEST(ServerRequest, HeaderLookupReturnsFirstOrEmpty) {
  ServerRequest r;
  r.headers = {{"authorization", "Bearer a"}, {"authorization", "Bearer b"}};
  EXPECT_EQ(r.header("authorization"), "Bearer a");
  EXPECT_EQ(r.header("x-missing"), "");
}

TEST(ServerResponse, ErrorIsJsonWithTheMessage) {
  auto r = ServerResponse::error(400, "no external id at /id");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "no external id at /id");
}

TEST(ListenAddress, ParsesHostPortForms) {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = parse_listen_address("[::1]:0");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 0);
  auto any = parse_listen_address(":9000");
  ASSERT_TRUE(any.has_value());
  EXPECT_EQ(any->first, "0.0.0.0");
  EXPECT_FALSE(parse_listen_address("localhost").has_value());
  EXPECT_FALSE(parse_listen_address("host:99999").has_value());
  EXPECT_FALSE(parse_listen_address("host:80a").has_value());
  EXPECT_FALSE(parse_listen_address("[::1]8080").has_value());
}

}  // namespace
}  // namespace triagent
