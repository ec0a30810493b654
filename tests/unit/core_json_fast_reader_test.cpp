// read_json_fast against nlohmann's parser: whatever it accepts must be the value nlohmann builds,
// type for type (an unsigned is not a signed, -0.0 is not 0.0), and parse_untrusted_json must
// answer every text as it did with nlohmann's parser alone.
#include "core/json_fast_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "triagent/core/json_safety.hpp"

namespace triagent {
namespace {

using json = nlohmann::json;

// Equal values of equal types all the way down, doubles bit for bit.
bool same(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !same(*ia, *ib)) return false;
      }
      return true;
    }
    case json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
      }
      return true;
    }
    case json::value_t::number_float: {
      const double x = a.get<double>(), y = b.get<double>();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    default: return a == b;
  }
}

std::optional<json> nlohmann_parse(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

// Random JSON texts built to reach every branch of both readers: escapes of each kind, \u escapes
// with surrogates paired and alone, multi-byte and broken UTF-8, numbers at every limit,
// repeated keys, odd whitespace; a share of them then damaged by one byte.
class TextMaker {
 public:
  explicit TextMaker(unsigned seed) : rng_(seed) {}

  std::string document() {
    std::string out;
    space(out);
    value(out, 0);
    space(out);
    if (pick(4) == 0) damage(out);
    return out;
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  void space(std::string& out) {
    static const char* kSpaces[] = {"", "", "", " ", "\n", "\r\n\t ", "\x0b"};
    out += kSpaces[pick(std::size(kSpaces))];
  }

  void value(std::string& out, int depth) {
    switch (depth > 4 ? 2 + pick(4) : pick(6)) {
      case 0: object(out, depth + 1); break;
      case 1: array(out, depth + 1); break;
      case 2:
      case 3: string(out); break;
      case 4: number(out); break;
      default: {
        static const char* kLiterals[] = {"true", "false", "null", "tru", "nul", "True"};
        out += kLiterals[pick(std::size(kLiterals))];
      }
    }
  }

  void object(std::string& out, int depth) {
    out += '{';
    const std::size_t n = pick(5);
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) out += ',';
      space(out);
      static const char* kKeys[] = {"\"a\"", "\"b\"", "\"id\"", "\"a\\u0062\"", "\"\"", "\"k\\n\"", "\"\xc3\xa9\""};
      out += pick(3) == 0 ? random_string() : std::string(kKeys[pick(std::size(kKeys))]);
      space(out);
      out += ':';
      space(out);
      value(out, depth);
    }
    space(out);
    out += '}';
  }

  void array(std::string& out, int depth) {
    out += '[';
    const std::size_t n = pick(5);
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) out += ',';
      space(out);
      value(out, depth);
    }
    out += ']';
  }

  void string(std::string& out) { out += random_string(); }

  std::string random_string() {
    static const char* kPieces[] = {
        "plain", "C:\\\\Windows\\\\System32", "\\\"", "\\/", "\\b\\f\\n\\r\\t", "\\u0041", "\\u00e9", "\\u20AC",
        "\\u0000", "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\ud83dx", "\\u12", "\\x", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x98\x80", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\x01", "\x7f", " ",
        "sixteen bytes ok", "0123456789abcdefghijklmnopqrstuv"};
    std::string s = "\"";
    const std::size_t n = pick(6);
    for (std::size_t i = 0; i < n; ++i) s += kPieces[pick(std::size(kPieces))];
    return s + "\"";
  }

  void number(std::string& out) {
    static const char* kNumbers[] = {
        "0", "-0", "7", "-7", "42", "999999999999999999", "-999999999999999999", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
        "18446744073709551616", "123456789012345678901234567890", "0.5", "-0.0", "1.50", "1e5", "1E+5", "2e-3",
        "1e308", "1.7976931348623157e308", "1e309", "1e999", "-1e999", "4.9e-324", "1e-400", "0.1e1", "01", "1.",
        ".5", "-", "+1", "1e", "0x10", "00", "1.2.3",
        "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000001"};
    if (pick(3) == 0) {
      out += std::to_string(static_cast<std::int64_t>(rng_()) - static_cast<std::int64_t>(rng_()));
    } else {
      out += kNumbers[pick(std::size(kNumbers))];
    }
  }

  void damage(std::string& out) {
    if (out.empty()) return;
    const std::size_t at = pick(out.size());
    switch (pick(3)) {
      case 0: out.erase(at, 1); break;
      case 1: out.insert(at, 1, "{}[]\",:\\ 0a\xff"[pick(13)]); break;
      default: out[at] = "{}[]\",:\\ 0a\xff"[pick(13)];
    }
  }

  std::mt19937 rng_;
};

TEST(JsonFastReader, AcceptsOnlyWhatNlohmannReadsAndBuildsTheSameValue) {
  TextMaker maker(20261123);
  int accepted = 0, valid = 0;
  for (int i = 0; i < 40'000; ++i) {
    const std::string text = maker.document();
    const auto reference = nlohmann_parse(text);
    const bool within_depth = json_nesting_depth(text, kMaxJsonDepth) <= kMaxJsonDepth;
    if (reference && within_depth) ++valid;
    const auto fast = detail::read_json_fast(text, kMaxJsonDepth);
    if (fast) {
      ++accepted;
      ASSERT_TRUE(reference) << "accepted what nlohmann refuses: " << text;
      ASSERT_TRUE(same(*fast, *reference)) << text << "\nfast: " << fast->dump() << "\nnlohmann: " << reference->dump();
    }
    // The caller's answer is nlohmann's, whichever reader gave it.
    const auto answer = parse_untrusted_json(text);
    ASSERT_EQ(answer.has_value(), reference.has_value() && within_depth) << text;
    if (answer) {
      ASSERT_TRUE(same(*answer, *reference)) << text;
    }
  }
  // The fast reader takes most valid texts (it declines only the rare forms), so the comparison
  // above is not vacuous.
  EXPECT_GT(valid, 10'000);
  EXPECT_GT(accepted * 10, valid * 7) << accepted << " of " << valid;
}

TEST(JsonFastReader, NumbersKeepNlohmannsTypes) {
  auto read = [](const char* text) { return detail::read_json_fast(text, kMaxJsonDepth); };
  EXPECT_TRUE(read("7")->is_number_unsigned());
  EXPECT_TRUE(read("-7")->is_number_integer() && !read("-7")->is_number_unsigned());
  EXPECT_EQ(read("-0")->get<std::int64_t>(), 0);
  EXPECT_TRUE(read("-0")->is_number_integer());
  EXPECT_EQ(read("18446744073709551615")->get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_TRUE(read("18446744073709551616")->is_number_float());
  EXPECT_TRUE(read("-9223372036854775809")->is_number_float());
  EXPECT_TRUE(std::signbit(read("-0.0")->get<double>()));
  EXPECT_FALSE(read("1e999"));  // nlohmann's error, given by nlohmann
  EXPECT_FALSE(read("01"));
}

TEST(JsonFastReader, DeclinesWhatItLeavesToNlohmann) {
  for (const char* text : {"\xEF\xBB\xBF{}", R"("\ud83d\ude00")", R"({"a":1)", "", "   ", "[1,]", "{\"a\":1,}"}) {
    EXPECT_FALSE(detail::read_json_fast(text, kMaxJsonDepth)) << text;
  }
  // Still answered as before: the BOM and the surrogate pair by nlohmann's reading.
  EXPECT_TRUE(parse_untrusted_json("\xEF\xBB\xBF{}"));
  EXPECT_EQ(parse_untrusted_json(R"("\ud83d\ude00")")->get<std::string>(), "\xf0\x9f\x98\x80");
}

TEST(JsonFastReader, ARepeatedKeyKeepsItsLastValue) {
  const auto j = detail::read_json_fast(R"({"a":1,"b":2,"a":{"c":3}})", kMaxJsonDepth);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->dump(), R"({"a":{"c":3},"b":2})");
}

TEST(JsonFastReader, NestingPastTheLimitIsDeclined) {
  const std::string at_limit = std::string(64, '[') + std::string(64, ']');
  const std::string past = std::string(65, '[') + std::string(65, ']');
  EXPECT_TRUE(detail::read_json_fast(at_limit, 64));
  EXPECT_FALSE(detail::read_json_fast(past, 64));
}

}  // namespace
}  // namespace triagent
