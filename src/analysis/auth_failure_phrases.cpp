#include "auth_failure_phrases.hpp"

#include <array>
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

}  // namespace

bool mentions_auth_failure(std::string_view text) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end;) {
    const void* hit = std::memchr(p, ' ', static_cast<std::size_t>(end - p));
    if (hit == nullptr) return false;
    const char* sp = static_cast<const char*>(hit);
    const auto pos = static_cast<std::size_t>(sp - begin);
    if (pos > 0) {
      const char prev = ascii_lower(sp[-1]);
      for (const Phrase& ph : kPhrases) {
        if (prev != ph.before_space || pos < ph.space) continue;
        if (iequals(text.substr(pos - ph.space, ph.text.size()), ph.text)) return true;
      }
    }
    p = sp + 1;
  }
  return false;
}

}  // namespace triagent::analysis
