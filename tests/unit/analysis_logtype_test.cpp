#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "triagent/analysis/json_flatten.hpp"
#include "triagent/analysis/log_type.hpp"

namespace triagent::analysis {
namespace {

ParsedEvent detect(std::string_view line) {
  ParsedEvent ev;
  LogTypeDetector().detect(line, ev);
  return ev;
}

std::string field(const ParsedEvent& ev, std::string_view name) {
  const std::string* v = ev.fields.find(name);
  return v ? *v : std::string("<absent>");
}

TEST(LogType, SyslogKindsByProgram) {
  auto ev = detect("Mar  3 10:00:01 web1 sshd[123]: Failed password for root from 203.0.113.7 port 22 ssh2");
  EXPECT_EQ(ev.log_type, "openssh-sshd-syslog");
  EXPECT_EQ(field(ev, "host"), "web1");
  EXPECT_EQ(field(ev, "program"), "sshd");
  EXPECT_EQ(field(ev, "pid"), "123");
  EXPECT_EQ(field(ev, "message"), "Failed password for root from 203.0.113.7 port 22 ssh2");
  EXPECT_EQ(detect("Mar 13 10:00:01 db sudo:   alice : TTY=pts/0 ; USER=root ; COMMAND=/bin/sh").log_type,
            "linux-auth-syslog");
  EXPECT_EQ(detect("Mar 13 10:00:01 db cron[55]: (root) CMD (run-parts /etc/cron.hourly)").log_type, "linux-syslog");
  EXPECT_EQ(detect("Jul  3 04:08:14 Some-MacBook-Pro kernel[0]: en0: link up").log_type, "macos-syslog");
  EXPECT_EQ(detect("Jul  3 04:08:14 mac1 com.apple.xpc.launchd[1]: service exited").log_type, "macos-syslog");
  EXPECT_EQ(detect("<13>Mar  3 10:00:01 fw1 kernel: DROP IN=eth0").log_type, "syslog-rfc3164");
}

TEST(LogType, Rfc5424WithStructuredData) {
  auto ev = detect(R"(<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event)");
  EXPECT_EQ(ev.log_type, "syslog-rfc5424");
  EXPECT_EQ(field(ev, "program"), "evntslog");
  EXPECT_EQ(field(ev, "iut"), "3");
  EXPECT_EQ(field(ev, "eventSource"), "Application");
  EXPECT_EQ(field(ev, "message"), "An application event");
}

TEST(LogType, CefHeaderAndEscapedExtension) {
  auto ev = detect(R"(Sep 19 08:26:10 host CEF:0|Security|threatmanager|1.0|100|worm\|stopped|10|src=10.0.0.1 dst=2.1.2.2 msg=a\=b c spt=1232)");
  EXPECT_EQ(ev.log_type, "cef");
  EXPECT_EQ(field(ev, "name"), "worm|stopped");
  EXPECT_EQ(field(ev, "severity"), "10");
  EXPECT_EQ(field(ev, "msg"), "a=b c");
  EXPECT_EQ(field(ev, "spt"), "1232");
}

TEST(LogType, Leef2WithCustomDelimiter) {
  auto ev = detect("LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5");
  EXPECT_EQ(ev.log_type, "leef");
  EXPECT_EQ(field(ev, "src"), "10.0.1.8");
  EXPECT_EQ(field(ev, "sev"), "5");
}

TEST(LogType, WindowsRenderings) {
  auto nx = detect(R"({"EventID":4688,"Channel":"Security","NewProcessName":"C:\\Windows\\System32\\cmd.exe","SubjectUserName":"bob","SubjectDomainName":"CORP"})");
  EXPECT_EQ(nx.log_type, "windows-security");
  EXPECT_EQ(nx.category, "process_creation");
  EXPECT_EQ(field(nx, "Image"), "C:\\Windows\\System32\\cmd.exe");
  EXPECT_EQ(field(nx, "User"), "CORP\\bob");
  auto evtx = detect(R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":13,"Channel":"Microsoft-Windows-Sysmon/Operational"},"EventData":{"TargetObject":"HKLM\\x"}}})");
  EXPECT_EQ(evtx.log_type, "windows-sysmon");
  EXPECT_EQ(evtx.category, "registry_set");
  EXPECT_EQ(field(evtx, "TargetObject"), "HKLM\\x");
  auto beat = detect(R"({"winlog":{"channel":"Windows PowerShell","event_id":800,"event_data":{"HostApplication":"powershell"}}})");
  EXPECT_EQ(beat.log_type, "windows-powershell");
  EXPECT_EQ(beat.category, "ps_classic_script");
  auto xml = detect(R"(<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Eventlog"/><EventID>1102</EventID><Channel>Security</Channel><Computer>dc1</Computer></System><UserData><LogFileCleared><SubjectUserName>admin</SubjectUserName></LogFileCleared></UserData></Event>)");
  EXPECT_EQ(xml.log_type, "windows-security");
  EXPECT_EQ(xml.format, InputFormat::xml);
  EXPECT_EQ(field(xml, "Provider_Name"), "Microsoft-Windows-Eventlog");
  EXPECT_EQ(field(xml, "SubjectUserName"), "admin");
  EXPECT_EQ(field(xml, "EventID"), "1102");
}

TEST(LogType, WebServers) {
  auto c = detect(R"(203.0.113.9 - - [10/Oct/2023:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://x/" "Mozilla/5.0")");
  EXPECT_EQ(c.log_type, "apache-access-combined");
  EXPECT_EQ(field(c, "src_ip"), "203.0.113.9");
  EXPECT_EQ(field(c, "path"), "/a.gif");
  EXPECT_EQ(field(c, "user_agent"), "Mozilla/5.0");
  EXPECT_EQ(detect(R"(203.0.113.9 - frank [10/Oct/2023:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326)").log_type,
            "apache-access");
  auto n = detect(R"(10.0.0.2, 10.0.0.1, 198.51.100.4 - - [07/Dec/2016:11:05:07 +0100] "GET /x HTTP/1.1" 200 5 "-" "curl")");
  EXPECT_EQ(n.log_type, "nginx-access");
  EXPECT_EQ(field(n, "src_ip"), "198.51.100.4");
  EXPECT_EQ(detect("[Wed Oct 11 14:32:52.123 2000] [core:error] [pid 35708] [client 1.2.3.4:5] File does not exist").log_type,
            "apache-error");
  EXPECT_EQ(detect("2016/10/25 14:49:34 [error] 54053#0: *1 open() failed").log_type, "nginx-error");
}

TEST(LogType, ZeekCloudAndGenericJson) {
  EXPECT_EQ(detect(R"({"_path":"dns","uid":"C1","id.orig_h":"10.0.0.1","query":"a.example"})").log_type, "zeek-dns");
  EXPECT_EQ(detect(R"({"ts":1,"uid":"C1","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","server_name":"x"})").log_type,
            "zeek-ssl");
  EXPECT_EQ(detect(R"({"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1"})").log_type,
            "aws-cloudtrail");
  EXPECT_EQ(detect(R"({"hello":"world"})").log_type, "json");
  EXPECT_EQ(detect("action=allow src=10.0.0.1 dst=10.0.0.2 dport=443").log_type, "kv");
  EXPECT_EQ(detect("just some words").log_type, "text");
  EXPECT_EQ(detect("").log_type, "empty");
}

TEST(LogType, HostileInputsNeverCrash) {
  std::string big(1 << 20, 'A');
  EXPECT_EQ(detect(big).log_type, "text");
  std::string deep(100000, '[');
  deep = "{\"a\":" + deep;
  auto ev = detect(deep);
  EXPECT_EQ(ev.format, InputFormat::json);
  EXPECT_EQ(ev.json_status, JsonStatus::too_deep);
  EXPECT_EQ(detect("{\"a\":\"\xff\xfe\",\"b\":").json_status, JsonStatus::syntax_error);
  EXPECT_EQ(detect("\xff\xfe\xfd garbage \x01").log_type, "text");
  EXPECT_EQ(detect("<Event").log_type, "text");
  EXPECT_EQ(detect("CEF:0|a|b").log_type, "text");
}

TEST(JsonFlatten, UnescapesAndRepeatsArrayKeys) {
  FieldList f;
  ASSERT_EQ(flatten_json(R"({"a":{"b":[1,"x\u00e9\n"]},"c":null,"d":true})", f), JsonStatus::ok);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].key, "a.b");
  EXPECT_EQ(f[1].value, "x\xc3\xa9\n");
  EXPECT_EQ(f[2].value, "true");
  std::string out;
  append_json_escaped(out, "q\"\\\x01\xff");
  EXPECT_EQ(out, "q\\\"\\\\\\u0001\xEF\xBF\xBD");
}

TEST(LogTypeDevData, AccuracyAtLeast95Percent) {
  std::ifstream in(std::string(TRIAGENT_SOURCE_DIR) + "/../shared/data/logs/logs.jsonl");
  if (!in) GTEST_SKIP() << "shared dev data not present";
  std::string line;
  std::size_t total = 0, correct = 0;
  while (std::getline(in, line)) {
    auto rec = nlohmann::json::parse(line);
    ++total;
    correct += detect(rec["raw"].get<std::string>()).log_type == rec["labels"]["log_type"].get<std::string>();
  }
  ASSERT_GT(total, 100u);
  EXPECT_GE(static_cast<double>(correct) / static_cast<double>(total), 0.95);
}

}  // namespace
}  // namespace triagent::analysis
