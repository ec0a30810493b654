#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config_test_support.hpp"
#include "triagent/config/interpolate.hpp"

namespace triagent {
namespace {

using config_testing::FakeEnvironment;
using config_testing::TempDir;

const FakeEnvironment kEnv{
    {"NAME", "value"}, {"EMPTY", ""}, {"OTHER", "other"}, {"SECRET", "s3cr3t-v4lue-do-not-show"}};

std::string ok(std::string_view text, const Environment& env = kEnv) {
  auto r = interpolate(text, env);
  EXPECT_TRUE(r.has_value()) << text << " -> " << (r ? "" : r.error().message);
  return r ? *r : std::string("<error>");
}

std::string err(std::string_view text, const Environment& env = kEnv) {
  auto r = interpolate(text, env);
  EXPECT_FALSE(r.has_value()) << text << " unexpectedly gave '" << (r ? *r : "") << "'";
  if (r) return "";
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message.find("s3cr3t"), std::string::npos) << r.error().message;
  return r.error().message;
}

TEST(Interpolate, LeavesPlainTextAlone) {
  EXPECT_EQ(ok(""), "");
  EXPECT_EQ(ok("plain text {with} braces}"), "plain text {with} braces}");
}

TEST(Interpolate, ExpandsBareAndBracedVariables) {
  EXPECT_EQ(ok("$NAME"), "value");
  EXPECT_EQ(ok("${NAME}"), "value");
  EXPECT_EQ(ok("a${NAME}b"), "avalueb");
  EXPECT_EQ(ok("$NAME-x $OTHER.y"), "value-x other.y");
  EXPECT_EQ(ok("${NAME}${OTHER}"), "valueother");
  EXPECT_EQ(ok("${EMPTY}"), "");
  EXPECT_EQ(ok("$EMPTY"), "");
}

TEST(Interpolate, UnsetVariableIsAnErrorNamingIt) {
  EXPECT_EQ(err("${MISSING}"), "environment variable MISSING is not set");
  EXPECT_EQ(err("prefix $MISSING suffix"), "environment variable MISSING is not set");
}

TEST(Interpolate, ColonDashDefaultsWhenUnsetOrEmpty) {
  EXPECT_EQ(ok("${MISSING:-fallback}"), "fallback");
  EXPECT_EQ(ok("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(ok("${NAME:-fallback}"), "value");
  EXPECT_EQ(ok("${MISSING:-}"), "");
  EXPECT_EQ(ok("${MISSING:-127.0.0.1:8080}"), "127.0.0.1:8080");
  EXPECT_EQ(ok("${MISSING:-a b:c-d?e{f}"), "a b:c-d?e{f");
}

TEST(Interpolate, DashDefaultsOnlyWhenUnset) {
  EXPECT_EQ(ok("${MISSING-fallback}"), "fallback");
  EXPECT_EQ(ok("${EMPTY-fallback}"), "");
  EXPECT_EQ(ok("${NAME-fallback}"), "value");
}

TEST(Interpolate, DefaultsMayNestAndAreExpandedOnlyWhenUsed) {
  EXPECT_EQ(ok("${MISSING:-${NAME}}"), "value");
  EXPECT_EQ(ok("${MISSING:-x${OTHER}y}"), "xothery");
  EXPECT_EQ(ok("${MISSING:-${ALSO_MISSING:-deep}}"), "deep");
  EXPECT_EQ(ok("${MISSING:-$$}"), "$");
  // The unused default names an unset variable and a missing file: neither is looked at.
  EXPECT_EQ(ok("${NAME:-${ALSO_MISSING}}"), "value");
  EXPECT_EQ(ok("${NAME:-${file:/nonexistent/triagent/secret}}"), "value");
  EXPECT_EQ(err("${MISSING:-${ALSO_MISSING}}"), "environment variable ALSO_MISSING is not set");
  // Syntax is still checked in an unused default.
  err("${NAME:-$}");
  err("${NAME:-${1}}");
}

TEST(Interpolate, QuestionFormsFailWithTheMessage) {
  EXPECT_EQ(err("${MISSING:?set it to the API key}"), "environment variable MISSING is not set: set it to the API key");
  EXPECT_EQ(err("${EMPTY:?must not be empty}"), "environment variable EMPTY is empty: must not be empty");
  EXPECT_EQ(err("${MISSING:?}"), "environment variable MISSING is not set");
  EXPECT_EQ(ok("${NAME:?unused}"), "value");
  EXPECT_EQ(err("${MISSING?needed}"), "environment variable MISSING is not set: needed");
  EXPECT_EQ(ok("${EMPTY?needed}"), "");
  EXPECT_EQ(ok("${NAME?needed}"), "value");
  // A message is literal text: no expansion, so it can never echo a value.
  EXPECT_EQ(err("${MISSING:?see $SECRET}"), "environment variable MISSING is not set: see $SECRET");
}

TEST(Interpolate, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(ok("$$"), "$");
  EXPECT_EQ(ok("$$$$"), "$$");
  EXPECT_EQ(ok("pa$$word"), "pa$word");
  EXPECT_EQ(ok("$${NAME}"), "${NAME}");
  EXPECT_EQ(ok("$$$NAME"), "$value");
}

TEST(Interpolate, MalformedExpressionsAreErrors) {
  EXPECT_NE(err("$").find("write '$$'"), std::string::npos);
  EXPECT_NE(err("cost: 5$").find("write '$$'"), std::string::npos);
  EXPECT_NE(err("$5").find("write '$$'"), std::string::npos);
  EXPECT_NE(err("a $ b").find("write '$$'"), std::string::npos);
  EXPECT_EQ(err("${"), "'${' must be followed by a variable name or 'file:'");
  EXPECT_EQ(err("${}"), "'${' must be followed by a variable name or 'file:'");
  EXPECT_EQ(err("${1ABC}"), "'${' must be followed by a variable name or 'file:'");
  EXPECT_EQ(err("${NAME"), "unterminated '${'");
  EXPECT_EQ(err("${NAME:-abc"), "unterminated '${'");
  EXPECT_EQ(err("${NAME:?abc"), "unterminated '${'");
  EXPECT_EQ(err("${file:/etc/hostname"), "unterminated '${'");
  EXPECT_EQ(err("${NAME:"), "expected '}', ':-', '-', ':?' or '?' after the variable name NAME");
  EXPECT_EQ(err("${NAME+x}"), "expected '}', ':-', '-', ':?' or '?' after the variable name NAME");
  EXPECT_EQ(err("${NAME:=x}"), "expected '}', ':-', '-', ':?' or '?' after the variable name NAME");
  EXPECT_EQ(err("${file:}"), "'${file:}' needs a path");
}

TEST(Interpolate, RefusesDeepNesting) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "${A:-";
  text += "x";
  for (int i = 0; i < 50; ++i) text += "}";
  EXPECT_EQ(err(text), "interpolation is nested too deeply");
  EXPECT_EQ(ok("${A:-${B:-${C:-${D:-x}}}}"), "x");
}

TEST(Interpolate, RejectsNewlinesWithoutShowingTheValue) {
  const FakeEnvironment env{{"MULTI", "line1\nline2"}, {"CR", "a\rb"}, {"NUL", std::string("a\0b", 3)}};
  EXPECT_EQ(err("${MULTI}", env), "value would contain a newline");
  EXPECT_EQ(err("${CR}", env), "value would contain a newline");
  EXPECT_EQ(err("x\ny", env), "value would contain a newline");
  EXPECT_EQ(err("${NUL}", env), "value would contain a NUL byte");
  EXPECT_EQ(err("${MISSING:-a\nb}", env), "value would contain a newline");
}

TEST(Interpolate, ReadsFileSecretsTrimmingOneNewline) {
  TempDir dir;
  EXPECT_EQ(ok("${file:" + dir.write("plain", "token-from-file") + "}"), "token-from-file");
  EXPECT_EQ(ok("${file:" + dir.write("lf", "token-from-file\n") + "}"), "token-from-file");
  EXPECT_EQ(ok("${file:" + dir.write("crlf", "token-from-file\r\n") + "}"), "token-from-file");
  EXPECT_EQ(ok("${file:" + dir.write("empty", "") + "}"), "");
  EXPECT_EQ(ok("Bearer ${file:" + dir.write("mixed", "abc\n") + "}!"), "Bearer abc!");
  EXPECT_EQ(ok("${MISSING:-${file:" + dir.write("fallback", "from-file\n") + "}}"), "from-file");
  // Only one newline goes; what is left is still a newline and is refused.
  EXPECT_EQ(err("${file:" + dir.write("two", "token\n\n") + "}"), "value would contain a newline");
  EXPECT_EQ(err("${file:" + dir.write("inner", "to\nken") + "}"), "value would contain a newline");
}

TEST(Interpolate, FileErrorsNameThePathButNotTheContent) {
  TempDir dir;
  const std::string missing = dir.path() + "/absent";
  EXPECT_EQ(err("${file:" + missing + "}"), "cannot read file '" + missing + "': No such file or directory");
  EXPECT_EQ(err("${file:" + dir.path() + "}"), "cannot read file '" + dir.path() + "': not a regular file");
  const std::string secret = dir.write("secret", "s3cr3t-in-a-file\nsecond line");
  EXPECT_EQ(err("${file:" + secret + "}").find("s3cr3t"), std::string::npos);
}

TEST(Interpolate, FileSizeIsLimited) {
  TempDir dir;
  const std::string at_limit = dir.write("at", std::string(kMaxInterpolatedFileBytes, 'a'));
  EXPECT_EQ(ok("${file:" + at_limit + "}").size(), kMaxInterpolatedFileBytes);
  const std::string over = dir.write("over", std::string(kMaxInterpolatedFileBytes + 1, 'a'));
  EXPECT_EQ(err("${file:" + over + "}"), "file '" + over + "' is larger than 65536 bytes");
}

TEST(Interpolate, UnreadableFileIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  TempDir dir;
  const std::string file = dir.write("locked", "secret");
  std::filesystem::permissions(file, std::filesystem::perms::none);
  EXPECT_EQ(err("${file:" + file + "}"), "cannot read file '" + file + "': Permission denied");
}

TEST(ProcessEnvironment, ReadsTheRealEnvironment) {
  ASSERT_EQ(::setenv("TRIAGENT_CONFIG_TEST_VAR", "from-process", 1), 0);
  EXPECT_EQ(process_environment().get("TRIAGENT_CONFIG_TEST_VAR"), "from-process");
  EXPECT_EQ(ok("${TRIAGENT_CONFIG_TEST_VAR}", process_environment()), "from-process");
  ASSERT_EQ(::unsetenv("TRIAGENT_CONFIG_TEST_VAR"), 0);
  EXPECT_EQ(process_environment().get("TRIAGENT_CONFIG_TEST_VAR"), std::nullopt);
}

}  // namespace
}  // namespace triagent
