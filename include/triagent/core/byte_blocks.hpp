#pragma once
// Eight bytes at a time, for the JSON and text scanners of the analyzer and the redactor: whether a
// block holds a byte the byte loop must look at. Both tests are exact (bit tricks from "Bit
// Twiddling Hacks": hasless, haszero), so a loop may skip every block they pass and finish byte by
// byte. Sixteen at a time (block16_matches): where in the block such bytes are.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace triagent {

inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline bool block_has_byte(std::uint64_t v, unsigned char c) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const std::uint64_t x = v ^ (kOnes * c);
  return ((x - kOnes) & ~x & kHighs) != 0;
}

// A control byte (< 0x20), '"', '\\' or a non-ASCII byte.
inline bool block_has_json_special(std::uint64_t v) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  return (((v - kOnes * 0x20) & ~v & kHighs) | (v & kHighs)) != 0 || block_has_byte(v, '"') || block_has_byte(v, '\\');
}

// Sixteen bytes at a time, for a scanner whose trigger bytes are rare: which bytes b of p[0..16)
// have (b | Fold) among `Set`, as two words (bytes 0..7, then 8..15), the high bit of a word's byte
// set where the block's byte matches. A Fold of 0x20 matches both cases of a letter with one
// compare (and '[' ']' '\\' '^' as '{' '}' '|' '~'). The compiler's vector extension gives one
// compare per member of the set for all sixteen bytes (SSE2 on x86-64, NEON on ARM).
//
//   for (std::uint64_t word : block16_matches<0x20, 'h', '{'>(p)) {
//     while (word != 0) look_at(p[next_match(word)]);   // 'h', 'H', '[' or '{' (first 8 bytes)
//   }
template <unsigned char Fold, char... Set>
inline std::array<std::uint64_t, 2> block16_matches(const char* p) {
  static_assert(std::endian::native == std::endian::little, "next_match() needs the first byte lowest");
  using Block16 = char __attribute__((vector_size(16)));
  Block16 v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (Fold != 0) v |= static_cast<char>(Fold);
  const auto hits = ((v == Set) | ...);
  std::array<std::uint64_t, 2> words;
  std::memcpy(words.data(), &hits, sizeof words);
  return {words[0] & 0x8080808080808080ull, words[1] & 0x8080808080808080ull};
}

// The eight bytes of w with 'A'..'Z' lower-cased, every other byte value unchanged: bit 7 of each
// byte of `upper` says capital (the byte is ASCII, its low seven bits are >= 'A' and not > 'Z').
constexpr std::uint64_t ascii_lower_word(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const std::uint64_t low7 = w & (kOnes * 0x7F);
  const std::uint64_t ge_a = low7 + kOnes * (0x80 - 'A');
  const std::uint64_t gt_z = low7 + kOnes * (0x7F - 'Z');
  const std::uint64_t upper = ~w & (ge_a ^ gt_z) & (kOnes * 0x80);
  return w | upper >> 2;
}

// Sixteen bytes as one vector of the compiler's vector extension (SSE2 on x86-64, NEON on ARM);
// signed, so that a compare with an ASCII bound never lets a non-ASCII byte (negative) through.
using Block16 = signed char __attribute__((vector_size(16)));

inline Block16 load16(const char* p) {
  Block16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The high bit of each byte of a compare result, packed into bits 0..15 (byte 0 lowest).
inline unsigned high_bits16(Block16 hits) {
#if defined(__SSE2__)
  return static_cast<unsigned>(_mm_movemask_epi8(reinterpret_cast<__m128i>(hits)));
#else
  std::uint64_t w[2];
  std::memcpy(w, &hits, sizeof w);
  auto pack = [](std::uint64_t x) {  // the eight high bits of a word, gathered into its top byte
    return static_cast<unsigned>(((x & 0x8080808080808080ull) * 0x0002040810204081ull) >> 56);
  };
  if constexpr (std::endian::native == std::endian::little) return pack(w[0]) | pack(w[1]) << 8;
  else return pack(__builtin_bswap64(w[0])) | pack(__builtin_bswap64(w[1])) << 8;
#endif
}

// Bit k (k < 16) set when p[k] is a byte a JSON string writer must look at: a control byte (< 0x20),
// '"', '\\' or a non-ASCII byte (negative, so "< 0x20" catches it too).
inline unsigned json_special_bits16(const char* p) {
  const Block16 v = load16(p);
  return high_bits16((v < 0x20) | (v == '"') | (v == '\\'));
}

// The offset in its word of the lowest match left in `word` (from block16_matches), which it
// clears; `word` must not be 0.
inline unsigned next_match(std::uint64_t& word) {
  const unsigned k = static_cast<unsigned>(std::countr_zero(word)) >> 3;
  word &= word - 1;
  return k;
}

}  // namespace triagent
