// The eight-byte run finders of the privacy scanners against the byte loops they replace.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "privacy/scan_util.hpp"

namespace triagent::privacy::detail {
namespace {

std::size_t byte_loop(std::string_view s, std::size_t i, unsigned char cls) {
  while (i < s.size() && (kByteClass[static_cast<unsigned char>(s[i])] & cls)) ++i;
  return i;
}

TEST(ScanUtilRuns, StopAtTheFirstByteOutsideTheClass) {
  const std::string s = "alice_01-Bob\xC3\xA9z9 tail";
  EXPECT_EQ(alnum_end(s, 0), 5u);   // '_'
  EXPECT_EQ(ident_end(s, 0), 8u);   // '-'
  EXPECT_EQ(alnum_end(s, 9), 12u);  // the first non-ASCII byte
  EXPECT_EQ(ident_end(s, 9), 12u);
  EXPECT_EQ(alnum_end(s, s.size()), s.size());
  EXPECT_EQ(alnum_end("0123456789abcdefghijKLMNOPQRSTUVWXYZ", 0), 36u);
}

TEST(ScanUtilRuns, BytesNextToTheClassBoundsAreOutside) {
  // The neighbours of '0'-'9', 'A'-'Z', 'a'-'z' and '_', and their images under the case fold.
  static constexpr char kNeighbours[] = "/:@[^`{\x7F\x80\xFF \t";
  for (const char c : std::string(kNeighbours, sizeof kNeighbours)) {  // with the terminating NUL
    const std::string s = std::string("abcdefghij") + c + "klmnopq";
    EXPECT_EQ(alnum_end(s, 0), 10u) << static_cast<int>(static_cast<unsigned char>(c));
    EXPECT_EQ(ident_end(s, 0), 10u) << static_cast<int>(static_cast<unsigned char>(c));
  }
}

TEST(ScanUtilRuns, MatchTheByteLoopOnRandomText) {
  std::mt19937 rng(1234);
  static constexpr char kAlphabet[] = "aZz09_-. :@[`{/\x7F\x80\xC3\xFF";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), len(0, 40);
  for (int round = 0; round < 5000; ++round) {
    std::string s(len(rng), ' ');
    // Long runs of class bytes now and then, so the eight-byte path is taken often.
    const bool runs = round % 2 == 0;
    for (char& c : s) c = runs && rng() % 4 != 0 ? "aZ09_"[rng() % 5] : alphabet[pick(rng)];
    for (std::size_t i = 0; i <= s.size(); ++i) {
      ASSERT_EQ(alnum_end(s, i), byte_loop(s, i, kClassAlnum)) << s << " @" << i;
      ASSERT_EQ(ident_end(s, i), byte_loop(s, i, kClassIdent)) << s << " @" << i;
    }
  }
}

}  // namespace
}  // namespace triagent::privacy::detail
