#include <gtest/gtest.h>

#include "triagent/observability/log.hpp"

namespace triagent::log {
namespace {

TEST(LogFormat, EmitsOneJsonObjectWithContext) {
  std::string line = format_line(1568549149095, Level::warn, "ingress", "webhook rejected",
                                 LogContext{.trace_id = "abc", .job_id = "42"}, {{"source", "dataset"}});
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["ts"], "2019-09-15T12:05:49.095Z");
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["logger"], "ingress");
  EXPECT_EQ(j["msg"], "webhook rejected");
  EXPECT_EQ(j["trace_id"], "abc");
  EXPECT_EQ(j["job_id"], "42");
  EXPECT_EQ(j["source"], "dataset");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LogFormat, ExtraFieldsCannotOverrideCoreFields) {
  std::string line = format_line(0, Level::info, "x", "real", {}, {{"msg", "forged"}, {"level", "error"}});
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["msg"], "real");
  EXPECT_EQ(j["level"], "info");
}

TEST(LogFormat, InvalidUtf8DoesNotThrow) {
  std::string bad = "caf\xC3";
  std::string line;
  EXPECT_NO_THROW(line = format_line(0, Level::info, "x", bad, {}, {{"v", bad}}));
  EXPECT_TRUE(nlohmann::json::accept(line));
}

TEST(LogLevel, ParsesAndFilters) {
  Level l{};
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_FALSE(parse_level("loud", l));
  set_level(Level::warn);
  EXPECT_FALSE(enabled(Level::info));
  EXPECT_TRUE(enabled(Level::error));
  set_level(Level::off);
  EXPECT_FALSE(enabled(Level::critical));
  set_level(Level::info);
}

}  // namespace
}  // namespace triagent::log
