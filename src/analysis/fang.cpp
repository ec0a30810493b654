#include "triagent/analysis/fang.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <utility>

#include "triagent/analysis/text_util.hpp"
#include "triagent/core/byte_blocks.hpp"

namespace triagent::analysis {
namespace {

bool is_open(char c) { return c == '[' || c == '(' || c == '{' || c == '<'; }
bool is_close(char c) { return c == ']' || c == ')' || c == '}' || c == '>'; }

// Words that stand for '.' or '@' inside brackets or between indicator parts.
constexpr std::array<std::string_view, 4> kDotWords = {"dot", "punto", "punkt", "point"};
constexpr std::array<std::string_view, 3> kAtWords = {"at", "arroba", "aт"};

bool word_in(std::string_view w, const auto& list) {
  for (auto x : list) {
    if (iequals(w, x)) return true;
  }
  return false;
}

bool word_char(char c) { return is_alnum(c) || c == '-' || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

// Tries to read a bracketed defang token at s[i]: optional spaces, an opener, the token, a closer,
// optional spaces. Returns the replacement and sets `len`, or returns nullptr.
const char* bracketed(std::string_view s, std::size_t i, std::size_t& len) {
  std::size_t k = i;
  // Leading spaces only count when a word precedes and the bracket follows ("me [at] x").
  while (k < s.size() && s[k] == ' ') ++k;
  if (k >= s.size()) return nullptr;
  const bool open = is_open(s[k]);
  const bool close_first = is_close(s[k]);  // "].[" and "].]" variants
  if (!open && !close_first) return nullptr;
  std::size_t b = k + 1;
  std::size_t e = b;
  while (e < s.size() && e - b <= 8 && !is_close(s[e]) && !is_open(s[e])) ++e;
  if (e >= s.size() || e - b > 8) return nullptr;
  std::string_view inner = s.substr(b, e - b);
  const char* rep = nullptr;
  const bool word_sized = inner.size() >= 2 && inner.size() <= 6;  // "at" to "arroba"
  if (inner == "." || (word_sized && word_in(inner, kDotWords))) rep = ".";
  else if (inner == "@" || (word_sized && word_in(inner, kAtWords))) rep = "@";
  else if (inner == ":") rep = ":";
  else if (inner == "://") rep = "://";
  else if (inner == "/") rep = "/";
  else if (inner == "-") rep = "-";
  else if (inner == "," && close_first == false) rep = ".";
  if (!rep) return nullptr;
  if (close_first && !(s[e] == '[' || s[e] == ']')) return nullptr;
  std::size_t end = e + 1;
  // Spaces around a bracketed dot/at word belong to the defang, not to the text.
  const bool spaced = k > i;
  if (spaced) {
    std::size_t t = end;
    while (t < s.size() && s[t] == ' ') ++t;
    if (t == end) return nullptr;  // "a [.]b" is odd; leave it
    end = t;
  }
  len = end - i;
  return rep;
}

// Whether fang() rewrites the scheme separator at t[k] (after "http", "https", "ftp", "tcp"):
// "]" and "[:" forms, and [spaces][':']{2 or 3 '/'}[spaces] other than a plain "://" with no space
// after it, which fang() rewrites to itself.
bool odd_scheme_separator(std::string_view t, std::size_t k) {
  if (k < t.size() && t[k] == ']') return true;
  if (t.substr(k).starts_with("[:")) return true;
  std::size_t j = k;
  while (j < t.size() && t[j] == ' ') ++j;
  const bool spaces_before = j > k;
  const bool colon = j < t.size() && t[j] == ':';
  if (colon) ++j;
  std::size_t slashes = 0;
  while (j < t.size() && t[j] == '/') {
    ++slashes;
    ++j;
  }
  if (slashes < 2 || slashes > 3) return false;
  return spaces_before || !colon || slashes == 3 || (j < t.size() && t[j] == ' ');
}

// Whether a defang notation starts with, or (" AT ") holds, the byte at t[i]. Precise triggers
// only: brackets and parentheses are everywhere in logs ("sshd[12]"), so a bracket counts only when
// it wraps a defang token.
bool trigger_at(std::string_view t, std::size_t i) {
  const char c = t[i];
  switch (c) {
    case '[':
    case '(':
    case '{':
    case ']':
    case ')':
    case '}':
    case '<':
    case '>': {
      std::size_t len = 0;
      if (bracketed(t, i, len)) return true;
      if (i + 1 < t.size() && (t[i + 1] == 'h' || t[i + 1] == 'H' || t[i + 1] == 'w' || t[i + 1] == 'W') &&
          (istarts_with(t.substr(i + 1), "http") || istarts_with(t.substr(i + 1), "www")) && i + 4 < t.size()) {
        const std::string_view rest = t.substr(i + 1);
        const std::size_t close = rest.find_first_of(")]}>");
        if (close != std::string_view::npos && close <= 5) return true;
      }
      return false;
    }
    case '\\':
    case '^':
      return i + 1 < t.size() && (t[i + 1] == '.' || (c == '\\' && t[i + 1] == '/' && i > 0 && t[i - 1] != '\\'));
    case 'h':
    case 'H':
      // Most 'h's start ordinary words: only "hx..." and "ht..." can trigger.
      if (i + 1 < t.size() && t[i + 1] != 'x' && t[i + 1] != 'X' && t[i + 1] != 't' && t[i + 1] != 'T') return false;
      if (i + 4 < t.size() && (t[i + 1] == 'x' || t[i + 1] == 'X') && (t[i + 2] == 'x' || t[i + 2] == 'X')) return true;
      if (istarts_with(t.substr(i), "http")) {
        std::size_t k = i + 4;
        if (k < t.size() && (t[k] == 's' || t[k] == 'S')) ++k;
        if (odd_scheme_separator(t, k)) return true;
      }
      return false;
    case 'x':
    case 'X':
      return istarts_with(t.substr(i), "xxxx") && (i == 0 || !word_char(t[i - 1]));
    case 'D':
      if (t.substr(i).starts_with("DOT") && i > 0 && word_char(t[i - 1])) return true;
      [[fallthrough]];  // "fooDot]com": fang() reads the dot words in any case
    case 'd':
    case 'p':
    case 'P':
      // The last letter of "ftp" and "tcp", whose separators fang() rewrites as http's.
      if ((c == 'p' || c == 'P') && i >= 2 && (iequals(t.substr(i - 2, 2), "ft") || iequals(t.substr(i - 2, 2), "tc")) &&
          odd_scheme_separator(t, i + 1)) {
        return true;
      }
      // A closer right after "dot" or the five-letter words, before any compare.
      if (!((i + 4 < t.size() && is_close(t[i + 3])) || (i + 6 < t.size() && is_close(t[i + 5])))) return false;
      if (i > 0 && i + 1 < t.size() && (t[i + 1] == 'o' || t[i + 1] == 'O' || t[i + 1] == 'u' || t[i + 1] == 'U') &&
          word_char(t[i - 1])) {
        const std::string_view rest = t.substr(i);
        for (auto w : kDotWords) {
          if (istarts_with(rest, w) && rest.size() > w.size() + 1 && is_close(rest[w.size()])) return true;
        }
      }
      return false;
    case '-':
      return istarts_with(t.substr(i), "-dot-");
    case 'A':  // " AT ", found by its rarer 'A'
      return i > 0 && t[i - 1] == ' ' && t.substr(i).starts_with("AT ");
    default:
      return false;
  }
}

// Every trigger in trigger_at() needs both its first byte and the one after it (brackets: the
// token's first byte, or 'h'/'w' of "[http]"/"(www)"), so a table pair rules out most candidates
// before the call: kFollows[next] & kStarts[c] is zero unless next can follow c in a trigger.
enum : std::uint16_t {
  kBracket = 1, kEscape = 2, kH = 4, kX = 8, kBigD = 16, kDash = 32, kDotWord = 64, kBigA = 128, kSchemeEnd = 256
};
constexpr std::array<std::uint16_t, 256> byte_table(
    std::initializer_list<std::pair<std::string_view, std::uint16_t>> rows) {
  std::array<std::uint16_t, 256> t{};
  for (const auto& [bytes, kind] : rows) {
    for (unsigned char c : bytes) t[c] |= kind;
  }
  return t;
}
constexpr auto kStarts = byte_table({{"[({<])}>", kBracket}, {"\\^", kEscape}, {"hH", kH}, {"xX", kX},
                                     {"D", kBigD | kDotWord}, {"-", kDash}, {"dpP", kDotWord}, {"A", kBigA},
                                     {"pP", kSchemeEnd}});
constexpr auto kFollows = byte_table({{".@:/-,dDpPaAhHwW", kBracket}, {"./", kEscape}, {"xXtT", kH}, {"xX", kX},
                                      {"O", kBigD}, {"dD", kDash}, {"oOuU", kDotWord}, {"T", kBigA},
                                      {" :/][", kSchemeEnd}});

bool trigger_pair_at(std::string_view t, std::size_t i) {
  const unsigned char next = i + 1 < t.size() ? static_cast<unsigned char>(t[i + 1]) : 0;
  return (kStarts[static_cast<unsigned char>(t[i])] & kFollows[next]) != 0 && trigger_at(t, i);
}

// Bit k (k < 16) set when p[k] may start a trigger: kStarts' bytes, and '|', '~' and a few control
// bytes that the 0x20 case fold brings along (one compare per member for all sixteen bytes).
[[gnu::always_inline]] inline unsigned trigger_start_bits16(const char* p) {
  const Block16 v = load16(p);
  const Block16 c = v | 0x20;  // 'H' as 'h', '[' as '{', '\\' as '|', '^' as '~'
  // '{' '|' '}' '~' are 0x7B..0x7E: one range (non-ASCII bytes are negative, so below it).
  return high_bits16(((c > 0x7A) & (c < 0x7F)) | (c == '(') | (c == ')') | (c == '<') | (c == '>') | (c == 'h') |
                     (c == 'x') | (c == 'd') | (c == 'p') | (c == '-') | (v == 'A'));
}

}  // namespace

bool might_be_defanged(std::string_view t) {
  // Only the bytes that can start a trigger are looked at, since this runs over every byte of every
  // event before IOC extraction. A text's last piece of under sixteen bytes is the last sixteen
  // bytes of the text with the bits of the ones already looked at cleared; a text shorter than
  // sixteen bytes is copied into a zeroed block, as a NUL is never a trigger.
  const std::size_t n = t.size();
  auto look_at = [&t](std::size_t base, unsigned bits) {
    for (; bits != 0; bits &= bits - 1) {
      if (trigger_pair_at(t, base + static_cast<std::size_t>(std::countr_zero(bits)))) return true;
    }
    return false;
  };
  if (n < 16) {
    char block[16] = {};
    if (n > 0) std::memcpy(block, t.data(), n);
    return look_at(0, trigger_start_bits16(block));
  }
  std::size_t i = 0;
  for (; n - i >= 16; i += 16) {
    if (look_at(i, trigger_start_bits16(t.data() + i))) return true;
  }
  return i < n && look_at(n - 16, trigger_start_bits16(t.data() + n - 16) & (0xFFFFu << (16 - (n - i))));
}

namespace detail {
bool might_be_defanged_by_bytes(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (trigger_pair_at(t, i)) return true;
  }
  return false;
}
}  // namespace detail

void fang(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    // Scheme forms: hxxp, hXXp, xxxx(s) -> http(s); "[http]://", "(https)://", "http]://"
    if ((c == 'h' || c == 'H' || c == 'x' || c == 'X') && (i == 0 || !word_char(s[i - 1]))) {
      std::size_t k = i;
      std::size_t xs = 0;
      bool h = false;
      if (ascii_lower(s[k]) == 'h') {
        h = true;
        ++k;
      }
      while (k < s.size() && (ascii_lower(s[k]) == 'x' || ascii_lower(s[k]) == 't') && xs < 5) {
        ++xs;
        ++k;
      }
      bool ok = false;
      bool secure = false;
      if (h && xs == 2 && k < s.size() && ascii_lower(s[k]) == 'p') {
        ++k;
        ok = true;
        if (k < s.size() && ascii_lower(s[k]) == 's') {
          secure = true;
          ++k;
        }
      } else if (!h && (xs == 4 || xs == 5)) {
        ok = true;
        secure = xs == 5;
        if (k < s.size() && ascii_lower(s[k]) == 's' && xs == 4) {
          secure = true;
          ++k;
        }
      }
      // Only rewrite when a scheme separator follows, so words like "xxxx" in prose survive.
      if (ok && k < s.size() && (s[k] == ':' || s[k] == '[' || s[k] == '(' || s[k] == ']' || s[k] == ' ' ||
                                 s[k] == '/')) {
        const std::string_view tail = s.substr(k);
        if (tail.starts_with("://") || tail.starts_with("[://]") || tail.starts_with("[:]//") ||
            tail.starts_with("(:)//") || tail.starts_with(" ://") || tail.starts_with("//") ||
            tail.starts_with("]://") || tail.starts_with(":///") || tail.starts_with(":// ")) {
          out.append(secure ? "https" : "http");
          i = k;
          continue;
        }
      }
    }
    // "[http]://", "(https)://"
    if ((c == '[' || c == '(') && i + 1 < s.size() && ascii_lower(s[i + 1]) == 'h') {
      const std::string_view rest = s.substr(i + 1);
      for (std::string_view scheme : {"https", "http"}) {
        if (istarts_with(rest, scheme) && rest.size() > scheme.size() && is_close(rest[scheme.size()]) &&
            rest.substr(scheme.size() + 1).starts_with("://")) {
          out.append(to_lower(scheme));
          i += scheme.size() + 2;
          goto next;
        }
      }
    }
    // "[www]." / "(www)."
    if ((c == '[' || c == '(') && istarts_with(s.substr(i + 1), "www") && i + 4 < s.size() && is_close(s[i + 4])) {
      out.append("www");
      i += 5;
      continue;
    }
    // Scheme separators: "http ://", "http:// ", "http//", "http:///", "]://"
    if (c == ':' || c == '/' || c == ' ' || c == ']') {
      const bool after_scheme = out.size() >= 3 && (iends_with(out, "http") || iends_with(out, "https") ||
                                                    iends_with(out, "ftp") || iends_with(out, "tcp"));
      if (after_scheme) {
        std::size_t k = i;
        if (s[k] == ']') ++k;
        while (k < s.size() && s[k] == ' ') ++k;
        std::size_t slashes = 0;
        if (k < s.size() && s[k] == ':') ++k;
        while (k < s.size() && s[k] == '/') {
          ++slashes;
          ++k;
        }
        if (slashes >= 2 && slashes <= 3) {
          while (k < s.size() && s[k] == ' ') ++k;
          out.append("://");
          i = k;
          continue;
        }
      }
    }
    if (is_open(c) || is_close(c) || c == ' ') {
      std::size_t len = 0;
      if (const char* rep = bracketed(s, i, len)) {
        // A spaced bracket needs word characters on both sides ("me [at] example").
        const bool spaced = c == ' ';
        if (!spaced || (!out.empty() && word_char(out.back()))) {
          out.append(rep);
          i += len;
          continue;
        }
      }
    }
    // Escaped dots and slashes: "example\.com", "example^.com", "com\/path".
    if ((c == '\\' || c == '^') && i + 1 < s.size() && s[i + 1] == '.' && i > 0 && word_char(s[i - 1])) {
      out.push_back('.');
      i += 2;
      continue;
    }
    if (c == '\\' && i + 1 < s.size() && s[i + 1] == '/') {
      out.push_back('/');
      i += 2;
      continue;
    }
    // Word forms between indicator parts: "fooDOTcom", "example-dot-ru", "foodot]com", " AT ".
    if ((c == 'D' || c == 'd' || c == '-') && i > 0 && word_char(s[i - 1])) {
      const std::string_view rest = s.substr(i);
      if (rest.starts_with("DOT") && rest.size() > 3 && is_alpha(rest[3])) {
        out.push_back('.');
        i += 3;
        continue;
      }
      if (rest.starts_with("-dot-") && rest.size() > 5 && is_alnum(rest[5])) {
        out.push_back('.');
        i += 5;
        continue;
      }
    }
    if (word_char(c) && i > 0 && word_char(s[i - 1])) {
      const std::string_view rest = s.substr(i);
      for (auto w : kDotWords) {
        if (istarts_with(rest, w) && rest.size() > w.size() + 1 && is_close(rest[w.size()]) &&
            is_alpha(rest[w.size() + 1])) {
          out.push_back('.');
          i += w.size() + 1;
          goto next;
        }
      }
    }
    if (c == ' ' && s.substr(i).starts_with(" AT ") && !out.empty() && word_char(out.back()) && i + 4 < s.size() &&
        word_char(s[i + 4])) {
      out.push_back('@');
      i += 4;
      continue;
    }
    out.push_back(c);
    ++i;
  next:;
  }
}

std::string fang(std::string_view text) {
  std::string out;
  fang(text, out);
  return out;
}

}  // namespace triagent::analysis
