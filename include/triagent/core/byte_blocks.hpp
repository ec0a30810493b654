#pragma once
// Eight bytes at a time, for the JSON and text scanners of the analyzer and the redactor: whether a
// block holds a byte the byte loop must look at. Both tests are exact (bit tricks from "Bit
// Twiddling Hacks": hasless, haszero), so a loop may skip every block they pass and finish byte by
// byte.

#include <cstdint>
#include <cstring>

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

}  // namespace triagent
