#pragma once
// field_name_hash: the case-insensitive hash FieldList keeps for every key and leaf name of an
// event, and rules and the analyzer compute for the names they look up. Eight bytes per step: the
// ASCII capitals of a word are lower-cased together (exact for every byte value, so non-ASCII bytes
// pass unchanged), then mixed in with one multiply, where a byte-at-a-time FNV-1a took two
// multiplies per byte of every key (hashing the keys was 5% of classify). The final mix spreads
// every input bit to the top bits, which FieldList's presence filter indexes by.
//
//   static_assert(field_name_hash("EventID") == field_name_hash("eventid"));

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "triagent/core/byte_blocks.hpp"  // ascii_lower_word

namespace triagent::analysis {

namespace field_name_hash_detail {

inline constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;  // odd: the multiply is a bijection

inline std::uint64_t load_le(const char* p, std::size_t n) {  // n is 2, 4 or 8
  std::uint64_t w = 0;
  std::memcpy(&w, p, n);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);  // p[0] lowest
  return w;
}

// Bytes p[0..r) of a name (0 < r <= 8) as a little-endian word, zero above; `whole` bytes of the
// name end at p + r. At run time by overlapping loads, never past the name's end: the last eight
// bytes of the name shifted down when it has eight, else two overlapping halves of r.
constexpr std::uint64_t tail_word(const char* p, std::size_t r, std::size_t whole) {
  if (std::is_constant_evaluated() || r == 1) {
    std::uint64_t w = 0;
    for (std::size_t k = 0; k < r; ++k) w |= std::uint64_t{static_cast<unsigned char>(p[k])} << (8 * k);
    return w;
  }
  if (whole >= 8) return load_le(p + r - 8, 8) >> (8 * (8 - r));
  if (r >= 4) return load_le(p, 4) | (load_le(p + r - 4, 4) >> (8 * (8 - r))) << 32;
  return load_le(p, 2) | (load_le(p + r - 2, 2) >> (8 * (4 - r))) << 16;  // r is 2 or 3
}

constexpr std::uint64_t word8(const char* p) {
  if (std::is_constant_evaluated()) return tail_word(p, 8, 8);
  return load_le(p, 8);
}

// Bit 7 of each byte of w that equals '.' (exact: no borrow runs between bytes).
constexpr std::uint64_t dot_bytes(std::uint64_t w) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const std::uint64_t x = w ^ 0x2E2E2E2E2E2E2E2Eull;
  return ~(((x & kLow7) + kLow7) | x) & ~kLow7;
}

// The hash of `name`; with kFindDot, also the offset of its last '.' (npos when none), found from
// the same words.
template <bool kFindDot>
constexpr std::uint64_t hash_words(std::string_view name, std::size_t& last_dot) {
  const char* p = name.data();
  const std::size_t n = name.size();
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (n * kMul);  // the length tells "ab" from "ab\0"
  std::size_t i = 0;
  auto mix = [&](std::uint64_t w) {  // [&]: i and last_dot are used only when kFindDot
    if constexpr (kFindDot) {
      if (const std::uint64_t dots = dot_bytes(w)) {
        last_dot = i + (63 - static_cast<std::size_t>(std::countl_zero(dots))) / 8;
      }
    }
    h = (h ^ ascii_lower_word(w)) * kMul;
  };
  if constexpr (kFindDot) last_dot = std::string_view::npos;
  for (; n - i >= 8; i += 8) mix(word8(p + i));
  if (i < n) mix(tail_word(p + i, n - i, n));
  h ^= h >> 32;
  h *= kMul;
  return h ^ (h >> 29);
}

}  // namespace field_name_hash_detail

constexpr std::uint64_t field_name_hash(std::string_view name) {
  std::size_t unused = 0;
  return field_name_hash_detail::hash_words<false>(name, unused);
}

// field_name_hash() of a dotted key path and of its last element ("Event.System.Channel" and
// "Channel"; the same for a key without a dot), in one pass over the key and one over the leaf.
inline void field_key_and_leaf_hash(std::string_view key, std::uint64_t& key_hash, std::uint64_t& leaf_hash) {
  std::size_t dot = std::string_view::npos;
  key_hash = field_name_hash_detail::hash_words<true>(key, dot);
  leaf_hash = dot == std::string_view::npos ? key_hash : field_name_hash(key.substr(dot + 1));
}

}  // namespace triagent::analysis
