// Checksums and shapes that separate real identifiers from look-alike numbers.
#include <array>
#include <cstring>

#include "scan_util.hpp"
#include "triagent/core/ip_address.hpp"
#include "triagent/privacy/pii_scanner.hpp"

namespace triagent::privacy {

using namespace detail;

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  bool dbl = false;
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (!digit(digits[i])) return false;
    int d = digits[i] - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return !digits.empty() && sum % 10 == 0;
}

namespace {
struct IbanLength {
  char cc[3];
  int length;
};
// ISO 13616 registry lengths.
constexpr std::array<IbanLength, 89> kIbanLengths = {{
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30}, {"BL", 27},
}};
}  // namespace

bool iban_valid(std::string_view s) {
  if (s.size() < 15 || s.size() > 34 || !upper(s[0]) || !upper(s[1]) || !digit(s[2]) || !digit(s[3])) return false;
  int expected = 0;
  for (const auto& e : kIbanLengths) {
    if (e.cc[0] == s[0] && e.cc[1] == s[1]) expected = e.length;
  }
  if (expected == 0 || static_cast<int>(s.size()) != expected) return false;
  // Move the first four characters to the end, letters to numbers, then mod 97 piecewise.
  int rem = 0;
  auto feed = [&rem](char c) -> bool {
    if (digit(c)) {
      rem = (rem * 10 + (c - '0')) % 97;
    } else if (upper(c)) {
      const int v = c - 'A' + 10;
      rem = (rem * 100 + v) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (std::size_t i = 4; i < s.size(); ++i) {
    if (!feed(s[i])) return false;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    if (!feed(s[i])) return false;
  }
  return rem == 1;
}

bool us_ssn_valid(std::string_view area, std::string_view group, std::string_view serial) {
  if (area.size() != 3 || group.size() != 2 || serial.size() != 4) return false;
  if (area == "000" || area == "666" || area[0] == '9') return false;
  if (group == "00" || serial == "0000") return false;
  // The advertising example numbers and all-same-digit numbers are not real SSNs.
  const char d = area[0];
  bool same = true;
  for (std::string_view part : {area, group, serial}) {
    for (char c : part) same = same && c == d;
  }
  return !same;
}

namespace detail {

bool ipv4(std::string_view s) { return is_ipv4_address(s); }

bool ipv6(std::string_view s) { return is_ipv6_address(s); }

}  // namespace detail
}  // namespace triagent::privacy
