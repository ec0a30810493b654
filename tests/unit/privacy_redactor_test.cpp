#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "triagent/privacy/redactor.hpp"

namespace triagent::privacy {
namespace {

Redactor make(RedactionConfig cfg = {}) {
  auto r = Redactor::create(cfg);
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

TEST(Checks, Checksums) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_TRUE(iban_valid("GB82WEST12345698765432"));
  EXPECT_FALSE(iban_valid("GB82WEST12345698765433"));
  EXPECT_FALSE(iban_valid("GB82WEST1234569876543"));  // wrong length for GB
  EXPECT_TRUE(us_ssn_valid("123", "45", "6789"));
  EXPECT_FALSE(us_ssn_valid("000", "45", "6789"));
  EXPECT_FALSE(us_ssn_valid("666", "45", "6789"));
  EXPECT_FALSE(us_ssn_valid("901", "45", "6789"));
}

TEST(Redactor, StructuredTypes) {
  const Redactor r = make();
  Vault v;
  EXPECT_EQ(r.redact_text("mail bob@example.com or BOB2@example.org", v), "mail <EMAIL_1> or <EMAIL_2>");
  EXPECT_EQ(r.redact_text("call +1 (415) 555-0132 or 020 7946 0958", v), "call <PHONE_1> or <PHONE_2>");
  EXPECT_EQ(r.redact_text("card 4111 1111 1111 1111, not 4111 1111 1111 1112", v),
            "card <CREDIT_CARD_1>, not 4111 1111 1111 1112");
  EXPECT_EQ(r.redact_text("ssn 123-45-6789", v), "ssn <SSN_1>");
  EXPECT_EQ(r.redact_text("iban GB82 WEST 1234 5698 7654 32 ok", v), "iban <IBAN_1> ok");
  EXPECT_EQ(r.redact_text("from 10.1.2.3 and 2001:db8::1 at 00:1A:2B:3C:4D:5E", v),
            "from <IP_1> and <IP_2> at <MAC_1>");
  EXPECT_EQ(r.redact_text("at 2016-09-28 04:30:32 pid 4242 v1.2.3", v), "at 2016-09-28 04:30:32 pid 4242 v1.2.3");
}

TEST(Redactor, Secrets) {
  const Redactor r = make();
  Vault v;
  EXPECT_EQ(r.redact_text("key AKIAIOSFODNN7EXAMPLE used", v), "key <AWS_KEY_1> used");
  EXPECT_EQ(r.redact_text("Authorization: Bearer abcdef0123456789abcdef", v), "Authorization: Bearer <TOKEN_1>");
  EXPECT_EQ(r.redact_text("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU", v), "jwt <JWT_1>");
  EXPECT_EQ(r.redact_text("net user bob S3cret! /add", v), "net user <USER_1> <PASSWORD_1> /add");
  EXPECT_EQ(r.redact_text("psexec \\\\h -u admin -p Winter2024 cmd", v), "psexec \\\\h -u admin -p <PASSWORD_2> cmd");
  EXPECT_EQ(r.redact_text("db password=hunter22; token: 'abc123def456ghi789'", v),
            "db password=<PASSWORD_3>; token: '<API_KEY_1>'");
  EXPECT_EQ(r.redact_text("sekurlsa::pth /user:x /ntlm:cc36cf7a8514893efccd332446158b1a", v),
            "sekurlsa::pth /user:<USER_2> /ntlm:<HASH_SECRET_1>");
  const std::string key = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----";
  EXPECT_EQ(r.redact_text("k=" + key + " end", v), "k=<PRIVATE_KEY_1> end");
}

// redact_lines() searches the text lines of a batch before rewriting any; the output and the vault
// must still be those of redact_line() called line after line. Names a JSON line teaches the vault
// ("User") recur in later text lines of the same batch, so the order of the stages shows.
TEST(Redactor, LinesInABatchComeOutAsOneByOne) {
  const std::vector<std::string> kinds = {
      R"({"User":"alice","Computer":"ws7.corp.local","msg":"login from 203.0.113.9"})",
      "session opened for alice on ws7.corp.local from 198.51.100.2",
      "mail bob@example.com card 4111 1111 1111 1111 ssn 123-45-6789",
      "  {\"TargetUserName\":\"carol\",\"password\":\"hunter2\"}",
      "carol retried with password=hunter2 token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
      "{not json but starts like it alice@example.org",
      "",
      "Accepted publickey for dave from 10.1.2.3 port 22",
  };
  std::mt19937 rng(11);
  std::vector<std::string> lines;
  for (int i = 0; i < 150; ++i) lines.push_back(kinds[rng() % kinds.size()]);
  const Redactor r = make();
  Vault one_by_one;
  std::vector<std::string> expected;
  for (const auto& l : lines) expected.push_back(r.redact_line(l, one_by_one));
  const std::vector<std::string_view> views(lines.begin(), lines.end());
  for (const std::size_t batch : {std::size_t{1}, std::size_t{5}, Redactor::kBatchLines}) {
    Vault vault;
    std::vector<std::string> out(Redactor::kBatchLines);
    for (std::size_t b = 0; b < views.size(); b += batch) {
      const std::size_t n = std::min(batch, views.size() - b);
      r.redact_lines(std::span(views).subspan(b, n), vault, out);
      for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(out[k], expected[b + k]) << "batch " << batch << ", line " << b + k;
    }
    EXPECT_EQ(vault.to_json(), one_by_one.to_json());
  }
}

TEST(Vault, StablePlaceholdersAndRestore) {
  const Redactor r = make();
  Vault v;
  const std::string a = r.redact_text("bob@example.com met 8.8.8.8", v);
  const std::string b = r.redact_text("again bob@example.com", v);
  EXPECT_EQ(a, "<EMAIL_1> met <IP_1>");
  EXPECT_EQ(b, "again <EMAIL_1>");
  EXPECT_EQ(v.restore("mail <EMAIL_1> from <IP_1>, unknown <EMAIL_12> <X>"),
            "mail bob@example.com from 8.8.8.8, unknown <EMAIL_12> <X>");
  nlohmann::json j = {{"summary", "<EMAIL_1> contacted <IP_1>"}, {"list", {"<IP_1>"}}};
  v.restore(j);
  EXPECT_EQ(j["summary"], "bob@example.com contacted 8.8.8.8");
  EXPECT_EQ(j["list"][0], "8.8.8.8");
  EXPECT_EQ(v.raw_values().size(), 2u);
  EXPECT_EQ(v.find_leak("the answer mentions bob@example.com").value_or(""), "bob@example.com");
  EXPECT_FALSE(v.find_leak("the answer mentions <EMAIL_1> and 8.8.8.80").has_value());
  const Vault copy = Vault::from_json(v.to_json());
  EXPECT_EQ(copy.restore("<IP_1>"), "8.8.8.8");
  Vault again = Vault::from_json(v.to_json());
  EXPECT_EQ(again.placeholder("EMAIL", "new@example.com"), "<EMAIL_2>");
}

TEST(Redactor, JsonFieldsAllowDenyAndPropagation) {
  const Redactor r = make();
  Vault v;
  nlohmann::json ev = {{"EventID", 4624},
                       {"TargetUserName", "alice"},
                       {"SubjectUserName", "SYSTEM"},
                       {"Computer", "ws1.corp.local"},
                       {"ProcessGuid", "{1111-2222}"},
                       {"password", "x"},
                       {"Message", "An account was logged on. Account Name:\t\talice Workstation Name:\tWS1 from 10.0.0.9"}};
  r.redact_json(ev, v);
  EXPECT_EQ(ev["EventID"], 4624);
  EXPECT_EQ(ev["TargetUserName"], "<USER_1>");
  EXPECT_EQ(ev["SubjectUserName"], "SYSTEM");  // well-known account kept
  EXPECT_EQ(ev["Computer"], "<HOST_1>");
  EXPECT_EQ(ev["ProcessGuid"], "{1111-2222}");
  EXPECT_EQ(ev["password"], "<PASSWORD_1>");
  const std::string msg = ev["Message"];
  EXPECT_EQ(msg.find("alice"), std::string::npos) << msg;
  EXPECT_NE(msg.find("<USER_1>"), std::string::npos) << msg;
  EXPECT_NE(msg.find("<HOST_2>"), std::string::npos) << msg;
  EXPECT_NE(msg.find("<IP_1>"), std::string::npos) << msg;
}

TEST(Redactor, IpModesAndOperatorPatterns) {
  RedactionConfig cfg;
  cfg.ip_mode = IpMode::drop;
  cfg.extra_patterns.push_back({"TICKET", R"(\bINC\d{6}\b)"});
  const Redactor r = make(cfg);
  Vault v;
  EXPECT_EQ(r.redact_text("INC123456 from 8.8.8.8", v), "<TICKET_1> from <IP>");
  EXPECT_EQ(v.size(), 1u);  // dropped addresses are not recorded
  RedactionConfig keep;
  keep.ip_mode = IpMode::keep;
  EXPECT_EQ(make(keep).redact_text("from 8.8.8.8", v), "from 8.8.8.8");
  RedactionConfig priv;
  priv.keep_private_ips = true;
  EXPECT_EQ(make(priv).redact_text("10.0.0.1 -> 8.8.4.4", v), "10.0.0.1 -> <IP_1>");
  RedactionConfig bad;
  bad.extra_patterns.push_back({"BAD", "(unclosed"});
  EXPECT_FALSE(Redactor::create(bad).has_value());
}

TEST(Redactor, AddressesWithAPortAreRedactedWithoutThePort) {
  const Redactor r = make();
  Vault v;
  EXPECT_EQ(r.redact_text("IP Connect: 10.20.30.45 -> 10.20.40.12:445 by PsExec64.exe", v),
            "IP Connect: <IP_1> -> <IP_2>:445 by PsExec64.exe");
  EXPECT_EQ(r.redact_text("dst=203.0.113.77:443/tcp", v), "dst=<IP_3>:443/tcp");
  EXPECT_EQ(r.redact_text("fe80::1:22 stays an IPv6 address", v), "<IP_4> stays an IPv6 address");
  EXPECT_EQ(r.redact_text("version 1.2.3.4:beta", v), "version 1.2.3.4:beta");  // not a port
}

TEST(Redactor, KnownUserNamesInsidePathsAreRedacted) {
  const Redactor r = make();
  Vault v;
  v.placeholder("USER", "jsmith");
  EXPECT_EQ(r.redact_text(R"(C:\Users\jsmith\AppData\Local\Temp\x.docm opened)", v),
            R"(C:\Users\<USER_1>\AppData\Local\Temp\x.docm opened)");
  EXPECT_EQ(r.redact_text("NORTHWIND\\jsmith logged on", v), "NORTHWIND\\<USER_1> logged on");
}

// Field names and "key:" labels match in any case, and only whole (the redactor screens keys by
// length and end letters before it looks them up). Output keys are sorted, as nlohmann writes them.
TEST(Redactor, FieldNamesMatchInAnyCaseAndOnlyWhole) {
  const Redactor r = make();
  Vault v;
  EXPECT_EQ(r.redact_line(R"({"TARGETUSERNAME":"bob","TargetUserNameX":"carol","eventid":"bob","PassWD":"x","Msg":"bob"})", v),
            R"({"Msg":"<USER_1>","PassWD":"<PASSWORD_1>","TARGETUSERNAME":"<USER_1>","TargetUserNameX":"carol","eventid":"bob"})");
  EXPECT_EQ(r.redact_text("ACCOUNT NAME: dave Account Namex: erin xuser=frank USER=gina", v),
            "ACCOUNT NAME: <USER_2> Account Namex: erin xuser=frank USER=<USER_3>");
}

// redact_line writes JSON lines through its own light tree; the result must be the nlohmann
// round trip's, byte for byte, vault numbering included (and nlohmann's for what it declines).
TEST(Redactor, JsonLinesMatchTheNlohmannRoundTrip) {
  const Redactor r = make();
  const std::vector<std::string> lines = {
      "{}",  // first, while the tree's vectors are unallocated (UBSan, found by analysis_redactor_fuzz)
      R"({"z":1,"a":"mail bob@example.com","m":{"b":"call +1 415 555 0132","a":"card 4111 1111 1111 1111"}})",
      R"({"User":"CORP\\alice","Computer":"ws1","Message":"Account Name: alice from 10.1.2.3","EventID":4624})",
      R"({"a": 1.5e10, "b": -0.0, "c": 12345678901234567890, "c2": 18446744073709551616, "c3": -9223372036854775809,)"
      R"( "d": [1, 2.25, "x@y.com", null, true, false], "e": 0.1, "f": 1E5, "g": 1e-7, "h": -0, "i": 100, "j": 3.0})",
      R"({"e": "\u00e9\n\t\"\/\\ \u0001\u001f\u007f caf)" "\xC3\xA9" R"(", "f": {}, "g": [], "h": [[], [{}]]})",
      R"({"pair": "\ud83d\ude00", "x": 1})",                        // surrogates: declined
      R"({"dup": "a", "dup": "b"})",                                 // duplicate keys: declined
      R"({"k\u0065y": "escaped key"})",                              // escaped key: declined
      R"({"big": 1e999})",                                          // overflow: not JSON for nlohmann
      R"({"trail": 1,})", R"({"a": 01})", R"({"a": tru})", R"({"a": "x"} x)", "{\"ctl\": \"a\tb\"}",
      "{\"bad\": \"\xff\"}", "  {\"lead\": \"space\"}\r", R"({"deep":{"x":{"y":{"z":["password=hunter2",{"token":"abcd1234efgh"}]}}}})",
      R"({"CommandLine":"net user bob P@ssw0rd! /add","query":"AgentUUID = \"ff819e70af13be381993075eb0ce5f2f\""})",
      R"({"cut":"caf)" "\xC3\xA9" R"(@example.com \u00e9t\u00e9 jos)" "\xC3\xA9" R"(@corp.fr"})",
      std::string("{\"n\":") + std::string(200, '[') + std::string(200, ']') + "}",
  };
  Vault fast, slow;
  for (const auto& line : lines) {
    const std::string got = r.redact_line(line, fast);
    std::string_view body = line;
    while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    std::string want;
    if (!j.is_discarded() && j.is_object()) {
      r.redact_json(j, slow);
      want = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      want = r.redact_text(line, slow);
    }
    EXPECT_EQ(got, want) << line;
  }
  EXPECT_EQ(fast.size(), slow.size());
}

// The same on random lines whose keys and strings cross the light tree's sixteen-byte blocks with
// escapes, control bytes, quotes, backslashes and UTF-8 (valid or cut) at every offset, and whose
// integers have up to 21 digits.
TEST(Redactor, RandomJsonLinesMatchTheNlohmannRoundTrip) {
  const Redactor r = make();
  std::mt19937 rng(7);
  static const std::vector<std::string> kPieces = {
      "a", "Z", "0", " ", "_", "user=", "bob", "\\\\", "\\\"", "\\n", "\\t", "\\u00e9", "\\u0001", "\\/",
      "\xC3\xA9", "\xE2\x82\xAC", "\x7F", "10.0.0.1", "x@y.com", "{", "}", ":"};
  // Now and then a piece that makes the line invalid (cut UTF-8, a raw control byte or quote).
  static const std::vector<std::string> kBreakers = {"\xC3", "\x01", "\t", "\""};
  auto text = [&](std::size_t pieces) {
    std::string t;
    for (std::size_t k = 0; k < pieces; ++k) {
      t += rng() % 64 ? kPieces[rng() % kPieces.size()] : kBreakers[rng() % kBreakers.size()];
    }
    return t;
  };
  Vault fast, slow;
  for (int round = 0; round < 3000; ++round) {
    std::string line = "{";
    const int fields = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < fields; ++f) {
      if (f) line += ",";
      line += "\"" + (rng() % 3 ? std::string("k") + std::to_string(f) + std::string(rng() % 24, 'k') : text(rng() % 8)) + "\":";
      if (rng() % 3 == 0) {  // an integer of 1 to 21 digits (past 2^64), maybe negative or zero-led
        std::string number = rng() % 2 ? "-" : "";
        for (std::size_t d = 0, n = 1 + rng() % 21; d < n; ++d) number += static_cast<char>('0' + rng() % 10);
        line += number;
      } else {
        line += "\"" + text(rng() % 30) + "\"";
      }
    }
    line += "}";
    const std::string got = r.redact_line(line, fast);
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    std::string want;
    if (!j.is_discarded() && j.is_object()) {
      r.redact_json(j, slow);
      want = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      want = r.redact_text(line, slow);
    }
    ASSERT_EQ(got, want) << line;
  }
  EXPECT_EQ(fast.size(), slow.size());
}

TEST(Redactor, HostileInputs) {
  const Redactor r = make();
  Vault v;
  std::string digits(1 << 20, '1');
  EXPECT_EQ(r.redact_text(digits, v).size(), digits.size());
  std::string ats(1 << 18, '@');
  EXPECT_EQ(r.redact_text(ats, v), ats);
  std::string mixed;
  for (int i = 0; i < 20000; ++i) mixed += "a@b.co 1-2 \xff ";
  EXPECT_FALSE(r.redact_text(mixed, v).empty());
  EXPECT_EQ(r.redact_line("{\"a\":" + std::string(100000, '['), v).substr(0, 5), "{\"a\":");
}

}  // namespace
}  // namespace triagent::privacy
