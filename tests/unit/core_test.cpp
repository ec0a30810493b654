#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "triagent/core/clock.hpp"
#include "triagent/core/ids.hpp"
#include "triagent/core/incident.hpp"
#include "triagent/core/severity.hpp"

namespace triagent {
namespace {

TEST(Rfc3339, ParsesUtcWithFraction) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("2023-10-23T00:00:00.000Z"), 1698019200000);
  EXPECT_EQ(parse_rfc3339_ms("2019-09-15T12:05:49.095889Z"), 1568549149095);
  EXPECT_EQ(parse_rfc3339_ms("2022-07-31T08:11:01+00:00"), 1659255061000);
  EXPECT_EQ(parse_rfc3339_ms("2022-07-31T10:11:01+02:00"), 1659255061000);
}

TEST(Rfc3339, RejectsGarbage) {
  EXPECT_EQ(parse_rfc3339_ms(""), -1);
  EXPECT_EQ(parse_rfc3339_ms("yesterday"), -1);
  EXPECT_EQ(parse_rfc3339_ms("2023-13-01T00:00:00Z"), -1);
  EXPECT_EQ(parse_rfc3339_ms("2023-10-23T00:00:00.Z"), -1);
  EXPECT_EQ(parse_rfc3339_ms("2023-10-23T00:00:00Zjunk"), -1);
}

TEST(Rfc3339, FormatsRoundTrip) {
  EXPECT_EQ(format_rfc3339_ms(1568549149095), "2019-09-15T12:05:49.095Z");
  EXPECT_EQ(parse_rfc3339_ms(format_rfc3339_ms(1698019200123)), 1698019200123);
}

TEST(TraceContext, ParsesValidHeader) {
  auto t = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t->to_header(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(TraceContext, RejectsInvalidHeaders) {
  EXPECT_FALSE(TraceContext::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(TraceContext::parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(TraceContext::parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
  EXPECT_FALSE(TraceContext::parse("garbage"));
}

TEST(TraceContext, ChildKeepsTraceAndChangesSpan) {
  auto t = TraceContext::generate();
  auto c = t.child();
  EXPECT_EQ(c.trace_id, t.trace_id);
  EXPECT_NE(c.span_id, t.span_id);
  EXPECT_TRUE(TraceContext::parse(c.to_header()).has_value());
}

TEST(TraceContext, GeneratedIdsAreValidAndDistinctAcrossThreads) {
  // Each thread has its own generator: their seeds must differ, and no id may repeat.
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i) {
        TraceContext c = TraceContext::generate();
        ids[static_cast<std::size_t>(t)].push_back(c.to_header());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> traces, spans;
  for (const auto& per_thread : ids) {
    for (const auto& header : per_thread) {
      auto parsed = TraceContext::parse(header);
      ASSERT_TRUE(parsed.has_value()) << header;  // lower-case hex of the right lengths, not all zero
      traces.insert(parsed->trace_id);
      spans.insert(parsed->span_id);
    }
  }
  EXPECT_EQ(traces.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(spans.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(Severity, ParsesNamesAndNumbers) {
  EXPECT_EQ(parse_severity("HIGH"), Severity::high);
  EXPECT_EQ(parse_severity(" Critical "), Severity::critical);
  EXPECT_EQ(parse_severity("malicious"), Severity::high);
  EXPECT_EQ(parse_severity("4"), Severity::medium);
  EXPECT_EQ(parse_severity("95"), Severity::critical);
  EXPECT_FALSE(parse_severity("banana").has_value());
  EXPECT_FALSE(parse_severity("").has_value());
}

TEST(Incident, JsonRoundTripKeepsEverything) {
  Incident i;
  i.source = "singularity";
  i.kind = "threat";
  i.external_id = "123";
  i.title = "Mimikatz";
  i.severity = Severity::high;
  i.time_ms = 1568549149095;
  Entities::add(i.entities.hosts, "WS-7");
  Entities::add(i.entities.hosts, "WS-7");
  Entities::add(i.entities.ips, "10.0.0.5");
  i.raw = {{"a", 1}};
  nlohmann::json j = i;
  EXPECT_EQ(j["time"], "2019-09-15T12:05:49.095Z");
  Incident back = j.get<Incident>();
  EXPECT_EQ(back.dedupe_key(), "singularity:123");
  EXPECT_EQ(back.severity, Severity::high);
  EXPECT_EQ(back.entities.hosts, std::vector<std::string>{"WS-7"});
  EXPECT_EQ(back.entities.ips, std::vector<std::string>{"10.0.0.5"});
  EXPECT_EQ(back.raw, i.raw);
  EXPECT_FALSE(back.entities.empty());
}

}  // namespace
}  // namespace triagent

#include "triagent/core/ip_address.hpp"

namespace triagent {
namespace {

TEST(IpAddress, Ipv4) {
  EXPECT_TRUE(is_ipv4_address("10.0.0.5"));
  EXPECT_TRUE(is_ipv4_address("255.255.255.255"));
  EXPECT_FALSE(is_ipv4_address("256.0.0.1"));
  EXPECT_FALSE(is_ipv4_address("1.2.3"));
  EXPECT_FALSE(is_ipv4_address("1.2.3.4.5"));
  EXPECT_FALSE(is_ipv4_address("1..2.3"));
  EXPECT_FALSE(is_ipv4_address("0001.2.3.4"));
  EXPECT_FALSE(is_ipv4_address(""));
}

TEST(IpAddress, Ipv6) {
  EXPECT_TRUE(is_ipv6_address("fe80::1"));
  EXPECT_TRUE(is_ipv6_address("2001:db8:0:0:0:0:2:1"));
  EXPECT_TRUE(is_ipv6_address("::ffff:10.0.0.5"));
  EXPECT_TRUE(is_ipv6_address("::"));
  EXPECT_FALSE(is_ipv6_address("1::2::3"));
  EXPECT_FALSE(is_ipv6_address("2001:db8:0:0:0:0:2"));
  EXPECT_FALSE(is_ipv6_address("12345::1"));
  EXPECT_FALSE(is_ipv6_address("fe80:"));
  EXPECT_FALSE(is_ipv6_address("g::1"));
}

}  // namespace
}  // namespace triagent
