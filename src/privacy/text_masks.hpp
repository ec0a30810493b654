#pragma once
// Sixty-four bytes at a time: bit k of a mask is set when byte base + k of a text is in a class.
// The redactor's passes over every byte (name-like tokens, the bytes that can start a named value)
// walk the set bits of these masks instead of testing each byte: sixteen bytes are classified with
// a few vector compares (SSE2 on x86-64, NEON on ARM, through the compiler's vector extension).
// Exact per byte; bits past the text's end are 0, and no byte past the end is read.
//
//   for (std::size_t base = 0; base < s.size(); base += 64) {
//     for (std::uint64_t m = mask64(s, base, name_char_block); m != 0; m &= m - 1) {
//       look_at(base + std::countr_zero(m));
//     }
//   }

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace triagent::privacy::detail {

// Signed, so that a compare with an ASCII bound never lets a non-ASCII byte (negative) through.
using Block16 = signed char __attribute__((vector_size(16)));

// The high bit of each byte of a compare result, packed into bits 0..15 (byte 0 lowest). Portable
// version: the multiply gathers the eight high bits of a word into its top byte.
inline std::uint32_t high_bits16_portable(Block16 hits) {
  std::uint64_t w[2];
  std::memcpy(w, &hits, sizeof w);
  auto pack = [](std::uint64_t x) {
    return static_cast<std::uint32_t>(((x & 0x8080808080808080ull) * 0x0002040810204081ull) >> 56);
  };
  if constexpr (std::endian::native == std::endian::little) return pack(w[0]) | pack(w[1]) << 8;
  else return pack(__builtin_bswap64(w[0])) | pack(__builtin_bswap64(w[1])) << 8;
}
inline std::uint32_t high_bits16(Block16 hits) {
#if defined(__SSE2__)
  return static_cast<std::uint32_t>(_mm_movemask_epi8(reinterpret_cast<__m128i>(hits)));
#else
  return high_bits16_portable(hits);
#endif
}

// The classes, sixteen bytes at a time (-1 where the byte is in, 0 where not).
inline Block16 alnum_block(Block16 v) {
  const Block16 folded = v | 0x20;  // 'A'-'Z' onto 'a'-'z'; no other byte lands there
  return ((v >= '0') & (v <= '9')) | ((folded >= 'a') & (folded <= 'z'));
}
// What the redactor's name tokens are made of: letters, digits, . _ - $ and the part separators
// \ and @ ("CORP\alice", "alice@corp").
inline Block16 name_char_block(Block16 v) {
  return alnum_block(v) | (v == '.') | (v == '_') | (v == '-') | (v == '$') | (v == '\\') | (v == '@');
}
inline Block16 name_part_block(Block16 v) { return (v == '\\') | (v == '@'); }
// The bytes that can start a named value: "key=", "key:", "user X", "for X".
inline Block16 named_start_block(Block16 v) { return (v == '=') | (v == ':') | ((v | 0x20) == 'u') | (v == 'f'); }

// Bit k of mask j: whether s[base + k] is in the class of the j-th `classes` function (like the
// ones above), for the bytes of s; base < s.size(). Several classes share one load of the bytes.
template <class... BlockClass>
inline std::array<std::uint64_t, sizeof...(BlockClass)> masks64(std::string_view s, std::size_t base,
                                                                 BlockClass... classes) {
  const std::size_t avail = s.size() - base;
  const char* p = s.data() + base;
  char tail[64];
  if (avail < 64) {  // the last, short piece: from a copy, so nothing past the text is read
    std::memset(tail, 0, sizeof tail);
    std::memcpy(tail, p, avail);
    p = tail;
  }
  std::array<std::uint64_t, sizeof...(BlockClass)> masks{};
  const std::size_t blocks = avail < 64 ? (avail + 15) / 16 : 4;  // short texts: only the blocks they fill
  for (std::size_t b = 0; b < blocks; ++b) {
    Block16 v;
    std::memcpy(&v, p + 16 * b, sizeof v);
    std::size_t j = 0;
    ((masks[j++] |= static_cast<std::uint64_t>(high_bits16(classes(v))) << (16 * b)), ...);
  }
  if (avail < 64) {
    for (auto& m : masks) m &= (std::uint64_t{1} << avail) - 1;
  }
  return masks;
}
template <class BlockClass>
inline std::uint64_t mask64(std::string_view s, std::size_t base, BlockClass block) {
  return masks64(s, base, block)[0];
}

// Calls fn(begin, end, has_parts) for each maximal run of name bytes (name_char_block) of s, in
// order; has_parts: the run holds a '\\' or '@'. Each set bit of `edges` is where a run starts or
// ends; a run has parts when the last '\\' or '@' before its end is inside it.
template <class Fn>
inline void for_each_name_token(std::string_view s, Fn&& fn) {
  constexpr std::size_t kNoPart = ~std::size_t{0};
  std::size_t token = 0, last_part = kNoPart;
  bool in_token = false;
  std::uint64_t carry = 0;  // whether the byte before this block is a name byte
  for (std::size_t base = 0; base < s.size(); base += 64) {
    const auto [names, parts] = masks64(s, base, name_char_block, name_part_block);
    std::uint64_t edges = names ^ ((names << 1) | carry);
    carry = names >> 63;
    while (edges != 0) {
      const unsigned k = static_cast<unsigned>(std::countr_zero(edges));
      edges &= edges - 1;
      if (!in_token) {
        token = base + k;
        in_token = true;
        continue;
      }
      in_token = false;
      const std::uint64_t parts_before = parts & ((std::uint64_t{1} << k) - 1);
      if (parts_before != 0) last_part = base + 63 - static_cast<unsigned>(std::countl_zero(parts_before));
      fn(token, base + k, last_part != kNoPart && last_part >= token);
    }
    if (parts != 0) last_part = base + 63 - static_cast<unsigned>(std::countl_zero(parts));
  }
  if (in_token) fn(token, s.size(), last_part != kNoPart && last_part >= token);
}

// Calls fn(i) for the positions i of s that hold a byte of named_start_block, in order; fn returns
// the position the search goes on from (i + 1, or further to skip what it has consumed).
template <class Fn>
inline void for_each_named_start(std::string_view s, Fn&& fn) {
  std::size_t resume = 0;
  for (std::size_t base = 0; base < s.size(); base += 64) {
    if (resume >= base + 64) continue;
    for (std::uint64_t starts = mask64(s, base, named_start_block); starts != 0; starts &= starts - 1) {
      const std::size_t i = base + static_cast<std::size_t>(std::countr_zero(starts));
      if (i >= resume) resume = fn(i);
    }
  }
}

}  // namespace triagent::privacy::detail
