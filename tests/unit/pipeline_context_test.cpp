// Quoting untrusted values into PowerQuery and S1QL 1.0 (query_escape.hpp): every hostile value
// becomes exactly one literal (proved with a small literal scanner, under both readings of `\`
// for S1QL), and values that cannot be represented safely are refused without being echoed.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triagent/pipeline/query_escape.hpp"

namespace triagent {
namespace {

// One double-quoted literal starting at text[at]: where it ends (one past the closing quote) and
// what it says. With `backslash_escapes`, `\x` stands for x (PowerQuery, and S1QL if it escapes);
// without, a backslash is an ordinary character (S1QL if it does not).
struct Literal {
  std::size_t end = 0;
  std::string value;
};

std::optional<Literal> scan_literal(std::string_view text, std::size_t at, bool backslash_escapes) {
  if (at >= text.size() || text[at] != '"') return std::nullopt;
  Literal lit;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      lit.end = i + 1;
      return lit;
    }
    if (c == '\\' && backslash_escapes) {
      if (++i == text.size()) return std::nullopt;
      lit.value.push_back(text[i]);
      continue;
    }
    lit.value.push_back(c);
  }
  return std::nullopt;  // unterminated
}

const std::vector<std::string> kHostile = {
    R"(" or 1=1)",
    R"(" or 1=1 or ")",
    R"(WS-FIN-023" | columns secret | limit 10000 | ")",
    R"(a"b)",
    R"(\)",
    R"(x\)",
    R"(\")",
    R"(\\\")",
    R"(C:\Users\jsmith\)",
    R"(NORTHWIND\jsmith)",
    "| delete",
    "a|b||c",
    "'single' quotes",
    "*",
    "$serverHost = *",
    ") or (1=1",
    "}} {{host}}",
    "José Müller",
    "用户-λ-🙂",
    "",
};

bool contains_quote(const std::string& s) { return s.find('"') != std::string::npos; }

TEST(QueryEscapePowerQuery, EveryHostileValueIsExactlyOneLiteral) {
  for (const auto& value : kHostile) {
    auto quoted = quote_powerquery_string(value);
    ASSERT_TRUE(quoted) << value << ": " << quoted.error().message;
    auto lit = scan_literal(*quoted, 0, true);
    ASSERT_TRUE(lit) << *quoted;
    EXPECT_EQ(lit->end, quoted->size()) << *quoted;
    EXPECT_EQ(lit->value, value) << *quoted;
  }
}

TEST(QueryEscapePowerQuery, ALiteralInsideAQueryLeavesTheRestOfTheQueryIntact) {
  const std::string head = "serverHost = ";
  const std::string tail = " | columns timestamp, message | limit 10";
  for (const auto& value : kHostile) {
    const std::string query = head + *quote_powerquery_string(value) + tail;
    auto lit = scan_literal(query, head.size(), true);
    ASSERT_TRUE(lit) << query;
    EXPECT_EQ(query.substr(lit->end), tail) << query;
    EXPECT_EQ(lit->value, value);
  }
}

TEST(QueryEscapePowerQuery, EscapesOnlyBackslashAndDoubleQuote) {
  EXPECT_EQ(*quote_powerquery_string("WS-FIN-023"), R"("WS-FIN-023")");
  EXPECT_EQ(*quote_powerquery_string(R"(NORTHWIND\jsmith)"), R"("NORTHWIND\\jsmith")");
  EXPECT_EQ(*quote_powerquery_string(R"(" or 1=1)"), R"("\" or 1=1")");
  EXPECT_EQ(*quote_powerquery_string("it's | *"), R"("it's | *")");
  EXPECT_EQ(*quote_powerquery_string(""), R"("")");
  EXPECT_EQ(*quote_powerquery_string("用户"), "\"用户\"");
}

TEST(QueryEscapeS1ql, ValuesWithoutQuotesAreOneLiteralUnderBothReadingsOfBackslash) {
  for (const auto& value : kHostile) {
    if (contains_quote(value)) continue;
    auto quoted = quote_s1ql_string(value);
    ASSERT_TRUE(quoted) << value << ": " << quoted.error().message;
    // A server that reads `\` as an escape sees the value itself.
    auto escaping = scan_literal(*quoted, 0, true);
    ASSERT_TRUE(escaping) << *quoted;
    EXPECT_EQ(escaping->end, quoted->size());
    EXPECT_EQ(escaping->value, value);
    // One that does not still sees one literal ending at our closing quote.
    auto plain = scan_literal(*quoted, 0, false);
    ASSERT_TRUE(plain) << *quoted;
    EXPECT_EQ(plain->end, quoted->size()) << *quoted;
  }
}

TEST(QueryEscapeS1ql, ADoubleQuoteIsRefused) {
  for (const auto& value : kHostile) {
    if (!contains_quote(value)) continue;
    auto quoted = quote_s1ql_string(value);
    ASSERT_FALSE(quoted) << value;
    EXPECT_EQ(quoted.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(quoted.error().message.find("double quote"), std::string::npos);
  }
  EXPECT_EQ(*quote_s1ql_string("7D3F2A9C1B4E6F80"), R"("7D3F2A9C1B4E6F80")");
  EXPECT_EQ(*quote_s1ql_string(R"(C:\Windows\)"), R"("C:\\Windows\\")");
}

TEST(QueryEscape, ControlCharactersAndBrokenUtf8AreRefusedInBothLanguages) {
  const std::vector<std::string> refused = {
      "line\nbreak",
      "cr\rlf",
      "tab\there",
      std::string("nul\0byte", 8),
      "del\x7f",
      "nel\xc2\x85",
      "ls\xe2\x80\xa8",
      "ps\xe2\x80\xa9",
      "rlo\xe2\x80\xae",
      "lri\xe2\x81\xa6",
      "bad\xff",
      "overlong\xc0\xaf",
      "surrogate\xed\xa0\x80",
      "cut\xe2\x82",
      "esc\x1b[31m",
  };
  for (const auto& value : refused) {
    auto pq = quote_powerquery_string(value);
    auto s1 = quote_s1ql_string(value);
    EXPECT_FALSE(pq) << "PowerQuery accepted a value of " << value.size() << " bytes";
    EXPECT_FALSE(s1) << "S1QL accepted a value of " << value.size() << " bytes";
    if (!pq) {
      EXPECT_EQ(pq.error().code, ErrorCode::invalid_argument);
    }
  }
}

TEST(QueryEscape, LengthCapIsEnforced) {
  EXPECT_TRUE(quote_powerquery_string(std::string(kMaxQuotedValueBytes, 'a')));
  EXPECT_FALSE(quote_powerquery_string(std::string(kMaxQuotedValueBytes + 1, 'a')));
  EXPECT_FALSE(quote_s1ql_string(std::string(kMaxQuotedValueBytes + 1, 'a')));
  EXPECT_TRUE(quote_s1ql_string("abcd", 4));
  auto over = quote_s1ql_string("abcde", 4);
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().message.find("longer than 4 bytes"), std::string::npos);
}

TEST(QueryEscape, ErrorsNameTheRuleAndOffsetButNeverTheValue) {
  auto r = quote_powerquery_string("jsmith-private\nmallory");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("control character at byte 14"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("jsmith"), std::string::npos);
  EXPECT_EQ(r.error().message.find("mallory"), std::string::npos);
}

TEST(QueryEscape, ApiIdsAreCheckedNotQuoted) {
  EXPECT_EQ(*checked_api_id("2287651234567890101"), "2287651234567890101");
  EXPECT_EQ(*checked_api_id("019a8f3c-5b2d_7e41"), "019a8f3c-5b2d_7e41");
  const std::vector<std::string> bad_ids = {"",        "1 or 1=1",          "../notes", "7?limit=1000",
                                            "7/notes", std::string(65, '1')};
  for (const auto& bad : bad_ids) {
    EXPECT_FALSE(checked_api_id(bad)) << bad;
  }
}

}  // namespace
}  // namespace triagent
