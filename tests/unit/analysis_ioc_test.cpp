#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "triagent/analysis/fang.hpp"
#include "triagent/analysis/id_field.hpp"
#include "triagent/analysis/ioc_extractor.hpp"

namespace triagent::analysis {
namespace {

bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

Indicators scan(std::string_view text) {
  Indicators out;
  IocExtractor().scan(text, out);
  return out;
}

TEST(Fang, RewritesDefangNotations) {
  EXPECT_EQ(fang("hxxps[:]//evil[.]com/a"), "https://evil.com/a");
  EXPECT_EQ(fang("bob[at]evil(.)com"), "bob@evil.com");
  EXPECT_EQ(fang("192[.]168[.]4[.]2"), "192.168.4.2");
  EXPECT_EQ(fang("example\\.com"), "example.com");
  EXPECT_EQ(fang("me [at] example [dot] com"), "me@example.com");
  EXPECT_EQ(fang("xxxxs://example.com"), "https://example.com");
  EXPECT_EQ(fang("plain text stays (as it is) [ok]"), "plain text stays (as it is) [ok]");
  EXPECT_FALSE(might_be_defanged("nothing here at all"));
}

// might_be_defanged() is the scanner's shortcut past fang(): it may say yes to text fang() leaves
// alone, never no to text fang() would change.
TEST(Fang, EveryTextFangChangesIsFlaggedFirst) {
  EXPECT_TRUE(might_be_defanged("fooDot]com"));
  EXPECT_TRUE(might_be_defanged("evilPUNTO)ru"));
  EXPECT_TRUE(might_be_defanged("evil<.>ru"));
  EXPECT_TRUE(might_be_defanged("(www}"));
  EXPECT_TRUE(might_be_defanged("http //example.com"));
  EXPECT_TRUE(might_be_defanged("see ftp :// example.com"));
  EXPECT_FALSE(might_be_defanged("plain http://example.com/a"));
  std::mt19937 rng(5);
  const std::string_view pieces[] = {"dot", "Dot", "DOT", "punto", "Punkt", "POINT", "]", ")", "}", ">", "[", "(", "{", "<",
                                     ".", "@", "at", "AT", " ", "hxxp", "hXXps", "xxxx", "://", "\\.", "^.", "-dot-",
                                     "foo", "com", "x", "1", "/", ":", "www", "http", "ftp", "TCP", "s", "  "};
  int changed = 0;
  for (int round = 0; round < 50000; ++round) {
    std::string s;
    const int parts = 1 + static_cast<int>(rng() % 7);
    for (int k = 0; k < parts; ++k) s += pieces[rng() % std::size(pieces)];
    if (fang(s) == s) continue;
    ++changed;
    ASSERT_TRUE(might_be_defanged(s)) << "fang changes \"" << s << "\" but might_be_defanged says no";
  }
  EXPECT_GT(changed, 1000);  // the pieces do make defanged text
}

TEST(IocExtractor, NetworkIndicators) {
  auto f = scan("beacon to hxxp://evil[.]com/a?b=1 and 8.8.8.8, 10.0.0.5:445, fe80::1 from bob@Example.org.");
  EXPECT_TRUE(has(f.urls, "http://evil.com/a?b=1"));
  EXPECT_TRUE(has(f.domains, "evil.com"));
  EXPECT_TRUE(has(f.domains, "example.org"));
  EXPECT_TRUE(has(f.ipv4, "8.8.8.8"));
  EXPECT_TRUE(has(f.ipv4, "10.0.0.5"));
  EXPECT_TRUE(has(f.ipv6, "fe80::1"));
  EXPECT_TRUE(has(f.emails, "bob@example.org"));
  EXPECT_TRUE(is_private_ip("10.0.0.5"));
  EXPECT_TRUE(is_private_ip("172.16.9.1"));
  EXPECT_FALSE(is_private_ip("8.8.8.8"));
  EXPECT_TRUE(is_private_ip("fd00::1"));
}

TEST(IocExtractor, FindsIndicatorsWhereverTheTextEnds) {
  // Words are read sixteen bytes at a time: an indicator must be found, and a look-alike turned
  // away, whether it ends a short text, a long one, or sits across a sixteen-byte boundary.
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  for (std::size_t pad = 0; pad <= 40; ++pad) {
    const std::string lead(pad, ' ');
    Indicators found;
    IocExtractor().scan(lead + "10.1.2.3", found);
    EXPECT_EQ(found.ipv4, std::vector<std::string>{"10.1.2.3"}) << pad;
    found = {};
    IocExtractor().scan(lead + md5, found);
    EXPECT_EQ(found.md5, std::vector<std::string>{md5}) << pad;
    found = {};
    IocExtractor().scan(lead + md5 + " x", found);
    EXPECT_EQ(found.md5, std::vector<std::string>{md5}) << pad;
    found = {};
    IocExtractor().scan(lead + md5.substr(0, 31) + "g", found);  // not all hex
    EXPECT_TRUE(found.md5.empty()) << pad;
    found = {};
    IocExtractor().scan(lead + "10.1.2.3a", found);  // not all digits and dots
    EXPECT_TRUE(found.ipv4.empty()) << pad;
  }
}

TEST(IocExtractor, RejectsLookAlikes) {
  auto f = scan("version 1.2.3.4.5 at 12:30:45 file svchost.exe class org.apache.Foo 256.1.1.1 00:11:22:33:44:55");
  EXPECT_TRUE(f.ipv4.empty());
  EXPECT_TRUE(f.ipv6.empty());
  EXPECT_TRUE(f.domains.empty());
  EXPECT_FALSE(is_valid_domain("notes.txt"));
  EXPECT_TRUE(is_valid_domain("a.b.example.co.uk"));
}

TEST(IocExtractor, HashesCvesPathsRegistryUsers) {
  auto f = scan("MD5=D7AB69FAD18D4A643D84A271DFC0DBDF,IMPHASH=272245E2988E1E430500B852C4FB5E18 "
                "sha256 ff79d3c4a0b7eb191783c323ab8363ebd1fd10be58d8bcc96b07067743ca81d5 CVE-2021-44228 "
                "ran C:\\Program Files\\App\\a.exe /c C:\\x\\y.dll by CORP\\alice, key HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run "
                "and /usr/bin/curl");
  EXPECT_TRUE(has(f.md5, "d7ab69fad18d4a643d84a271dfc0dbdf"));
  EXPECT_FALSE(has(f.md5, "272245e2988e1e430500b852c4fb5e18"));  // imphash, not a file hash
  EXPECT_TRUE(has(f.sha256, "ff79d3c4a0b7eb191783c323ab8363ebd1fd10be58d8bcc96b07067743ca81d5"));
  EXPECT_TRUE(has(f.cves, "CVE-2021-44228"));
  EXPECT_TRUE(has(f.file_paths, "C:\\Program Files\\App\\a.exe"));
  EXPECT_TRUE(has(f.file_paths, "C:\\x\\y.dll"));
  EXPECT_TRUE(has(f.file_paths, "/usr/bin/curl"));
  EXPECT_TRUE(has(f.users, "CORP\\alice"));
  EXPECT_TRUE(has(f.registry_keys, "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"));
}

TEST(IdField, NamesThatSayId) {
  for (const char* n : {"agentUuid", "agent.uuid", "AgentUUID", "agentRealtimeInfo.agentId", "AgentID", "agent_id",
                        "ProcessGuid", "uid", "id"}) {
    EXPECT_TRUE(names_an_id(n)) << n;
  }
  for (const char* n : {"md5", "file.md5", "Hashes", "sha256", "valid", "fluid", "threatInfo.sha1", "I"}) {
    EXPECT_FALSE(names_an_id(n)) << n;
  }
}

TEST(IocExtractor, AgentUuidAfterItsFieldNameIsNoHash) {
  const std::string uuid = "ff819e70af13be381993075eb0ce5f2f";
  for (const std::string& text : {"AgentUUID = \"" + uuid + "\" AND EventType = \"Process Creation\"",
                                 "{\"agentUuid\":\"" + uuid + "\",\"siteId\":\"1\"}", "agent.uuid=" + uuid,
                                 "AgentId: " + uuid}) {
    EXPECT_TRUE(scan(text).md5.empty()) << text;
  }
}

TEST(IocExtractor, HashFieldsStillGiveHashes) {
  const std::string md5 = "d7ab69fad18d4a643d84a271dfc0dbdf";
  for (const std::string& text : {"md5=" + md5, "file.md5: " + md5, "Hashes=\"MD5=" + md5 + ",SHA256=x\"",
                                 "{\"md5\":\"" + md5 + "\"}", "dropped " + md5 + " after the uuid check"}) {
    EXPECT_TRUE(has(scan(text).md5, md5)) << text;
  }
  // Field-aware extraction without hashes (the analyzer's choice for id fields).
  Indicators f;
  IocExtractor(IocScanOptions{.hashes = false}).scan(md5 + " 8.8.8.8", f);
  EXPECT_TRUE(f.md5.empty());
  EXPECT_TRUE(has(f.ipv4, "8.8.8.8"));
}

TEST(IocExtractor, BoundedOutputOnHostileInput) {
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "1.2.3." + std::to_string(i % 250) + " a" + std::to_string(i) + ".com ";
  Indicators f;
  f.max_per_kind = 16;
  IocExtractor().scan(many, f);
  EXPECT_LE(f.ipv4.size(), 16u);
  EXPECT_LE(f.domains.size(), 16u);
  std::string junk(1 << 20, '[');
  IocExtractor().scan(junk, f);
  std::string colons(100000, ':');
  IocExtractor().scan(colons, f);
}

}  // namespace
}  // namespace triagent::analysis
