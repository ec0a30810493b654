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

namespace triagent::analysis {

namespace field_name_hash_detail {

inline constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;  // odd: the multiply is a bijection

// Bytes p[0..n) (n <= 8) as a little-endian word, zero above.
constexpr std::uint64_t word_of(const char* p, std::size_t n) {
  if (std::is_constant_evaluated() || n < 4) {
    std::uint64_t w = 0;
    for (std::size_t k = 0; k < n; ++k) w |= std::uint64_t{static_cast<unsigned char>(p[k])} << (8 * k);
    return w;
  }
  std::uint64_t w = 0;
  if (n == 8) {
    std::memcpy(&w, p, 8);
  } else {  // 4..7 bytes: two overlapping four-byte loads
    std::uint32_t lo = 0, hi = 0;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    if constexpr (std::endian::native == std::endian::big) {
      lo = __builtin_bswap32(lo);
      hi = __builtin_bswap32(hi);
    }
    return lo | (std::uint64_t{hi} >> (8 * (8 - n))) << 32;  // bytes 4..n-1 of p from hi
  }
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// 'A'..'Z' bytes of w plus 0x20: bit 7 of each byte of `upper` says capital (the byte is ASCII,
// its low seven bits are >= 'A' and not > 'Z').
constexpr std::uint64_t lower_word(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  const std::uint64_t low7 = w & (kOnes * 0x7F);
  const std::uint64_t ge_a = low7 + kOnes * (0x80 - 'A');
  const std::uint64_t gt_z = low7 + kOnes * (0x7F - 'Z');
  const std::uint64_t upper = ~w & (ge_a ^ gt_z) & (kOnes * 0x80);
  return w | upper >> 2;
}

// Bit 7 of each byte of w that equals '.' (exact: no borrow runs between bytes).
constexpr std::uint64_t dot_bytes(std::uint64_t w) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const std::uint64_t x = w ^ 0x2E2E2E2E2E2E2E2Eull;
  return ~(((x & kLow7) + kLow7) | x) & ~kLow7;
}

// The hash of `name`; with `last_dot`, also the offset of its last '.' (npos when none), found from
// the same words.
constexpr std::uint64_t hash_words(std::string_view name, std::size_t* last_dot) {
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (name.size() * kMul);  // the length tells "ab" from "ab\0"
  std::size_t i = 0;
  auto mix = [&](std::uint64_t w) {
    if (last_dot != nullptr) {
      if (const std::uint64_t dots = dot_bytes(w)) {
        *last_dot = i + (63 - static_cast<std::size_t>(std::countl_zero(dots))) / 8;
      }
    }
    h = (h ^ lower_word(w)) * kMul;
  };
  if (last_dot != nullptr) *last_dot = std::string_view::npos;
  for (; name.size() - i >= 8; i += 8) mix(word_of(name.data() + i, 8));
  if (i < name.size()) mix(word_of(name.data() + i, name.size() - i));
  h ^= h >> 32;
  h *= kMul;
  return h ^ (h >> 29);
}

}  // namespace field_name_hash_detail

constexpr std::uint64_t field_name_hash(std::string_view name) {
  return field_name_hash_detail::hash_words(name, nullptr);
}

// field_name_hash() of a dotted key path and of its last element ("Event.System.Channel" and
// "Channel"; the same for a key without a dot), in one pass over the key and one over the leaf.
inline void field_key_and_leaf_hash(std::string_view key, std::uint64_t& key_hash, std::uint64_t& leaf_hash) {
  std::size_t dot = std::string_view::npos;
  key_hash = field_name_hash_detail::hash_words(key, &dot);
  leaf_hash = dot == std::string_view::npos ? key_hash : field_name_hash(key.substr(dot + 1));
}

}  // namespace triagent::analysis
