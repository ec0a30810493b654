// The embedded review UI: what /ui serves, with which headers, and that nothing outside the
// embedded table can be reached.
#include <gtest/gtest.h>

#include <string>

#include "triagent/ingress/ui_routes.hpp"

namespace triagent {
namespace {

ServerResponse get(const Router& router, const std::string& path) {
  ServerRequest r;
  r.method = "GET";
  r.target = path;
  r.path = path;
  ServerResponse out;
  out.status = -1;
  router.dispatch(std::move(r), [&out](ServerResponse resp) { out = std::move(resp); });
  return out;
}

std::string header(const ServerResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// An attribute such as onclick= or onload= (whitespace, "on", letters, "=").
bool has_inline_handler(const std::string& html) {
  for (std::size_t at = html.find("on"); at != std::string::npos; at = html.find("on", at + 1)) {
    if (at == 0 || (html[at - 1] != ' ' && html[at - 1] != '\n' && html[at - 1] != '\t')) continue;
    std::size_t end = at + 2;
    while (end < html.size() && html[end] >= 'a' && html[end] <= 'z') ++end;
    if (end > at + 2 && end < html.size() && html[end] == '=') return true;
  }
  return false;
}

class UiRoutes : public ::testing::Test {
 protected:
  UiRoutes() { register_ui_routes(router_); }
  Router router_;
};

TEST_F(UiRoutes, RootServesTheHtmlWithAStrictPolicy) {
  for (const char* path : {"/ui", "/ui/", "/ui/index.html"}) {
    auto r = get(router_, path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    EXPECT_NE(r.body.find("<!doctype html>"), std::string::npos) << path;
    std::string csp = header(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
    EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  }
}

TEST_F(UiRoutes, AssetsCarryTheirContentType) {
  auto js = get(router_, "/ui/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(js.body.empty());
  EXPECT_EQ(header(js, "X-Content-Type-Options"), "nosniff");
  auto css = get(router_, "/ui/app.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
}

// The page must not need anything the policy forbids: no inline script or style, no other origin.
TEST_F(UiRoutes, TheHtmlHasNoInlineCodeAndNoExternalAssets) {
  std::string html = get(router_, "/ui").body;
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find(" style="), std::string::npos);
  EXPECT_FALSE(has_inline_handler(html));
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  for (std::size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
    EXPECT_NE(html.substr(at, 80).find("src="), std::string::npos) << html.substr(at, 80);
  }
}

TEST_F(UiRoutes, UnknownAssetsAndTraversalAre404) {
  EXPECT_EQ(get(router_, "/ui/nothing.js").status, 404);
  EXPECT_EQ(get(router_, "/ui/../config.yaml").status, 404);
  EXPECT_EQ(get(router_, "/ui/..").status, 404);
  EXPECT_EQ(get(router_, "/ui/%2e%2e%2fetc%2fpasswd").status, 404);
  EXPECT_EQ(get(router_, "/ui/app.js/extra").status, 404);
  EXPECT_EQ(get(router_, "/ui/.%2Fapp.js").status, 404);
  EXPECT_EQ(get(router_, "/ui/APP.JS").status, 404);
}

}  // namespace
}  // namespace triagent
