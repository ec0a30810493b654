#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <span>
#include <sstream>
#include <string>

#include "analysis/auth_failure_phrases.hpp"
#include "triagent/analysis/analyzer.hpp"
#include "triagent/analysis/commands.hpp"

namespace triagent::analysis {
namespace {

const Analyzer& analyzer() {
  static const Analyzer a = [] {
    auto r = Analyzer::create(AnalyzerConfig{});
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(*r);
  }();
  return a;
}

nlohmann::json classify(std::string_view line) {
  AnalysisState st;
  analyzer().analyze(line, st);
  std::string out;
  analyzer().write_enriched(st, out);
  return nlohmann::json::parse(out);
}

TEST(Analyzer, EncodedPowerShellMapsToTechniqueAndSeverity) {
  const auto j = classify(R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","CommandLine":"powershell -nop -w hidden -enc SQBFAFgA","User":"CORP\\alice","Computer":"ws1.corp.local"})");
  EXPECT_EQ(j["EventID"], 1);  // the input's own fields are kept
  EXPECT_EQ(j["ai_log_type"], "windows-sysmon");
  bool found = false;
  for (const auto& t : j["ai_attack_technique"]) {
    if (t["id"] == "T1059.001") {
      found = true;
      EXPECT_EQ(t["name"], "PowerShell");
      EXPECT_EQ(t["tactics"][0], "execution");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_GE(j["ai_severity_score"].get<int>(), 70);
  EXPECT_FALSE(j["ai_severity_reasons"].empty());
  EXPECT_FALSE(j["ai_matched_rules"].empty());
  EXPECT_EQ(j["ai_entities"]["users"][0], "CORP\\alice");
  EXPECT_EQ(j["ai_entities"]["hosts"][0], "ws1.corp.local");
}

TEST(Analyzer, TextLineGetsFieldsAndIocs) {
  const auto j = classify("Mar  3 10:00:01 web1 sshd[123]: Failed password for root from 203.0.113.7 port 22 ssh2");
  EXPECT_EQ(j["message"].get<std::string>().substr(0, 6), "Mar  3");
  EXPECT_EQ(j["ai_log_type"], "openssh-sshd-syslog");
  EXPECT_EQ(j["ai_fields"]["program"], "sshd");
  EXPECT_EQ(j["ai_iocs"]["ips"][0], "203.0.113.7");
  EXPECT_EQ(j["ai_entities"]["ips"][0]["private"], false);
  EXPECT_GE(j["ai_severity_score"].get<int>(), 20);
}

TEST(Analyzer, AgentUuidFieldsAreNoMd5ButHashFieldsAre) {
  const std::string uuid = "ff819e70af13be381993075eb0ce5f2f";
  const std::string md5 = "d7ab69fad18d4a643d84a271dfc0dbdf";
  auto j = classify(R"({"agentUuid":")" + uuid + R"(","agent":{"uuid":")" + uuid + R"("},"AgentUUID":")" + uuid +
                    R"(","file":{"md5":")" + md5 + R"("},"Hashes":"MD5=)" + md5 + R"("})");
  ASSERT_EQ(j["ai_iocs"]["md5"].size(), 1u);
  EXPECT_EQ(j["ai_iocs"]["md5"][0], md5);
  // The same UUID inside a Deep Visibility query text.
  j = classify(R"({"query":"AgentUUID = \")" + uuid + R"(\" AND EventType = \"Process Creation\""})");
  EXPECT_TRUE(j["ai_iocs"]["md5"].empty());
  j = classify("agentUuid=" + uuid + " md5=" + md5 + " action=blocked");
  ASSERT_EQ(j["ai_iocs"]["md5"].size(), 1u);
  EXPECT_EQ(j["ai_iocs"]["md5"][0], md5);
}

TEST(AuthFailurePhrases, AnyCaseAnywhereWholePhrase) {
  EXPECT_TRUE(mentions_auth_failure("sshd[1]: Failed password for root from 203.0.113.7"));
  EXPECT_TRUE(mentions_auth_failure("pam_unix(sshd:auth): AUTHENTICATION FAILURE; logname="));
  EXPECT_TRUE(mentions_auth_failure("Invalid user admin"));
  EXPECT_TRUE(mentions_auth_failure("x POSSIBLE BREAK-IN ATTEMPT!"));
  EXPECT_TRUE(mentions_auth_failure("{\"msg\":\"failed password\"}"));
  EXPECT_FALSE(mentions_auth_failure("failed  password"));   // two spaces
  EXPECT_FALSE(mentions_auth_failure("failed passwor"));     // cut by the end
  EXPECT_FALSE(mentions_auth_failure(" user invalid"));
  EXPECT_FALSE(mentions_auth_failure(""));
  EXPECT_FALSE(mentions_auth_failure("   "));
}

// The byte-by-byte definition the block scan must agree with.
bool mentions_auth_failure_reference(std::string_view text) {
  for (std::string_view phrase : {"failed password", "authentication failure", "invalid user", "possible break-in"}) {
    for (std::size_t i = 0; i + phrase.size() <= text.size(); ++i) {
      bool same = true;
      for (std::size_t k = 0; k < phrase.size() && same; ++k) {
        same = std::tolower(static_cast<unsigned char>(text[i + k])) == phrase[k];
      }
      if (same) return true;
    }
  }
  return false;
}

TEST(AuthFailurePhrases, AgreesWithTheByteLoopOnRandomText) {
  std::mt19937 rng(11);
  std::string alphabet = "dDnNeEpPfFuUbB  -xaiIlLwsrothk\tA";
  alphabet.push_back('\0');
  const std::string_view pieces[] = {"Failed password", "authentication FAILURE", "invalid user", "possible break-in",
                                     "failed passwor", "d p", "e b", "n f"};
  int found = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const std::size_t len = rng() % 70;
    while (s.size() < len) {
      if (rng() % 12 == 0) s += pieces[rng() % std::size(pieces)];
      else s.push_back(alphabet[rng() % alphabet.size()]);
    }
    // Every suffix too: the phrase at every offset from the block edges and the end.
    for (std::size_t from = 0; from <= s.size(); ++from) {
      const std::string_view v = std::string_view(s).substr(from);
      const bool want = mentions_auth_failure_reference(v);
      found += want;
      ASSERT_EQ(mentions_auth_failure(v), want) << "\"" << v << "\"";
    }
  }
  EXPECT_GT(found, 1000);  // the test reaches both answers
}

TEST(Analyzer, BenignLineIsQuiet) {
  const auto j = classify("2015-07-29 19:22:03,324 - INFO  [main:QuorumPeer@913] - LOOKING");
  EXPECT_EQ(j["ai_log_type"], "zookeeper");
  EXPECT_TRUE(j["ai_attack_technique"].empty());
  EXPECT_EQ(j["ai_severity_score"], 0);
}

TEST(Analyzer, HostileInputsGivePartialResults) {
  std::string big = "{\"CommandLine\":\"" + std::string(3 << 20, 'a') + "\"}";
  auto j = classify(big);
  EXPECT_EQ(j["ai_truncated"], true);
  std::string deep = "{\"a\":" + std::string(5000, '[');
  j = classify(deep);
  EXPECT_EQ(j["ai_parse_error"], "too_deep");
  j = classify("\xff\xfe\x80 invalid utf8 \xc3");
  EXPECT_TRUE(j["message"].is_string());  // replaced, still valid JSON
}

// analyze_batch() runs each stage over the whole batch; every event must still come out exactly
// as analyze() alone gives it, with states reused from batch to batch.
TEST(Analyzer, BatchGivesWhatEachLineGivesAlone) {
  const std::vector<std::string> kinds = {
      R"({"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c whoami /all & net user /domain","User":"CORP\\bob"})",
      "Mar  3 10:00:01 web1 sshd[123]: Failed password for root from 203.0.113.7 port 22 ssh2",
      "CEF:0|Vendor|Product|1.0|100|Blocked|7|src=198.51.100.4 dst=10.0.0.5 request=hxxp://evil[.]example/a.exe",
      R"(203.0.113.9 - - [10/Oct/2023:13:55:36 +0000] "GET /admin/../../etc/passwd HTTP/1.1" 404 153 "-" "curl/8.0")",
      R"(<Event><System><EventID>4688</EventID><Channel>Security</Channel></System><EventData><Data Name="NewProcessName">C:\Windows\System32\schtasks.exe</Data><Data Name="CommandLine">schtasks /create /tn x /tr calc.exe</Data></EventData></Event>)",
      "action=blocked user=alice md5=44d88612fea8a8f36de82e1278abb02f url=https://example.org/x",
      R"({"eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.23","userIdentity":{"type":"Root"}})",
      "{\"a\":" + std::string(300, '['),
      "\xff\xfe\x80 invalid utf8 \xc3 CVE-2021-44228",
      "{\"CommandLine\":\"" + std::string(200'000, 'a') + "\"}",
      "",
  };
  std::mt19937 rng(7);
  std::vector<std::string> lines;
  for (int i = 0; i < 150; ++i) lines.push_back(kinds[rng() % kinds.size()]);
  std::vector<std::string> alone;
  for (const auto& l : lines) {
    AnalysisState st;
    analyzer().analyze(l, st);
    std::string out;
    analyzer().write_enriched(st, out);
    alone.push_back(out);
  }
  const std::vector<std::string_view> views(lines.begin(), lines.end());
  for (const std::size_t batch : {std::size_t{1}, std::size_t{7}, Analyzer::kBatchEvents}) {
    std::vector<AnalysisState> states(Analyzer::kBatchEvents);  // more states than a short batch uses
    for (std::size_t b = 0; b < views.size(); b += batch) {
      const std::size_t n = std::min(batch, views.size() - b);
      analyzer().analyze_batch(std::span(views).subspan(b, n), states);
      for (std::size_t k = 0; k < n; ++k) {
        std::string out;
        analyzer().write_enriched(states[k], out);
        ASSERT_EQ(out, alone[b + k]) << "batch " << batch << ", line " << b + k;
      }
    }
  }
}

TEST(Commands, UsageErrorsAndClassifyStream) {
  std::istringstream in("Mar  3 10:00:01 web1 sshd[1]: Accepted password for bob from 10.0.0.1 port 1 ssh2\n{\"a\":1}\n");
  std::ostringstream out, err;
  EXPECT_EQ(classify_command({"-q"}, in, out, err), 0);
  std::istringstream lines(out.str());
  std::string l1, l2;
  std::getline(lines, l1);
  std::getline(lines, l2);
  EXPECT_EQ(nlohmann::json::parse(l1)["ai_log_type"], "openssh-sshd-syslog");
  EXPECT_EQ(nlohmann::json::parse(l2)["a"], 1);
  std::istringstream empty;
  EXPECT_EQ(classify_command({"--bogus"}, empty, out, err), kExitUsage);
  EXPECT_EQ(eval_command({}, empty, out, err), kExitUsage);
  EXPECT_EQ(eval_command({"--task", "nope", "--data", "-"}, empty, out, err), kExitUsage);
  EXPECT_EQ(redact_command({"--ip", "sometimes"}, empty, out, err), kExitUsage);
  EXPECT_EQ(redact_command({"--pattern", "BAD=("}, empty, out, err), kExitUsage);
}

TEST(Commands, RedactShowsVaultOnStderr) {
  std::istringstream in("mail bob@example.com from 8.8.8.8\n{\"User\":\"alice\",\"msg\":\"alice logged on\"}\n");
  std::ostringstream out, err;
  ASSERT_EQ(redact_command({"--show-vault", "-q"}, in, out, err), 0);
  EXPECT_EQ(out.str(), "mail <EMAIL_1> from <IP_1>\n{\"User\":\"<USER_1>\",\"msg\":\"<USER_1> logged on\"}\n");
  EXPECT_NE(err.str().find("bob@example.com"), std::string::npos);
}

double eval_metric(const std::string& task, const std::string& file, const char* key) {
  const std::string path = std::string(TRIAGENT_SOURCE_DIR) + "/../shared/data/" + file;
  if (!std::ifstream(path)) return -1;
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(eval_command({"--task", task, "--data", path, "--json"}, in, out, err), 0) << err.str();
  const auto j = nlohmann::json::parse(out.str());
  if (std::string(key) == "micro_f1") return j["micro"]["f1"];
  if (std::string(key) == "micro_recall") return j["micro"]["recall"];
  if (std::string(key) == "micro_precision") return j["micro"]["precision"];
  return j[key];
}

TEST(EvalDevData, TargetsHold) {
  const double logtype = eval_metric("logtype", "logs/logs.jsonl", "accuracy");
  if (logtype < 0) GTEST_SKIP() << "shared dev data not present";
  EXPECT_GE(logtype, 0.95);
  EXPECT_GE(eval_metric("ioc", "ioc/dev.jsonl", "micro_f1"), 0.98);
  EXPECT_GE(eval_metric("pii", "pii/dev.jsonl", "micro_recall"), 0.99);
  EXPECT_GE(eval_metric("pii", "pii/dev.jsonl", "micro_precision"), 0.95);
  EXPECT_GE(eval_metric("attack", "labeled/dev.jsonl", "recall_at_3"), 0.70);
}

}  // namespace
}  // namespace triagent::analysis
