// append_json_string must write what nlohmann's dump(-1, ' ', false, replace) writes, byte for
// byte: the analyzer's input (and so its verdicts) must not change with the faster writer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "triagent/core/json_string_writer.hpp"

namespace triagent {
namespace {

std::string expected(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonStringWriter, MatchesNlohmannOnNamedCases) {
  const std::string cases[] = {
      "",
      "plain",
      "quote \" backslash \\ slash /",
      std::string("\b\f\n\r\t\x01\x1f\x7f", 8),
      std::string("nul \0 inside", 12),
      "powershell.exe -enc SQBFAFgA",
      "C:\\Users\\jdoe\\AppData\\Local\\Temp\\x.ps1",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92",                // valid 2, 3 and 4 byte sequences
      "bad \xff byte", "lone \xc3", "overlong \xc0\xaf", "surrogate \xed\xa0\x80", "too big \xf4\x90\x80\x80",
      "truncated \xe2\x82", "\xe2\x82",
  };
  for (const auto& s : cases) EXPECT_EQ(written(s), expected(s)) << s;
}

TEST(JsonStringWriter, MatchesNlohmannOnRandomBytes) {
  std::mt19937 rng(7);
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 12, '\0');
    // Mostly bytes around the UTF-8 boundaries, where the two could disagree.
    for (char& c : s) {
      static const unsigned char interesting[] = {0x00, 0x1f, 0x20, 0x22, 0x5c, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
                                                  0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
      c = static_cast<char>(rng() % 3 == 0 ? rng() % 256 : interesting[rng() % sizeof interesting]);
    }
    ASSERT_EQ(written(s), expected(s));
  }
}

}  // namespace
}  // namespace triagent
