// The 64-byte class masks of the redactor (text_masks.hpp) and the walks built on them, against
// byte-by-byte loops.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "privacy/scan_util.hpp"
#include "privacy/text_masks.hpp"

namespace triagent::privacy::detail {
namespace {

bool is_name_char(char c) { return alnum(c) || c == '.' || c == '_' || c == '-' || c == '$' || c == '\\' || c == '@'; }
bool is_name_part(char c) { return c == '\\' || c == '@'; }
bool is_named_start(char c) { return c == '=' || c == ':' || c == 'u' || c == 'U' || c == 'f'; }

template <class Pred>
std::uint64_t reference_mask(std::string_view s, std::size_t base, Pred in_class) {
  std::uint64_t m = 0;
  for (std::size_t k = 0; k < 64 && base + k < s.size(); ++k) {
    if (in_class(s[base + k])) m |= std::uint64_t{1} << k;
  }
  return m;
}

struct Token {
  std::size_t begin, end;
  bool has_parts;
  bool operator==(const Token&) const = default;
};

std::vector<Token> reference_tokens(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_name_char(s[i])) {
      ++i;
      continue;
    }
    std::size_t e = i;
    bool parts = false;
    while (e < s.size() && is_name_char(s[e])) parts = is_name_part(s[e++]) || parts;
    out.push_back({i, e, parts});
    i = e;
  }
  return out;
}

// Random text over an alphabet rich in class bytes and their neighbours (the case fold maps
// '@' to '`', '[' to '{', ...; non-ASCII bytes are negative as signed chars).
std::string random_text(std::mt19937& rng, std::size_t length) {
  static constexpr char kAlphabet[] = "aZz09_-.$\\@=:uUfF `{[/\x7F\x80\xC3\xFF\x00\x1A\x1D\x5C\x55 \t";
  std::string s(length, ' ');
  for (char& c : s) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return s;
}

TEST(TextMasks, EachClassMatchesTheByteTest) {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    const std::string s = random_text(rng, rng() % 200 + 1);
    for (std::size_t base = 0; base < s.size(); base += 1 + rng() % 40) {
      const auto [names, parts] = masks64(s, base, name_char_block, name_part_block);
      ASSERT_EQ(names, reference_mask(s, base, is_name_char)) << base;
      ASSERT_EQ(parts, reference_mask(s, base, is_name_part)) << base;
      ASSERT_EQ(mask64(s, base, named_start_block), reference_mask(s, base, is_named_start)) << base;
    }
  }
}

TEST(TextMasks, EveryByteValueIsClassifiedExactly) {
  std::string all(256, '\0');
  for (int c = 0; c < 256; ++c) all[c] = static_cast<char>(c);
  for (std::size_t base = 0; base < all.size(); base += 64) {
    EXPECT_EQ(mask64(all, base, name_char_block), reference_mask(all, base, is_name_char)) << base;
    EXPECT_EQ(mask64(all, base, name_part_block), reference_mask(all, base, is_name_part)) << base;
    EXPECT_EQ(mask64(all, base, named_start_block), reference_mask(all, base, is_named_start)) << base;
  }
}

TEST(TextMasks, PortableHighBitsMatchTheVectorOnes) {
  std::mt19937 rng(11);
  for (int round = 0; round < 10000; ++round) {
    Block16 v;
    for (int k = 0; k < 16; ++k) v[k] = static_cast<signed char>(rng() % 2 ? -1 : static_cast<int>(rng() % 128));
    ASSERT_EQ(high_bits16_portable(v), high_bits16(v));
  }
}

TEST(TextMasks, NameTokensMatchTheByteLoop) {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    // Long runs now and then, so tokens cross the 64-byte blocks and end at the text's end.
    std::string s = random_text(rng, rng() % 300);
    if (round % 3 == 0) {
      for (char& c : s) c = rng() % 8 ? "ab9.\\@"[rng() % 6] : c;
    }
    std::vector<Token> got;
    for_each_name_token(s, [&](std::size_t b, std::size_t e, bool parts) { got.push_back({b, e, parts}); });
    ASSERT_EQ(got, reference_tokens(s)) << s;
  }
  std::vector<Token> got;
  const std::string exact(128, 'a');  // a token that ends exactly at a block boundary
  for_each_name_token(exact, [&](std::size_t b, std::size_t e, bool parts) { got.push_back({b, e, parts}); });
  EXPECT_EQ(got, (std::vector<Token>{{0, 128, false}}));
}

TEST(TextMasks, NamedStartsMatchTheByteLoopWithSkips) {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    const std::string s = random_text(rng, rng() % 300);
    // The callback skips ahead now and then (as after a named value), up to past the end.
    auto next = [&s](std::size_t i) { return i % 5 == 0 ? i + 1 + (i * 7919) % 90 : i + 1; };
    std::vector<std::size_t> got, want;
    for_each_named_start(s, [&](std::size_t i) {
      got.push_back(i);
      return next(i);
    });
    for (std::size_t i = 0; i < s.size();) {
      if (!is_named_start(s[i])) {
        ++i;
        continue;
      }
      want.push_back(i);
      i = next(i);
    }
    ASSERT_EQ(got, want) << s;
  }
}

}  // namespace
}  // namespace triagent::privacy::detail
