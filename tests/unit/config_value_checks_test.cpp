#include <gtest/gtest.h>

#include "config/value_checks.hpp"

namespace triagent::config_detail {
namespace {

TEST(ParseUnsigned, AcceptsOnlyPlainDecimal) {
  EXPECT_EQ(parse_unsigned("0"), 0u);
  EXPECT_EQ(parse_unsigned("1024"), 1024u);
  EXPECT_EQ(parse_unsigned("007"), 7u);
  EXPECT_EQ(parse_unsigned("18446744073709551615"), 18446744073709551615ull);
  EXPECT_FALSE(parse_unsigned("18446744073709551616"));
  EXPECT_FALSE(parse_unsigned(""));
  EXPECT_FALSE(parse_unsigned("-1"));
  EXPECT_FALSE(parse_unsigned("+1"));
  EXPECT_FALSE(parse_unsigned(" 1"));
  EXPECT_FALSE(parse_unsigned("1.5"));
  EXPECT_FALSE(parse_unsigned("0x10"));
  EXPECT_FALSE(parse_unsigned("1e3"));
  EXPECT_FALSE(parse_unsigned("10_000"));
}

TEST(ListenAddress, AcceptsHostPortForms) {
  for (const char* ok : {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "[::]:65535", "[::ffff:10.0.0.1]:1",
                         "localhost:80", "triagent.example.com:443", "my-host:9000"}) {
    EXPECT_EQ(listen_address_problem(ok), std::nullopt) << ok;
  }
}

TEST(ListenAddress, RejectsMalformedAddresses) {
  for (const char* bad : {"",
                          "127.0.0.1",
                          "127.0.0.1:",
                          ":8080",
                          "127.0.0.1:65536",
                          "127.0.0.1:-1",
                          "127.0.0.1:http",
                          "127.0.0.1:000080",
                          "::1:8080",
                          "[::1]8080",
                          "[::1]",
                          "[::1:8080",
                          "[zz]:80",
                          "[127.0.0.1]:80",
                          "256.1.1.1:80",
                          "1.2.3:80",
                          "bad_host:80",
                          "-host:80",
                          "host-:80",
                          "a..b:80",
                          "host name:80"}) {
    EXPECT_NE(listen_address_problem(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(*listen_address_problem("::1:80"), "an IPv6 address must be in brackets, as in [::1]:8080");
}

TEST(JsonPointer, FollowsRfc6901) {
  for (const char* ok : {"", "/", "/id", "/a/b/0", "/a~0b", "/a~1b", "/ spaces ok", "//"}) {
    EXPECT_TRUE(is_json_pointer(ok)) << ok;
  }
  for (const char* bad : {"id", "a/b", "/a~", "/a~2", "/~x", "#/id"}) {
    EXPECT_FALSE(is_json_pointer(bad)) << bad;
  }
}

TEST(QuotedForMessage, EscapesControlBytesAndCutsLongText) {
  EXPECT_EQ(quoted_for_message("abc"), "'abc'");
  EXPECT_EQ(quoted_for_message("a\nb\x1b"), "'a\\x0ab\\x1b'");
  EXPECT_EQ(quoted_for_message(std::string(100, 'x')), "'" + std::string(64, 'x') + "...'");
}

}  // namespace
}  // namespace triagent::config_detail
