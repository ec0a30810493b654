#pragma once
// Byte-level helpers for the privacy scanners (ASCII classes; non-ASCII bytes are never letters).

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "text_masks.hpp"                  // Block16, alnum_block, high_bits16
#include "triagent/core/byte_blocks.hpp"  // load8, block_has_byte, block_has_json_special

namespace triagent::privacy::detail {

inline constexpr bool digit(char c) { return c >= '0' && c <= '9'; }
inline constexpr bool upper(char c) { return c >= 'A' && c <= 'Z'; }
inline constexpr bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The scanners test these classes on nearly every byte they read; one table load each is
// cheaper than the chains of compares.
enum : unsigned char {
  kClassAlpha = 1, kClassAlnum = 2, kClassHex = 4, kClassWord = 8, kClassKey = 16, kClassIp = 32, kClassIdent = 64
};
inline constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> t{};
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    const bool a = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool d = digit(c);
    if (a) t[i] |= kClassAlpha;
    if (a || d) t[i] |= kClassAlnum | kClassWord;
    if (d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) t[i] |= kClassHex;
    if (c == '_' || i >= 0x80) t[i] |= kClassWord;
    if (a || d || c == '_' || c == '-') t[i] |= kClassKey;                 // key=value keys
    if (a || d || c == '_') t[i] |= kClassIdent;
    if (d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.') t[i] |= kClassIp;
  }
  return t;
}();
inline constexpr std::array<char, 256> kLowerByte = [] {
  std::array<char, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = (i >= 'A' && i <= 'Z') ? static_cast<char>(i + 32) : static_cast<char>(i);
  return t;
}();
inline constexpr bool alpha(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassAlpha; }
inline constexpr bool alnum(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassAlnum; }
inline constexpr bool hex(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassHex; }
inline constexpr bool word(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassWord; }
inline constexpr bool ident(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassIdent; }  // alnum, '_'
inline constexpr bool key_char(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassKey; }
inline constexpr bool ip_char(char c) { return kByteClass[static_cast<unsigned char>(c)] & kClassIp; }  // hex : .
inline constexpr char lower(char c) { return kLowerByte[static_cast<unsigned char>(c)]; }

// Run ends, sixteen bytes at a time, for the longer runs (key=value keys, cue words): one vector
// classification and a bit scan per block instead of a per-byte branch (text_masks.hpp; cheaper
// than the eight-byte word tricks used before, even for words shorter than a block). For the
// scanner's word skip the byte loop measured cheaper and stays. Exact: the classes are per byte.
namespace blocks {
// The end of the run of bytes of `cls` (kClassAlnum or kClassIdent) starting at i.
template <unsigned char cls>
inline std::size_t run_end(std::string_view s, std::size_t i) {
  static_assert(cls == kClassAlnum || cls == kClassIdent);
  while (s.size() - i >= 16) {
    Block16 v;
    std::memcpy(&v, s.data() + i, sizeof v);
    Block16 in = alnum_block(v);
    if constexpr (cls == kClassIdent) in |= (v == '_');
    const std::uint32_t stop = ~high_bits16(in) & 0xFFFFu;
    if (stop != 0) return i + static_cast<std::size_t>(std::countr_zero(stop));
    i += 16;
  }
  while (i < s.size() && (kByteClass[static_cast<unsigned char>(s[i])] & cls)) ++i;
  return i;
}
}  // namespace blocks

// The end of the letters and digits starting at i (ident: and '_').
inline std::size_t alnum_end(std::string_view s, std::size_t i) { return blocks::run_end<kClassAlnum>(s, i); }
inline std::size_t ident_end(std::string_view s, std::size_t i) { return blocks::run_end<kClassIdent>(s, i); }

inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}
inline bool istarts(std::string_view s, std::string_view p) { return s.size() >= p.size() && iequal(s.substr(0, p.size()), p); }

bool ipv4(std::string_view s);
bool ipv6(std::string_view s);

}  // namespace triagent::privacy::detail
