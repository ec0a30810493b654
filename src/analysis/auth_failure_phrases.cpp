#include "auth_failure_phrases.hpp"

#include <array>
#include <bit>
#include <cstring>

#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

struct Phrase {
  std::string_view text;  // lower case, one space
  std::size_t space;      // offset of that space
  char before_space;      // the byte before it, a cheap first test
};

constexpr Phrase make_phrase(std::string_view text) {
  const std::size_t sp = text.find(' ');
  return Phrase{text, sp, text[sp - 1]};
}

constexpr std::array<Phrase, 4> kPhrases = {make_phrase("failed password"), make_phrase("authentication failure"),
                                            make_phrase("invalid user"), make_phrase("possible break-in")};

// Bit k (k < 16) set when p[k] is a space between a byte that ends the first word of a phrase
// ('d', 'n', 'e') and one that starts the second ('p', 'f', 'u', 'b'), in either case (the 0x20
// fold also lets a few non-letters through; the compare after it rejects them). p[-1] and p[16]
// are read.
[[gnu::always_inline]] inline unsigned phrase_space_bits16(const char* p) {
  const Block16 before = load16(p - 1) | 0x20, at = load16(p), after = load16(p + 1) | 0x20;
  return high_bits16((at == ' ') & ((before == 'd') | (before == 'n') | (before == 'e')) &
                     ((after == 'p') | (after == 'f') | (after == 'u') | (after == 'b')));
}

bool phrase_around_space(std::string_view text, std::size_t pos) {
  const char prev = ascii_lower(text[pos - 1]);
  for (const Phrase& ph : kPhrases) {
    if (prev != ph.before_space || pos < ph.space) continue;
    if (iequals(text.substr(pos - ph.space, ph.text.size()), ph.text)) return true;
  }
  return false;
}

}  // namespace

bool mentions_auth_failure(std::string_view text) {
  // Sixteen positions per step; only a space with the right neighbours is compared with the
  // phrases. Position 0 cannot be a phrase's space, so the blocks start at 1 and may read the
  // byte before; the last block, which would read past the end, is read from a zeroed copy (a
  // NUL is no space and no neighbour).
  const std::size_t n = text.size();
  for (std::size_t base = 1; base < n; base += 16) {
    unsigned bits;
    if (n - base >= 17) {
      bits = phrase_space_bits16(text.data() + base);
    } else {
      char block[40] = {};
      std::memcpy(block, text.data() + base - 1, n - base + 1);
      bits = phrase_space_bits16(block + 1);
    }
    for (; bits != 0; bits &= bits - 1) {
      if (phrase_around_space(text, base + static_cast<std::size_t>(std::countr_zero(bits)))) return true;
    }
  }
  return false;
}

}  // namespace triagent::analysis
