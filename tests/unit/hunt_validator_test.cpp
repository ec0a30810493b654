// PowerQuery parser, printer and validator: valid and invalid queries, error positions, limits,
// the field catalogue and the command allow-list.
#include <gtest/gtest.h>

#include "hunt_test_support.hpp"
#include "triagent/hunt/power_query_parser.hpp"
#include "triagent/hunt/power_query_printer.hpp"
#include "triagent/hunt/power_query_validator.hpp"

namespace triagent::hunt {
namespace {

ValidatedQuery check(std::string_view text, HuntPolicy policy = {}) {
  return validate_power_query(text, policy, hunt_test::catalogue());
}

std::string first_error(std::string_view text) {
  auto v = check(text);
  return v.errors.empty() ? "(valid: " + v.text + ")" : v.errors.front().text();
}

TEST(HuntParser, ParsesTheReferenceExamples) {
  auto v = check(
      "dataSource.name='SentinelOne' src.process.storyline.id = \"A8F6CB4CB9AE09A1\"\n"
      "| columns event.time, event.type, endpoint.name, src.process.name, src.process.cmdline, tgt.file.path, "
      "dst.ip.address\n| sort event.time | limit 200");
  ASSERT_TRUE(v.ok) << v.error_text();
  EXPECT_EQ(v.text,
            "dataSource.name = \"SentinelOne\" and src.process.storyline.id = \"A8F6CB4CB9AE09A1\" | columns event.time, "
            "event.type, endpoint.name, src.process.name, src.process.cmdline, tgt.file.path, dst.ip.address | sort "
            "event.time | limit 200");
  auto g = check(
      "event.type = \"Login\" event.login.loginIsSuccessful = false\n"
      "| group fails = count(), srcs = estimate_distinct(src.ip.address) by endpoint.name, event.login.userName\n"
      "| filter fails > 5 | sort -fails | limit 50");
  ASSERT_TRUE(g.ok) << g.error_text();
  EXPECT_EQ(g.text,
            "event.type = \"Login\" and event.login.loginIsSuccessful = false | group fails = count(), srcs = "
            "estimate_distinct(src.ip.address) by endpoint.name, event.login.userName | filter fails > 5 | sort -fails "
            "| limit 50");
}

TEST(HuntParser, OperatorsQuotingAndPrecedence) {
  auto v = check("(event.category in ('dns','url','ip')) and dst.ip.address contains \"192.168.\" "
                 "|| not tgt.process.image.path matches \"foo\\.*bar\" && src.process.pid >= 4");
  ASSERT_TRUE(v.ok) << v.error_text();
  EXPECT_EQ(v.text, "event.category in (\"dns\", \"url\", \"ip\") and dst.ip.address contains \"192.168.\" or not "
                    "tgt.process.image.path matches \"foo\\\\.*bar\" and src.process.pid >= 4 | limit 100");
  auto p = check("(a.b = 1 or src.process.pid = 2) and src.process.name == 'x\\'y' | limit 5",
                 HuntPolicy{});
  EXPECT_FALSE(p.ok);  // a.b is unknown
  auto q = check("(src.process.pid = 1 or src.process.pid = 2) and src.process.name == 'x\\'y' | limit 5");
  ASSERT_TRUE(q.ok) << q.error_text();
  EXPECT_EQ(q.text, "(src.process.pid = 1 or src.process.pid = 2) and src.process.name = \"x'y\" | limit 5");
  auto s = check("$\"src.process.name\" contains:anycase 'PowerShell' $serverHost = * | limit 5");
  ASSERT_TRUE(s.ok) << s.error_text();
  EXPECT_EQ(s.text, "src.process.name contains:anycase \"PowerShell\" and serverHost = * | limit 5");
}

TEST(HuntParser, CanonicalTextParsesToTheSameText) {
  for (const char* q : {"event.type = 'Login' | group n = count() as m by endpoint.name | sort -m",
                        "message contains 'a\"b\\\\c' powershell \"two words\" | columns x = src.process.pid + 1, "
                        "src.process.name | sort x",
                        "not (src.process.pid < -3 or src.process.pid > 9) | let y = number(src.process.pid) * 2 | "
                        "filter y > 4"}) {
    auto v = check(q);
    ASSERT_TRUE(v.ok) << q << ": " << v.error_text();
    auto again = check(v.text);
    ASSERT_TRUE(again.ok) << v.text << ": " << again.error_text();
    EXPECT_EQ(again.text, v.text);
  }
}

// Found by hunt_parser_fuzz: "(word) = value" in the initial filter read the word as a search
// term, so an unknown field passed and came back as a field when its canonical text was checked.
TEST(HuntParser, AParenthesizedOperandBeforeAnOperatorIsAFieldNotASearchTerm) {
  auto v = check("(src.process.name) = \"cmd.exe\"");
  ASSERT_TRUE(v.ok) << v.error_text();
  EXPECT_EQ(v.text, "src.process.name = \"cmd.exe\" | limit 100");
  auto values = check("((\"a\")) = src.process.name (7) in (7, 8)");
  ASSERT_TRUE(values.ok) << values.error_text();
  EXPECT_EQ(check(values.text).text, values.text);
  EXPECT_EQ(first_error("(ndpHHHHoi1)=\"\\\\\""),
            "position 1: unknown field 'ndpHHHHoi1' (not in the field catalogue)");
  EXPECT_EQ(first_error("(powershell mimikatz) = 1"),
            "position 1: 'powershell' is a search term, not a value to compare; compare a field, e.g. field = value");
  EXPECT_EQ(first_error("src.process.pid=-(axupper)"), "position 18: unknown field 'axupper' (not in the field catalogue)");
  EXPECT_EQ(first_error("src.process.pid > 1 + (xyz)"), "position 23: unknown field 'xyz' (not in the field catalogue)");
  auto term = check("(powershell) src.process.name = \"x\"");  // a term that no operator follows stays one
  ASSERT_TRUE(term.ok) << term.error_text();
  EXPECT_EQ(term.text, "powershell and src.process.name = \"x\" | limit 100");
}

// Found by hunt_parser_fuzz: "- 1" printed as "-1", which then read as the search term "-1".
TEST(HuntValidator, ArithmeticIsNoCondition) {
  EXPECT_EQ(first_error("- 1"), "position 0: expected a condition, got the arithmetic '-1'");
  EXPECT_EQ(first_error("src.process.name = 'x' and src.process.pid + 1"),
            "position 27: expected a condition, got the arithmetic 'src.process.pid + 1'");
  EXPECT_EQ(first_error("src.process.name = 'x' | filter not (src.process.pid * 2)"),
            "position 37: expected a condition, got the arithmetic 'src.process.pid * 2'");
  auto v = check("-1 src.process.pid + 1 > 2");  // a negative number is a search term; arithmetic compares
  ASSERT_TRUE(v.ok) << v.error_text();
  EXPECT_EQ(v.text, "\"-1\" and src.process.pid + 1 > 2 | limit 100");
}

TEST(HuntValidator, ErrorsCarryTheirPosition) {
  EXPECT_EQ(first_error("src.process.name == "), "position 20: expected a value after '=='");
  EXPECT_EQ(first_error("src.process.name = 'x' and"), "position 26: expected a condition after 'and'");
  EXPECT_EQ(first_error("src.process.name = \"abc"), "position 19: unterminated string literal");
  EXPECT_EQ(first_error("(src.process.pid = 1"), "position 20: expected ')' to close the '(' at position 0");
  EXPECT_EQ(first_error("src.process.pid in 1, 2"), "position 19: expected '(' after 'in'");
  EXPECT_EQ(first_error("src.process.pid = 1 | limit ten"), "position 28: expected a number after 'limit', got 'ten'");
  EXPECT_EQ(first_error("src.process.pid = 1 | "), "position 22: expected a command name after '|'");
  EXPECT_EQ(first_error("src.process.pid = 1 ; drop"), "position 20: unexpected character ';'");
  EXPECT_EQ(first_error("src.process.nmae = 'x'"), "position 0: unknown field 'src.process.nmae' (did you mean 'src.process.name'?)");
  EXPECT_EQ(first_error("src.process.pid = 1 | group n = count() by endpoint.name | sort -src.process.name"),
            "position 65: unknown field 'src.process.name': after columns/group only these names exist: endpoint.name, n");
  EXPECT_EQ(first_error("src.process.pid = 1 | columns foo(src.process.name)"), "position 30: unknown function 'foo'");
  EXPECT_EQ(first_error("src.process.pid = 1 | group n = count_distinct(src.process.name)"),
            "position 32: count_distinct is not supported; use estimate_distinct(field)");
  EXPECT_EQ(first_error("src.process.pid = 1 | filter * contains 'x'"),
            "position 29: '*' may only be searched with contains or matches in the initial filter");
}

TEST(HuntValidator, RefusesBareWildcardAndEmptyFilters) {
  EXPECT_EQ(first_error("*"), "position 0: the initial filter is empty or a bare '*'; start with at least one field "
                              "condition (e.g. event.type = \"Process Creation\")");
  EXPECT_FALSE(check("* | limit 5").ok);
  EXPECT_FALSE(check("| group n = count() by endpoint.name").ok);
  EXPECT_FALSE(check("").ok);
  EXPECT_FALSE(check("* or *").ok);
  EXPECT_TRUE(check("* contains 'mimikatz'").ok);
  EXPECT_TRUE(check("mimikatz").ok);
}

TEST(HuntValidator, AppendsAndCapsTheLimit) {
  auto added = check("src.process.name = 'x'");
  ASSERT_TRUE(added.ok);
  EXPECT_TRUE(added.limit_added);
  EXPECT_EQ(added.text, "src.process.name = \"x\" | limit 100");
  auto capped = check("src.process.name = 'x' | limit 50000");
  ASSERT_TRUE(capped.ok);
  EXPECT_TRUE(capped.limit_capped);
  EXPECT_EQ(capped.text, "src.process.name = \"x\" | limit 1000");
  auto mid = check("src.process.name = 'x' | limit 5 | sort -timestamp");
  ASSERT_TRUE(mid.ok);
  EXPECT_EQ(mid.text, "src.process.name = \"x\" | limit 5 | sort -timestamp | limit 100");
  HuntPolicy small;
  small.default_limit = 20;
  small.max_limit = 30;
  EXPECT_EQ(check("src.process.name = 'x' | limit 31", small).text, "src.process.name = \"x\" | limit 30");
  EXPECT_EQ(check("src.process.name = 'x'", small).text, "src.process.name = \"x\" | limit 20");
}

TEST(HuntValidator, FieldsDefinedByLetColumnsAndGroupAreKnown) {
  EXPECT_TRUE(check("src.process.pid = 1 | let big = src.process.pid > 100 | filter big = true").ok);
  EXPECT_TRUE(check("src.process.pid = 1 | columns p = src.process.name | sort p").ok);
  EXPECT_FALSE(check("src.process.pid = 1 | columns p = src.process.name | sort src.process.pid").ok);
  EXPECT_TRUE(check("src.process.pid = 1 | group count() by endpoint.name | sort -count").ok);
  EXPECT_FALSE(check("src.process.pid = 1 | group endpoint.name").ok);  // not an aggregate
  EXPECT_FALSE(check("src.process.pid = 1 | filter count() > 1").ok);  // aggregate outside group
}

TEST(HuntValidator, BareWordsOnTheValueSideAreLiterals) {
  auto v = check("dst.ip.address = 10.0.0.5 and endpoint.name = WS-FIN-023");
  // '-' is not part of a word: WS-FIN-023 is an expression, so it is refused rather than guessed.
  EXPECT_FALSE(v.ok);
  auto w = check("dst.ip.address = 10.0.0.5 and endpoint.name = WSFIN023");
  ASSERT_TRUE(w.ok) << w.error_text();
  EXPECT_EQ(w.text, "dst.ip.address = \"10.0.0.5\" and endpoint.name = \"WSFIN023\" | limit 100");
}

TEST(HuntValidator, OnlyAllowListedCommandsRun) {
  auto nolimit = check("src.process.name = 'x' | nolimit");
  ASSERT_FALSE(nolimit.ok);
  EXPECT_EQ(nolimit.errors.front().text(),
            "position 25: command 'nolimit' is not allowed (allowed: filter, columns, let, group, sort, limit)");
  auto save = check("src.process.name = 'x' | savelookup 'stolen'");
  ASSERT_FALSE(save.ok);
  EXPECT_EQ(save.errors.front().text(), "position 25: command 'savelookup' writes data and is never allowed in a hunt");
  HuntPolicy lax;
  lax.allowed_commands.push_back("savelookup");  // a config cannot re-enable a writing command
  EXPECT_FALSE(check("src.process.name = 'x' | savelookup 'stolen'", lax).ok);
  lax.allowed_commands.push_back("lookup");
  EXPECT_TRUE(check("src.process.name = 'x' | lookup a from 'table' by b", lax).ok);
  EXPECT_FALSE(check("src.process.name = 'x' | lookup a from 'table' by b").ok);
}

TEST(HuntValidator, RefusesOverlongQueries) {
  std::string q = "src.process.name = '" + std::string(10'100, 'a') + "'";
  EXPECT_FALSE(check(q).ok);
}

TEST(HuntParser, DeepNestingIsAnErrorNotACrash) {
  std::string q(5000, '(');
  EXPECT_FALSE(parse_power_query(q));
  std::string n;
  for (int i = 0; i < 5000; ++i) n += "not ";
  EXPECT_FALSE(parse_power_query(n + "a = 1"));
}

}  // namespace
}  // namespace triagent::hunt
