// The block-at-a-time fast paths of the analyzer against byte-by-byte reference loops, on random
// text rich in the bytes each path looks for (and their neighbours).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>

#include "analysis/auth_failure_phrases.hpp"
#include "analysis/json_line_writer.hpp"
#include "triagent/analysis/fang.hpp"
#include "triagent/analysis/field_list.hpp"
#include "triagent/analysis/field_name_hash.hpp"
#include "triagent/analysis/json_flatten.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

std::string random_text(std::mt19937& rng, std::size_t length, std::string_view alphabet) {
  std::string s(length, ' ');
  for (char& c : s) c = alphabet[rng() % alphabet.size()];
  return s;
}

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF), or 0.
std::size_t reference_utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  std::uint32_t cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (cc & 0x3F);
  }
  const std::uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string reference_escaped(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = reference_utf8_length(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

TEST(AnalysisFastPaths, JsonEscapingMatchesTheByteLoop) {
  std::mt19937 rng(20261123);
  // Mostly plain text, so that many strings take the whole-block path; every kind of special byte
  // and the bytes next to the compare bounds (0x1F/0x20, 0x7F/0x80).
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789 .:-_/=ABCDEFXYZ{}[]";
  const std::string special =
      std::string("\"\\\n\r\t\x01\x1F\x7F\x80\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xED\xA0\xFF") + '\0' + ' ';
  for (int round = 0; round < 200000; ++round) {
    const std::size_t length = rng() % 70;
    std::string s = random_text(rng, length, plain);
    const std::size_t specials = rng() % 4 == 0 ? rng() % 3 + 1 : 0;
    for (std::size_t k = 0; k < specials && length > 0; ++k) s[rng() % length] = special[rng() % special.size()];
    std::string out = "prefix";
    append_json_escaped(out, s);
    ASSERT_EQ(out, "prefix" + reference_escaped(s)) << "input of " << s.size() << " bytes";
  }
}

// Texts of defang pieces, their parts and look-alikes, cut at random lengths so that pieces fall
// across the sixteen-byte blocks and at the end of the text.
TEST(AnalysisFastPaths, DefangScreeningMatchesTheByteLoop) {
  std::mt19937 rng(7);
  static constexpr std::string_view kPieces[] = {
      "hxxp", "hXXps", "http", "https", "ftp", "tcp", "xxxx", "[.]", "(.)", "{.}", "<.>", "[dot]", "(dot)", "DOT",
      "Dot]", "punto)", "[@]", "[at]", " AT ", "AT", "[:]", "[://]", "://", ":///", " ://", "]://", "//", "\\.",
      "^.", "\\/", "-dot-", "(www}", "[http]", "sshd[12]", "(pid 4)", "<14>", "a", "b", "e", "o", "u", "D", "P",
      "p", "d", "-", "t", "T", "A", "x", "h", "w", ".", "/", ":", " ", "]", "[", "{", "}", "|", "~", "`", "@",
      "\x01", "\x7f", "\xc3\xa9", "\xff", "word", "example", "com", "192", "168"};
  for (int round = 0; round < 300000; ++round) {
    std::string s;
    const std::size_t pieces = rng() % 12;
    for (std::size_t k = 0; k < pieces; ++k) s += kPieces[rng() % std::size(kPieces)];
    s.resize(std::min<std::size_t>(s.size(), rng() % 64));
    ASSERT_EQ(might_be_defanged(s), detail::might_be_defanged_by_bytes(s)) << s;
  }
}

// field_name_hash() loads words with overlapping reads and lower-cases eight bytes at once; the
// reference builds each word byte by byte from ascii_lower().
std::uint64_t reference_name_hash(std::string_view name) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (name.size() * kMul);
  for (std::size_t i = 0; i < name.size(); i += 8) {
    std::uint64_t w = 0;
    for (std::size_t k = 0; k < 8 && i + k < name.size(); ++k) {
      const char c = name[i + k];
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      w |= std::uint64_t{static_cast<unsigned char>(lower)} << (8 * k);
    }
    h = (h ^ w) * kMul;
  }
  h ^= h >> 32;
  h *= kMul;
  return h ^ (h >> 29);
}

TEST(AnalysisFastPaths, FieldNameHashMatchesTheByteLoop) {
  static_assert(field_name_hash("EventID") == field_name_hash("eVENTid"));
  static_assert(field_name_hash("ab") != field_name_hash(std::string_view("ab\0", 3)));
  std::mt19937 rng(99);
  // Every byte value: the capitals' neighbours ('@', '[', '`', '{') and non-ASCII bytes whose low
  // seven bits are capitals (0xC1) must not be folded.
  std::string alphabet;
  for (int c = 0; c < 256; ++c) alphabet.push_back(static_cast<char>(c));
  for (int round = 0; round < 200000; ++round) {
    const std::string s = random_text(rng, rng() % 40, alphabet);
    ASSERT_EQ(field_name_hash(s), reference_name_hash(s)) << s.size();
    std::string upper = s;
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    ASSERT_EQ(field_name_hash(upper), field_name_hash(s));
    std::uint64_t key = 0, leaf = 0;
    field_key_and_leaf_hash(s, key, leaf);
    const auto dot = s.rfind('.');
    ASSERT_EQ(key, reference_name_hash(s));
    ASSERT_EQ(leaf, dot == std::string::npos ? key : reference_name_hash(std::string_view(s).substr(dot + 1)));
  }
  EXPECT_EQ(field_name_hash("\xC1\xDA"), reference_name_hash("\xC1\xDA"));
  EXPECT_NE(field_name_hash("\xC1"), field_name_hash("\xE1"));
}

// A reused FieldList keeps a slot's key hashes while the slot's key stays the same from one event
// to the next; lookups must then answer as a fresh list would, also when a slot's key changes to
// one of the same length or an event has fewer or more fields than the one before.
TEST(AnalysisFastPaths, ReusedFieldListFindsWhatAFreshOneFinds) {
  static constexpr std::string_view kKeys[] = {"Image", "image", "Imagf", "Event.EventData.Image", "a.b", "a.c",
                                               "host", "HOST", "Event.System.host", "pid", "x", "Event.Image.x"};
  static constexpr std::string_view kNames[] = {"Image", "image", "Imagf", "host", "pid", "x", "a.b", "a.c", "b",
                                                "c", "Event.EventData.Image", "Event.System.host", "Event.Image.x"};
  std::mt19937 rng(5);
  FieldList reused;
  for (int event = 0; event < 20000; ++event) {
    FieldList fresh;
    reused.clear();
    const std::size_t fields = rng() % 6;
    for (std::size_t k = 0; k < fields; ++k) {
      const std::string_view key = kKeys[rng() % std::size(kKeys)];
      const std::string value = std::to_string(k);
      reused.add(key, value);
      fresh.add(key, value);
      if (rng() % 3 == 0) (void)reused.find(kNames[rng() % std::size(kNames)]);  // hashes part of the event
    }
    for (const std::string_view name : kNames) {
      const std::string* got = reused.find(name);
      const std::string* want = fresh.find(name);
      ASSERT_EQ(got == nullptr, want == nullptr) << name << " in event " << event;
      if (got) {
        ASSERT_EQ(*got, *want) << name << " in event " << event;
      }
      for (std::size_t i = 0; i < fresh.size(); ++i) ASSERT_EQ(reused.leaf_hash(i), fresh.leaf_hash(i));
    }
  }
}

// value_in_source() says which values the rules' literal scan of a text line would already read.
TEST(AnalysisFastPaths, FieldValuesKnowWhetherTheyArePiecesOfTheirLine) {
  const std::string line = "host=web1 user=alice msg=hello";
  const std::string_view src = line;
  FieldList f;
  f.set_source(src);
  f.add("host", src.substr(5, 4));                 // a piece of the line
  f.add("user", std::string("alice"));             // equal bytes, but a copy
  f.add("msg", src.substr(25, 5)).append("!");     // a piece, then changed through the reference
  f.add("empty", src.substr(0, 0));
  std::string& in_place = f.add("lower", src.substr(0, 4));
  in_place[0] = 'H';                                // same size, other bytes
  f.set("user", src.substr(15, 5));                 // set() to a piece
  EXPECT_TRUE(f.value_in_source(0));
  EXPECT_TRUE(f.value_in_source(1));
  EXPECT_FALSE(f.value_in_source(2));
  EXPECT_FALSE(f.value_in_source(3));
  EXPECT_FALSE(f.value_in_source(4));
  f.clear();  // parsers clear between attempts on the same line: the source stays
  f.add("host", src.substr(5, 4));
  EXPECT_TRUE(f.value_in_source(0));
  f.set_source({});
  f.clear();
  f.add("host", src.substr(5, 4));
  EXPECT_FALSE(f.value_in_source(0));
}

TEST(AnalysisFastPaths, AuthFailurePhrasesMatchASearchOfTheLowerCasedText) {
  std::mt19937 rng(4625);
  static constexpr std::string_view kPieces[] = {
      "failed password", "Failed Password", "FAILED", "failed", "password", "authentication failure",
      "AUTHENTICATION", "failure", "invalid user", "Invalid User", "invalid", "user", "possible break-in",
      "POSSIBLE BREAK-IN", "possible", "break-in", " ", "  ", "d", "n", "e", "p", "f", "u", "b", "D", "P", "$",
      "\x04", "\xe4", "sshd[1]: ", "for root", "x"};
  for (int round = 0; round < 300000; ++round) {
    std::string s;
    const std::size_t pieces = rng() % 10;
    for (std::size_t k = 0; k < pieces; ++k) s += kPieces[rng() % std::size(kPieces)];
    if (!s.empty() && rng() % 2) s.erase(0, rng() % s.size());  // phrases cut at the start too
    s.resize(std::min<std::size_t>(s.size(), rng() % 80));
    std::string lower = s;
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    bool expected = false;
    for (std::string_view phrase : {"failed password", "authentication failure", "invalid user", "possible break-in"}) {
      expected = expected || lower.find(phrase) != std::string::npos;
    }
    ASSERT_EQ(mentions_auth_failure(s), expected) << s;
  }
}

// The writer against plain string appends: raw pieces and characters, strings to escape or not,
// lines longer than the room asked for (the buffer grows) after shorter ones (it is reused).
TEST(AnalysisFastPaths, JsonLineWriterMatchesStringAppends) {
  std::mt19937 rng(12);
  const std::string alphabet = std::string("abcXYZ019 .:,{}[]\"\\\n\t\x01\x7F\xC3\xA9\xFF") + '\0';
  for (int round = 0; round < 20000; ++round) {
    std::string out = round % 3 == 0 ? "" : "kept";
    std::string expected = out;
    JsonLineWriter w(rng() % 4 == 0 ? 0 : rng() % 300);
    const std::size_t pieces = rng() % 40;
    for (std::size_t k = 0; k < pieces; ++k) {
      const std::string text = random_text(rng, rng() % (rng() % 8 == 0 ? 400 : 20), alphabet);
      switch (rng() % 4) {
        case 0:
          w.raw(text);
          expected += text;
          break;
        case 1:
          w.raw(text.empty() ? 'x' : text[0]);
          expected += text.empty() ? 'x' : text[0];
          break;
        case 2:
          w.escaped(text);
          append_json_escaped(expected, text);
          break;
        default:
          w.quoted(text);
          expected += '"';
          append_json_escaped(expected, text);
          expected += '"';
      }
    }
    w.finish(out);
    ASSERT_EQ(out, expected);
  }
}

// iequals() compares eight bytes at a time, lower-cased together; pairs that differ in case only,
// in one byte, or in the capitals' neighbours and non-ASCII bytes whose low seven bits are capitals.
TEST(AnalysisFastPaths, IequalsMatchesTheByteLoop) {
  std::mt19937 rng(31);
  const std::string alphabet = "aAzZmM09@[`{_-.\xC1\xE1\xDA\xFA";
  for (int round = 0; round < 300000; ++round) {
    const std::string a = random_text(rng, rng() % 30, alphabet);
    std::string b = a;
    for (char& c : b) {
      if (rng() % 2 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c = static_cast<char>(c ^ 0x20);
    }
    if (!b.empty() && rng() % 3 == 0) b[rng() % b.size()] = alphabet[rng() % alphabet.size()];
    bool expected = a.size() == b.size();
    for (std::size_t i = 0; expected && i < a.size(); ++i) {
      auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
      expected = lower(a[i]) == lower(b[i]);
    }
    ASSERT_EQ(iequals(a, b), expected) << a << " / " << b;
  }
}

}  // namespace
}  // namespace triagent::analysis
