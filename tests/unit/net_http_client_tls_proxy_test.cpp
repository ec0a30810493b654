// Tests for the HTTP client's TLS verification (a throwaway CA made in the test) and proxy
// settings (the fault server acting as a plain-HTTP forward proxy).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "net_http_client_test_support.hpp"
#include "support/fault_server.hpp"
#include "support/test_pki.hpp"
#include "triagent/net/http_client.hpp"

namespace triagent::test {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "triagent-tls-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) ? pattern : throw std::runtime_error("mkdtemp failed");
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct HttpClientTlsTest : ::testing::Test {
  TempDir dir;
  TestPki pki = make_test_pki(dir.path());
  FaultServer server{FaultServer::Options{pki.server_cert_file, pki.server_key_file}};
};

TEST_F(HttpClientTlsTest, VerifiesAgainstTheConfiguredCa) {
  HttpClientConfig config = local_config();
  config.ca_file = pki.ca_file;
  auto client = make_curl_http_client(config);
  HttpResult r = send_and_wait(*client, get(server.url("/ok")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_GT(r->timing.tls_us, 0);
  // The second request rides the same TLS connection.
  HttpResult again = send_and_wait(*client, get(server.url("/ok")));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->timing.reused_connection);
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST_F(HttpClientTlsTest, RefusesAServerItCannotVerifyByDefault) {
  auto client = make_curl_http_client(local_config());  // the system store does not know our CA
  HttpResult r = send_and_wait(*client, get(server.url("/ok")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::tls) << r.error().message;
  EXPECT_FALSE(is_transient(r.error().kind));
  EXPECT_TRUE(server.wait_for([](const FaultServer& s) { return s.tls_handshakes_failed() == 1; },
                              std::chrono::seconds(20)));
  EXPECT_EQ(server.requests_served(), 0);
}

TEST_F(HttpClientTlsTest, AcceptsAnyNameTheCertificateHolds) {
  HttpClientConfig config = local_config();
  config.ca_file = pki.ca_file;
  auto client = make_curl_http_client(config);
  HttpResult by_name = send_and_wait(*client, get("https://localhost:" + std::to_string(server.port()) + "/ok"));
  EXPECT_TRUE(by_name) << by_name.error().message;
}

TEST_F(HttpClientTlsTest, RefusesAServerSignedByAnotherCa) {
  TempDir other_dir;
  TestPki other = make_test_pki(other_dir.path());
  HttpClientConfig config = local_config();
  config.ca_file = other.ca_file;
  auto client = make_curl_http_client(config);
  HttpResult r = send_and_wait(*client, get(server.url("/ok")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::tls) << r.error().message;
}

TEST(HttpClientTlsNameTest, RefusesACertificateIssuedForAnotherName) {
  TempDir dir;
  TestPki pki = make_test_pki(dir.path(), "DNS:api.example.test");
  FaultServer server{FaultServer::Options{pki.server_cert_file, pki.server_key_file}};
  HttpClientConfig config = local_config();
  config.ca_file = pki.ca_file;
  auto client = make_curl_http_client(config);
  HttpResult r = send_and_wait(*client, get(server.url("/ok")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, HttpErrorKind::tls) << r.error().message;
}

TEST_F(HttpClientTlsTest, VerificationCanBeTurnedOffForLocalTesting) {
  HttpClientConfig config = local_config();
  config.verify_tls = false;
  auto client = make_curl_http_client(config);
  HttpResult r = send_and_wait(*client, get(server.url("/ok")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST(HttpClientProxyTest, ConfiguredProxyReceivesTheAbsoluteUrl) {
  FaultServer proxy;
  HttpClientConfig config;
  config.proxy = proxy.url("");
  auto client = make_curl_http_client(config);
  HttpResult r = send_and_wait(*client, get("http://upstream.invalid/echo?x=1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(proxy.last_request().target, "http://upstream.invalid/echo?x=1");
  EXPECT_EQ(proxy.last_request().header("host"), "upstream.invalid");
}

TEST(HttpClientProxyTest, NoProxyListBypassesTheProxy) {
  FaultServer proxy;
  FaultServer direct;
  HttpClientConfig config;
  config.proxy = proxy.url("");
  config.no_proxy = "127.0.0.1";
  auto client = make_curl_http_client(config);
  ASSERT_TRUE(send_and_wait(*client, get(direct.url("/ok"))));
  EXPECT_EQ(direct.requests_served(), 1);
  EXPECT_EQ(proxy.connections_accepted(), 0);
}

TEST(HttpClientProxyTest, UnsetProxyFollowsTheEnvironment) {
  FaultServer proxy;
  ::setenv("http_proxy", proxy.url("").c_str(), 1);
  ::unsetenv("no_proxy");
  ::unsetenv("NO_PROXY");
  HttpClientConfig config;  // proxy unset: libcurl reads http_proxy itself
  auto client = make_curl_http_client(config);
  HttpResult r = send_and_wait(*client, get("http://upstream.invalid/from-env"));
  ::unsetenv("http_proxy");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(proxy.last_request().target, "http://upstream.invalid/from-env");

  HttpClientConfig disabled;
  disabled.proxy = "";
  ::setenv("http_proxy", proxy.url("").c_str(), 1);
  auto direct = make_curl_http_client(disabled);
  HttpResult refused = send_and_wait(*direct, get("http://upstream.invalid/no-proxy"));
  ::unsetenv("http_proxy");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, HttpErrorKind::resolve);
}

TEST(HttpClientProxyTest, HttpsTargetsTunnelThroughTheEnvironmentsHttpsProxy) {
  FaultServer proxy;
  ::setenv("HTTPS_PROXY", proxy.url("").c_str(), 1);
  ::unsetenv("no_proxy");
  ::unsetenv("NO_PROXY");
  auto client = make_curl_http_client(HttpClientConfig{});
  HttpResult r = send_and_wait(*client, get("https://upstream.invalid/v1/chat"));
  ::unsetenv("HTTPS_PROXY");
  ASSERT_FALSE(r);  // this proxy refuses tunnels
  EXPECT_EQ(r.error().kind, HttpErrorKind::connect) << r.error().message;
  RecordedRequest seen = proxy.last_request();
  EXPECT_EQ(seen.method, "CONNECT");
  EXPECT_EQ(seen.target, "upstream.invalid:443");
}

}  // namespace
}  // namespace triagent::test
