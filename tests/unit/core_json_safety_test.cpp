#include "triagent/core/json_safety.hpp"

#include <gtest/gtest.h>

#include <string>

namespace triagent {
namespace {

TEST(JsonSafety, CountsNestingOutsideStrings) {
  EXPECT_EQ(json_nesting_depth(R"({"a":[1,{"b":2}]})", 64), 3);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[{{{{\"]]"})", 64), 1);
  EXPECT_EQ(json_nesting_depth("42", 64), 0);
}

TEST(JsonSafety, StopsCountingPastTheLimit) {
  std::string deep(100'000, '[');
  EXPECT_EQ(json_nesting_depth(deep, 64), 65);
}

TEST(JsonSafety, ParsesWithinTheLimit) {
  auto j = parse_untrusted_json(R"({"data":[{"id":"7"}]})");
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ((*j)["data"][0]["id"], "7");
}

TEST(JsonSafety, RefusesDeepNestingBeforeParsing) {
  std::string deep = std::string(65, '[') + std::string(65, ']');
  auto j = parse_untrusted_json(deep);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(j.error().message, "JSON nested deeper than 64 levels");
  EXPECT_TRUE(parse_untrusted_json(std::string(64, '[') + std::string(64, ']')));
}

TEST(JsonSafety, NamesTheByteOfMalformedInput) {
  auto j = parse_untrusted_json(R"({"a": tru})");
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("malformed JSON at byte"), std::string::npos);
}

// nlohmann throws out_of_range, not parse_error, for a number beyond a double; it must still be a
// plain invalid_argument (a webhook answered 400), not an exception that escapes to the caller.
TEST(JsonSafety, RefusesANumberBeyondADoubleAsMalformed) {
  for (const char* text : {R"({"a": 1e999})", R"([-1e999])", "1E400"}) {
    auto j = parse_untrusted_json(text);
    ASSERT_FALSE(j) << text;
    EXPECT_EQ(j.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(j.error().message, "malformed JSON: a number is out of range");
  }
  EXPECT_TRUE(parse_untrusted_json(R"({"a": 1e300})"));
}

}  // namespace
}  // namespace triagent
