// LiteralMatcher against a naive search: every literal that occurs, in any case, is reported, and
// no other, whether the text is scanned as one lane or cut into overlapping lanes, and whether it
// comes whole or as pieces.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/literal_matcher.hpp"

namespace triagent::analysis {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

// The literals, and the matcher built from them (ids[k] is the id of literals[k]).
struct Fixture {
  explicit Fixture(std::vector<std::string> lits) : literals(std::move(lits)) {
    for (const auto& l : literals) ids.push_back(matcher.add(l));
    matcher.build();
  }
  std::set<int> naive(const std::vector<std::string_view>& texts) const {
    std::set<int> found;
    for (const auto text : texts) {
      const std::string t = lower(text);
      for (std::size_t k = 0; k < literals.size(); ++k) {
        if (t.find(lower(literals[k])) != std::string::npos) found.insert(ids[k]);
      }
    }
    return found;
  }
  std::set<int> scanned(const std::vector<std::string_view>& texts, bool as_pieces) const {
    LiteralMatcher::Hits hits(matcher.size());
    if (as_pieces) {
      matcher.scan(texts, hits);
    } else {
      for (const auto text : texts) matcher.scan(text, hits);
    }
    std::set<int> found;
    hits.for_each([&found](int id) { found.insert(id); });
    return found;
  }
  std::vector<std::string> literals;
  std::vector<int> ids;
  LiteralMatcher matcher;
};

TEST(LiteralMatcher, FindsLiteralsInAnyCase) {
  LiteralMatcher m;
  const int mimikatz = m.add("mimikatz");
  const int sekurlsa = m.add("SekurLSA::");
  const int absent = m.add("psexec");
  m.build();
  LiteralMatcher::Hits hits(m.size());
  m.scan("Invoke-MIMIKATZ -Command sekurlsa::logonpasswords", hits);
  EXPECT_TRUE(hits.test(mimikatz));
  EXPECT_TRUE(hits.test(sekurlsa));
  EXPECT_FALSE(hits.test(absent));
}

TEST(LiteralMatcher, TheSameLiteralTwiceHasOneId) {
  LiteralMatcher m;
  EXPECT_EQ(m.add("cmd.exe"), m.add("CMD.EXE"));
  EXPECT_EQ(m.size(), 1u);
}

TEST(LiteralMatcher, ALiteralNeverSpansTwoPieces) {
  LiteralMatcher m;
  const int joined = m.add("powershell");
  const int whole = m.add("shell");
  m.build();
  LiteralMatcher::Hits hits(m.size());
  const std::vector<std::string_view> pieces{"power", "shell"};
  m.scan(pieces, hits);
  EXPECT_FALSE(hits.test(joined));
  EXPECT_TRUE(hits.test(whole));
}

TEST(LiteralMatcher, LongLiteralsSharingTheirFirstBytesAreToldApart) {
  // The automaton keeps sixteen bytes of a literal; the rest is compared where they end.
  const Fixture f({"\\currentversion\\run", "\\currentversion\\runonce", "\\currentversion\\",
                   "\\currentversion\\explorer\\user shell folders\\startup"});
  const std::vector<std::string> texts{
      "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce\\x",
      "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Ru",
      "\\CurrentVersion\\Explorer\\User Shell Folders\\Startu",
      "\\CurrentVersion\\Explorer\\User Shell Folders\\Startup"};
  for (const auto& text : texts) EXPECT_EQ(f.scanned({text}, false), f.naive({text})) << text;
  EXPECT_EQ(f.scanned({texts[0]}, false), (std::set<int>{f.ids[0], f.ids[1], f.ids[2]}));
  EXPECT_EQ(f.scanned({texts[1]}, false), (std::set<int>{f.ids[2]}));
  // A tail never continues into the next piece.
  const std::vector<std::string_view> pieces{"\\currentversion\\r", "un"};
  EXPECT_EQ(f.scanned(pieces, true), (std::set<int>{f.ids[2]}));
}

TEST(LiteralMatcher, LiteralsAcrossEveryLaneBoundaryAreFound) {
  // Planting each literal (one of them longer than the automaton's sixteen-byte keys) at every
  // seventh offset of texts of several lengths puts it across each lane boundary in turn.
  const Fixture f({"net user /add", "x", std::string(60, 'q') + "!", "ab", "b@c"});
  for (const std::size_t size : {1u, 59u, 61u, 120u, 240u, 480u, 1000u}) {
    for (const auto& literal : f.literals) {
      for (std::size_t at = 0; at + literal.size() <= size; at += 7) {
        std::string text(size, '.');
        text.replace(at, literal.size(), literal);
        const std::set<int> expected = f.naive({text});
        ASSERT_FALSE(expected.empty());
        EXPECT_EQ(f.scanned({text}, false), expected) << "size " << size << " '" << literal << "' at " << at;
      }
    }
  }
}

TEST(LiteralMatcher, AgreesWithANaiveSearchOnRandomTexts) {
  std::mt19937 rng(20261123);
  const std::string alphabet = "abcABC.-/ \\:xyz";
  auto random_text = [&](std::size_t n) {
    std::string s(n, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    return s;
  };
  std::vector<std::string> literals;
  for (int i = 0; i < 40; ++i) literals.push_back(random_text(1 + rng() % 9));
  literals.push_back(random_text(50));
  const Fixture f(literals);
  std::size_t found = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> owned;
    const int pieces = 1 + static_cast<int>(rng() % 6);
    for (int p = 0; p < pieces; ++p) owned.push_back(random_text(rng() % 400));
    const std::vector<std::string_view> views(owned.begin(), owned.end());
    const std::set<int> expected = f.naive(views);
    found += expected.size();
    EXPECT_EQ(f.scanned(views, false), expected) << "round " << round;
    EXPECT_EQ(f.scanned(views, true), expected) << "round " << round;
  }
  EXPECT_GT(found, 1000u);  // the texts do hold literals
}

}  // namespace
}  // namespace triagent::analysis
