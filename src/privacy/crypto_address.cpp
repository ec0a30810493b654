// Bitcoin addresses: base58 P2PKH/P2SH ("1...", "3...") and bech32/bech32m segwit ("bc1...").
// Shapes alone would also match random tokens, so each is decoded: a base58 address must decode to
// exactly 25 bytes with version 0x00 or 0x05 (its double-SHA256 checksum is not verified: the
// privacy module has no hash), a bech32 one must pass its BCH checksum.
#include <array>
#include <cstdint>

#include "scan_util.hpp"
#include "triagent/privacy/pii_scanner.hpp"

namespace triagent::privacy {

namespace {

int base58_value(char c) {
  static constexpr std::string_view kAlphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  const auto p = kAlphabet.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

int bech32_value(char c) {
  static constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  const auto p = kCharset.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

std::uint32_t bech32_polymod(std::string_view hrp, std::string_view data) {
  static constexpr std::array<std::uint32_t, 5> kGen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  auto step = [&](std::uint32_t v) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[static_cast<std::size_t>(i)];
    }
  };
  for (char c : hrp) step(static_cast<std::uint32_t>(c) >> 5);
  step(0);
  for (char c : hrp) step(static_cast<std::uint32_t>(c) & 31);
  for (char c : data) step(static_cast<std::uint32_t>(bech32_value(c)));
  return chk;
}

}  // namespace

bool bitcoin_address_valid(std::string_view s) {
  if (s.size() >= 14 && s.size() <= 74 && detail::istarts(s, "bc1")) {
    // One case only; checksum constant 1 (bech32, witness v0) or 0x2bc830a3 (bech32m, v1+).
    bool has_lower = false, has_upper = false;
    std::string data;
    for (char c : s.substr(3)) {
      has_lower |= c >= 'a' && c <= 'z';
      has_upper |= c >= 'A' && c <= 'Z';
      const char l = detail::lower(c);
      if (bech32_value(l) < 0) return false;
      data.push_back(l);
    }
    if (has_lower && has_upper) return false;
    const std::uint32_t pm = bech32_polymod("bc", data);
    return pm == 1 || pm == 0x2bc830a3;
  }
  if (s.size() < 26 || s.size() > 35 || (s[0] != '1' && s[0] != '3')) return false;
  std::array<std::uint8_t, 40> bytes{};  // big-endian, enough for 35 base58 digits
  std::size_t used = 0;
  for (char c : s) {
    const int v = base58_value(c);
    if (v < 0) return false;
    unsigned carry = static_cast<unsigned>(v);
    for (std::size_t k = 0; k < used; ++k) {
      carry += static_cast<unsigned>(bytes[bytes.size() - 1 - k]) * 58;
      bytes[bytes.size() - 1 - k] = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry) {
      if (used == bytes.size()) return false;
      bytes[bytes.size() - 1 - used++] = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
  }
  std::size_t zeros = 0;  // leading '1's are leading zero bytes
  while (zeros < s.size() && s[zeros] == '1') ++zeros;
  const std::size_t length = used + zeros;
  if (length != 25) return false;
  const std::uint8_t version = zeros ? 0 : bytes[bytes.size() - used];
  return version == 0x00 || version == 0x05;
}

}  // namespace triagent::privacy
