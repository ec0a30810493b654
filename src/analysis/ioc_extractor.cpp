#include "triagent/analysis/ioc_extractor.hpp"
#include "triagent/core/ip_address.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>

#include "triagent/analysis/fang.hpp"
#include "triagent/analysis/id_field.hpp"
#include "triagent/analysis/text_util.hpp"
#include "triagent/core/byte_blocks.hpp"

namespace triagent::analysis {
namespace {

constexpr std::string_view kTlds[] = {
#include "tld_list.inc"
};

// TLDs that are also common file extensions: a two-label name ending in them is a file name.
constexpr std::array<std::string_view, 8> kFileLikeTlds = {"java", "py", "sh", "ps", "md", "zip", "mov", "rs"};

// Character classes by table: the word loop below runs on every byte of every event, and the
// chained compares did not inline there.
enum : unsigned char {
  kWordChar = 1,
  kHexChar = 2,
  kDigitChar = 4,
  kDotChar = 8,
  kDigitOrDotChar = 16,
  kIdentChar = 32,  // a letter, digit or '_'
};
constexpr std::array<unsigned char, 256> kCharClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    if (is_alnum(ch) || ch == '_' || ch == '-' || ch == '.') t[c] |= kWordChar;
    if (is_hex(ch)) t[c] |= kHexChar;
    if (is_digit(ch)) t[c] |= kDigitChar;
    if (ch == '.') t[c] |= kDotChar;
    if (ch == '.' || is_digit(ch)) t[c] |= kDigitOrDotChar;
    if (is_alnum(ch) || ch == '_') t[c] |= kIdentChar;
  }
  return t;
}();
inline bool is_word(char c) { return kCharClass[static_cast<unsigned char>(c)] & kWordChar; }
bool is_email_local(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool is_host_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

// The end of the word (letters, digits, '.', '-', '_') that starts at i and whether it holds a
// dot, sixteen bytes at a time: words are most of what the scanner reads, and a byte loop over
// them cost a table lookup and two hard-to-predict branches per byte. Most words are dropped on
// these two facts and the byte after them; word_is() answers the rarer questions about the rest.
struct WordEnd {
  std::size_t end;
  bool has_dot = false;
};
WordEnd word_from(std::string_view s, std::size_t i) {
  WordEnd w{i};
  for (;;) {
    // Sixteen bytes from i; near the end of a text of sixteen bytes or more, its last sixteen
    // with the masks shifted down to i (the bits past the end come in as zeros). A shorter text
    // (most JSON field values) byte by byte: copying it into a zeroed block cost more.
    const std::size_t left = s.size() - i;
    unsigned shift = 0;
    Block16 v;
    if (left >= 16) {
      v = load16(s.data() + i);
    } else if (s.size() >= 16) {
      v = load16(s.data() + s.size() - 16);
      shift = static_cast<unsigned>(16 - left);
    } else {
      for (; i < s.size() && is_word(s[i]); ++i) w.has_dot = w.has_dot || s[i] == '.';
      w.end = i;
      return w;
    }
    const Block16 folded = v | 0x20;  // 'A'..'Z' as 'a'..'z'; no other byte lands on a letter
    const Block16 dot = v == '.';
    const unsigned word =
        high_bits16(((v >= '0') & (v <= '9')) | ((folded >= 'a') & (folded <= 'z')) | dot | (v == '-') | (v == '_')) >>
        shift;
    const auto length = static_cast<unsigned>(std::countr_one(word));
    w.has_dot = w.has_dot || ((high_bits16(dot) >> shift) & ((1u << length) - 1)) != 0;
    if (length < 16) {
      w.end = i + length;
      return w;
    }
    i += 16;
  }
}

// Whether every byte of `word` is in the kCharClass class `cls`.
bool word_is(std::string_view word, unsigned char cls) {
  return std::all_of(word.begin(), word.end(), [cls](char c) { return kCharClass[static_cast<unsigned char>(c)] & cls; });
}
bool hash_length(std::size_t size) { return size == 32 || size == 40 || size == 64; }

// The bytes that end a URL or a path, by table: the path and URL loops test every byte they pass.
enum : unsigned char {
  kUrlStop = 1,
  kPathStop = 2,       // control bytes (tab, CR, LF among them) and the path_stop() punctuation
  kUnixPathStop = 4,   // also ends a '/' path: a backslash, brackets, '=' and ':'
};
constexpr std::array<unsigned char, 256> kStopClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c <= ' '; ++c) t[c] |= kUrlStop;
  for (int c = 0; c < ' '; ++c) t[c] |= kPathStop;
  for (unsigned char c : std::string_view("\"'<>`|\\{}^")) t[c] |= kUrlStop;
  for (unsigned char c : std::string_view("\"'<>|*?,;`")) t[c] |= kPathStop;
  for (unsigned char c : std::string_view("\\)]([=:")) t[c] |= kUnixPathStop;
  return t;
}();
inline bool url_stop(char c) { return kStopClass[static_cast<unsigned char>(c)] & kUrlStop; }
inline bool path_stop(char c) { return kStopClass[static_cast<unsigned char>(c)] & kPathStop; }

// A space inside a path is kept only when the next word continues the path ("Program Files\x")
// and does not start a new argument or a new path.
bool space_continues_path(std::string_view s, std::size_t sp, char sep) {
  std::size_t k = sp;
  while (k < s.size() && s[k] == ' ') ++k;
  if (k - sp != 1 || k >= s.size()) return false;
  const char first = s[k];
  if (first == '-' || first == '/' || first == '\\' || first == '"' || first == '\'') return false;
  if (k + 1 < s.size() && is_alpha(first) && s[k + 1] == ':') return false;  // next drive path
  // The next word must contain the separator before the next space.
  for (std::size_t j = k; j < s.size(); ++j) {
    const char c = s[j];
    if (c == sep) return true;
    if (c == ' ' || path_stop(c)) return false;
  }
  return false;
}

// Registry key names often hold several words ("Image File Execution Options"): a space continues
// the key when a backslash comes before the end of the line and before a new hive name.
bool space_continues_key(std::string_view s, std::size_t sp) {
  for (std::size_t j = sp + 1; j < s.size(); ++j) {
    const char c = s[j];
    if (c == '\\') return true;
    if (path_stop(c) || c == '\t' || c == '\n' || c == '\r') return false;
    if (c == ' ' && j + 1 < s.size() && (s[j + 1] == ' ' || s[j + 1] == '-' || s[j + 1] == '/')) return false;
    if (c == ' ' || j == sp + 1) {
      const std::string_view w = s.substr(c == ' ' ? j + 1 : j, 6);
      if (istarts_with(w, "HKLM\\") || istarts_with(w, "HKCU\\") || istarts_with(w, "HKEY_") || istarts_with(w, "HKU\\") ||
          istarts_with(w, "HKCR\\")) {
        return false;
      }
    }
  }
  return false;
}

std::size_t scan_path(std::string_view s, std::size_t i, char sep, bool registry = false) {
  const unsigned char stop = sep == '/' ? kPathStop | kUnixPathStop : kPathStop;
  std::size_t k = i;
  while (k < s.size()) {
    const char c = s[k];
    if (c == ' ') {
      if (!(registry ? space_continues_key(s, k) : space_continues_path(s, k, sep))) break;
      ++k;
      continue;
    }
    if (kStopClass[static_cast<unsigned char>(c)] & stop) break;
    ++k;
  }
  // Sentence punctuation after a path is not part of it.
  while (k > i && (s[k - 1] == '.' || s[k - 1] == ':' || s[k - 1] == ')' || s[k - 1] == ']')) {
    if (s[k - 1] == ')' && s.substr(i, k - i).find('(') != std::string_view::npos) break;
    --k;
  }
  return k;
}

bool valid_cve(std::string_view t) {
  // CVE-YYYY-NNNN+
  if (t.size() < 13 || !istarts_with(t, "cve-")) return false;
  if (!all_digits(t.substr(4, 4)) || t[8] != '-') return false;
  const std::string_view tail = t.substr(9);
  return tail.size() >= 4 && tail.size() <= 7 && all_digits(tail);
}

constexpr std::array<std::string_view, 7> kHives = {"HKEY_", "HKLM\\", "HKCU\\", "HKU\\", "HKCR\\", "HKCC\\",
                                                    "\\REGISTRY\\"};

}  // namespace

void Indicators::clear() {
  for (auto* v : {&ipv4, &ipv6, &domains, &urls, &emails, &md5, &sha1, &sha256, &cves, &file_paths, &registry_keys,
                  &users, &xmpp}) {
    v->clear();
  }
}

bool Indicators::empty() const {
  for (const auto* v : {&ipv4, &ipv6, &domains, &urls, &emails, &md5, &sha1, &sha256, &cves, &file_paths,
                        &registry_keys, &users, &xmpp}) {
    if (!v->empty()) return false;
  }
  return true;
}

bool Indicators::add(std::vector<std::string>& list, std::string_view value) const {
  if (value.empty() || list.size() >= max_per_kind) return false;
  for (const auto& v : list) {
    if (v == value) return false;
  }
  list.emplace_back(value);
  return true;
}

namespace {
// The TLDs in an open-addressing table of indexes into kTlds, keyed by a hash of the lower-cased
// label: is_valid_domain() asks for the last label of every dotted word, and a binary search over
// the sorted list took eleven string compares.
class TldTable {
 public:
  TldTable() {
    for (std::size_t t = 0; t < std::size(kTlds); ++t) {
      std::size_t s = hash(kTlds[t]) & kMask;
      while (slots_[s] != kEmpty) s = (s + 1) & kMask;
      slots_[s] = static_cast<std::uint16_t>(t);
    }
  }
  bool contains(std::string_view lower) const {
    for (std::size_t s = hash(lower) & kMask; slots_[s] != kEmpty; s = (s + 1) & kMask) {
      if (kTlds[slots_[s]] == lower) return true;
    }
    return false;
  }

 private:
  static constexpr std::size_t kMask = 4095;  // about three slots for each TLD
  static constexpr std::uint16_t kEmpty = 0xFFFF;
  static_assert(std::size(kTlds) < kEmpty && std::size(kTlds) * 2 < kMask);
  static std::uint32_t hash(std::string_view s) {
    std::uint32_t h = 2166136261u;
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h ^ (h >> 15);
  }
  std::array<std::uint16_t, kMask + 1> slots_ = [] {
    std::array<std::uint16_t, kMask + 1> a{};
    a.fill(kEmpty);
    return a;
  }();
};
}  // namespace

bool is_known_tld(std::string_view label) {
  if (label.empty() || label.size() > 24) return false;
  char buf[32];
  for (std::size_t i = 0; i < label.size(); ++i) buf[i] = ascii_lower(label[i]);
  static const TldTable table;
  return table.contains(std::string_view(buf, label.size()));
}

bool parse_ipv4(std::string_view s) { return is_ipv4_address(s); }

// "::" alone is a valid address but never a useful indicator. Without "::" an address has at
// least six colons: times such as "10:00:01" are rejected before the full parse.
bool parse_ipv6(std::string_view s) {
  // One pass for both tests (most candidates are times and hex words before a ':').
  std::size_t colons = 0;
  bool double_colon = false;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k] != ':') continue;
    ++colons;
    double_colon = double_colon || (k + 1 < s.size() && s[k + 1] == ':');
  }
  if (!double_colon && colons < 6) return false;
  return s != "::" && is_ipv6_address(s);
}

bool is_private_ip(std::string_view ip) {
  if (ip.find(':') != std::string_view::npos) {
    const std::string l = to_lower(ip);
    return l == "::1" || l.starts_with("fc") || l.starts_with("fd") || l.starts_with("fe8") || l.starts_with("fe9") ||
           l.starts_with("fea") || l.starts_with("feb") || l == "::";
  }
  int o[4] = {0, 0, 0, 0};
  int k = 0;
  for (char c : ip) {
    if (c == '.') {
      if (++k > 3) return false;
    } else if (is_digit(c)) {
      o[k] = o[k] * 10 + (c - '0');
    } else {
      return false;
    }
  }
  return o[0] == 10 || o[0] == 127 || o[0] == 0 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||
         (o[0] == 192 && o[1] == 168) || (o[0] == 169 && o[1] == 254) || (o[0] == 100 && o[1] >= 64 && o[1] <= 127);
}

bool is_valid_domain(std::string_view s) {
  if (s.size() < 4 || s.size() > 253) return false;
  // The last label first: most dotted words that are no domain ("org.apache.hadoop.MapTask",
  // "file.log") end in no TLD, and one table probe says so before every label is checked.
  const auto last_dot = s.rfind('.');
  if (last_dot == std::string_view::npos || !is_known_tld(s.substr(last_dot + 1))) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  std::string_view last;
  while (start <= s.size()) {
    auto dot = s.find('.', start);
    const std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!(is_alnum(c) || c == '-' || c == '_')) return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return false;
  if (!(last.starts_with("xn--") || std::all_of(last.begin(), last.end(), [](char c) { return is_alpha(c); }))) {
    return false;
  }
  if (!is_known_tld(last)) return false;
  // "org.apache.Foo", "System.Data": a mixed-case last label is a class or member name.
  bool has_upper = false, has_lower = false;
  for (char c : last) {
    has_upper = has_upper || (c >= 'A' && c <= 'Z');
    has_lower = has_lower || (c >= 'a' && c <= 'z');
  }
  if (has_upper && has_lower) return false;
  if (labels == 2) {
    for (auto t : kFileLikeTlds) {
      if (iequals(last, t)) return false;
    }
  }
  return true;
}

void IocExtractor::scan(std::string_view text, Indicators& out) const {
  if (might_be_defanged(text)) {
    thread_local std::string fanged;
    fang(text, fanged);
    scan_fanged(fanged, out, 0);
  } else {
    scan_fanged(text, out, 0);
  }
}

namespace {
void percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t k = 0; k < in.size(); ++k) {
    if (in[k] == '%' && k + 2 < in.size() && is_hex(in[k + 1]) && is_hex(in[k + 2])) {
      auto hv = [](char h) { return is_digit(h) ? h - '0' : ascii_lower(h) - 'a' + 10; };
      out.push_back(static_cast<char>(hv(in[k + 1]) * 16 + hv(in[k + 2])));
      k += 2;
    } else {
      out.push_back(in[k]);
    }
  }
}
}  // namespace

void IocExtractor::scan_fanged(std::string_view s, Indicators& out, int depth) const {
  const std::size_t n = s.size();
  thread_local std::string lower;
  std::size_t i = 0;
  // Bytes that can start an indicator below: letters and digits, a backslash (registry keys, UNC
  // paths), '<' ("<HKCU>" keys), '~' and '/' (Unix paths), ':' ("::1"). Every other byte is passed
  // over at once, whatever precedes it.
  static constexpr std::array<bool, 256> kCanStart = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = is_alnum(static_cast<char>(c));
    for (unsigned char c : std::string_view("\\<~/:")) t[c] = true;
    return t;
  }();
  while (i < n) {
    const char c = s[i];
    if (!kCanStart[static_cast<unsigned char>(c)]) {
      ++i;
      continue;
    }
    const char prev = i > 0 ? s[i - 1] : ' ';
    // Not after a letter, digit, '_' or '.', nor after a '-' that follows one of the first three.
    auto cls = [](char ch) { return kCharClass[static_cast<unsigned char>(ch)]; };
    const bool boundary =
        !((cls(prev) & (kIdentChar | kDotChar)) || (prev == '-' && i > 1 && (cls(s[i - 2]) & kIdentChar)));
    if (!boundary) {
      ++i;
      continue;
    }
    // A letter or digit other than 'H' or 'h' and not before a ':' starts no key or path below:
    // most starts are such words, and go straight to the word.
    const bool plain_word_start = is_alnum(c) && (c | 0x20) != 'h' && !(i + 1 < n && s[i + 1] == ':');
    if (!plain_word_start) {
      // Registry keys, before drive paths and DOMAIN\user (both look alike).
      // (Every hive name starts "HK" or "\\R", in any case.)
      if (options_.paths && (c == 'H' || c == 'h' || c == '\\') && i + 1 < n &&
          (s[i + 1] | 0x20) == (c == '\\' ? 'r' : 'k')) {
        bool hive = false;
        for (auto h : kHives) {
          if (istarts_with(s.substr(i), h)) {
            hive = true;
            break;
          }
        }
        if (hive) {
          const std::size_t end = scan_path(s, i, '\\', true);
          if (end > i + 5) out.add(out.registry_keys, s.substr(i, end - i));
          i = end;
          continue;
        }
      }
      // "<HKCU>\Software\..." as some reports write it.
      if (options_.paths && c == '<' && i + 6 < n && s[i + 1] == 'H' && s[i + 2] == 'K') {
        const auto close = s.find('>', i);
        if (close != std::string_view::npos && close - i <= 6 && close + 1 < n && s[close + 1] == '\\') {
          const std::size_t end = scan_path(s, close + 1, '\\', true);
          thread_local std::string key;
          key.assign(s.substr(i + 1, close - i - 1));
          key.append(s.substr(close + 1, end - close - 1));
          out.add(out.registry_keys, key);
          i = end;
          continue;
        }
      }
      // Windows drive paths "C:\..." and UNC "\\server\share".
      if (options_.paths && ((is_alpha(c) && i + 2 < n && s[i + 1] == ':' && s[i + 2] == '\\' &&
                              (i + 3 < n && !is_space(s[i + 3]))) ||
                             (c == '\\' && i + 2 < n && s[i + 1] == '\\' && is_alnum(s[i + 2])))) {
        const std::size_t end = scan_path(s, i, '\\');
        if (end > i + 3) out.add(out.file_paths, s.substr(i, end - i));
        i = end;
        continue;
      }
      // Unix paths: at least two segments, starting at a word boundary.
      if (options_.paths && c == '~' && i + 2 < n && s[i + 1] == '/' && is_word(s[i + 2])) {
        const std::size_t end = scan_path(s, i, '/');
        if (end > i + 2) out.add(out.file_paths, s.substr(i, end - i));
        i = end;
        continue;
      }
      if (options_.paths && c == '/' && (i == 0 || prev == ' ' || prev == '"' || prev == '\'' || prev == '=' ||
                                         prev == '(' || prev == '\t' || prev == '[')) {
        if (i + 1 < n && (is_alpha(s[i + 1]) || s[i + 1] == '.' || s[i + 1] == '_' || s[i + 1] == '~')) {
          const std::size_t end = scan_path(s, i, '/');
          const std::string_view path = s.substr(i, end - i);
          if (path.find('/', 1) != std::string_view::npos && path.find("//") == std::string_view::npos &&
              path.back() != '/') {
            out.add(out.file_paths, path);
          }
          i = end > i ? end : i + 1;
          continue;
        }
      }
      // IPv6 starting with "::"
      if (c == ':' && i + 1 < n && s[i + 1] == ':') {
        std::size_t e = i;
        while (e < n && (is_hex(s[e]) || s[e] == ':' || s[e] == '.')) ++e;
        const std::string_view cand = s.substr(i, e - i);
        if ((e == n || !is_alnum(s[e])) && cand.size() > 2 && parse_ipv6(cand)) out.add(out.ipv6, cand);
        i = e;
        continue;
      }
      if (!is_alnum(c)) {
        ++i;
        continue;
      }
    }
    // A word: letters, digits, '.', '-', '_'.
    const WordEnd found = word_from(s, i);
    std::size_t e = found.end;
    const bool has_dot = found.has_dot;
    std::string_view word = s.substr(i, e - i);
    const char next = e < n ? s[e] : ' ';
    // Most words are no indicator and start none: every test below needs a ':', '@' or '\\' after
    // the word, a dot in it, "cve" first (in any case) or a hash's length of hex digits (such a
    // word has no '.' or '-' to trim).
    auto cve_first = [&word] { return word.size() >= 3 && (word[1] | 0x20) == 'v' && (word[2] | 0x20) == 'e'; };
    if (!has_dot && next != ':' && next != '@' && next != '\\' && ((c | 0x20) != 'c' || !cve_first()) &&
        !(hash_length(word.size()) && word_is(word, kHexChar))) {
      i = e;
      continue;
    }
    const bool all_hex = word_is(word, kHexChar);
    const bool only_digits_dots = has_dot && word_is(word, kDigitOrDotChar);

    // URL: scheme "://"
    if (next == ':' && e + 2 < n && s[e + 1] == '/' && s[e + 2] == '/' && word.size() <= 10 &&
        std::all_of(word.begin(), word.end(), [](char ch) { return is_alpha(ch); })) {
      std::size_t u = e + 3;
      const std::size_t host_start = u;
      if (u < n && s[u] == '[') {
        const auto close = s.find(']', u);
        u = close == std::string_view::npos ? n : close + 1;
      }
      while (u < n && !url_stop(s[u])) {
        if (s[u] == ']' && u + 1 < n && s[u + 1] == '(') break;  // markdown [text](url)
        ++u;
      }
      // Trailing punctuation belongs to the sentence.
      while (u > host_start) {
        const char t = s[u - 1];
        if (t == '.' || t == ',' || t == ';' || t == ':' || t == '!' || t == '?' || t == '\'' || t == '*') {
          --u;
        } else if (t == ')' && s.substr(i, u - i).find('(') == std::string_view::npos) {
          --u;
        } else if (t == ']' && s.substr(host_start, u - host_start).find('[') == std::string_view::npos) {
          --u;
        } else {
          break;
        }
      }
      std::string_view host = s.substr(host_start, u - host_start);
      const auto host_end = host.find_first_of("/?#");
      if (host_end != std::string_view::npos) host = host.substr(0, host_end);
      const auto at = host.rfind('@');
      if (at != std::string_view::npos) host = host.substr(at + 1);
      if (host.starts_with("[")) {
        const auto close = host.find(']');
        const std::string_view v6 = host.substr(1, close == std::string_view::npos ? host.size() - 1 : close - 1);
        if (parse_ipv6(v6)) out.add(out.ipv6, v6);
        host = {};
      } else {
        const auto colon = host.rfind(':');
        if (colon != std::string_view::npos && all_digits(host.substr(colon + 1))) host = host.substr(0, colon);
      }
      if (!host.empty() && u > host_start) {
        if (options_.urls) out.add(out.urls, s.substr(i, u - i));
        // Indicators carried inside the URL (redirect targets, query values), decoded once.
        const std::size_t rest_start = host_start + host.size();
        if (depth < 2 && rest_start < u) {
          std::string decoded;
          percent_decode(s.substr(rest_start, u - rest_start), decoded);
          IocScanOptions inner = options_;
          inner.paths = false;
          inner.urls = false;
          IocExtractor(inner).scan_fanged(decoded, out, depth + 1);
        }
        if (parse_ipv4(host)) {
          out.add(out.ipv4, host);
        } else if (parse_ipv6(host)) {
          out.add(out.ipv6, host);
        } else if (options_.domains_from_urls && is_valid_domain(host)) {
          lower.assign(host);
          to_lower_in_place(lower);
          out.add(out.domains, lower);
        }
      }
      i = u > i ? u : e;
      continue;
    }

    // E-mail: local@domain
    if (next == '@' && e + 2 < n && s[e + 1] == '[') {
      // local@[192.0.2.1] / local@[IPv6:2001:db8::1]
      const auto close = s.find(']', e + 2);
      if (close != std::string_view::npos && close - e < 60) {
        std::string_view lit = s.substr(e + 2, close - e - 2);
        const bool v6 = istarts_with(lit, "IPv6:");
        const std::string_view addr = v6 ? lit.substr(5) : lit;
        if (v6 ? parse_ipv6(addr) : parse_ipv4(addr)) {
          out.add(out.emails, s.substr(i, close + 1 - i));
          out.add(v6 ? out.ipv6 : out.ipv4, addr);
          i = close + 1;
          continue;
        }
      }
    }
    if (next == '@') {
      std::size_t d = e + 1;
      while (d < n && is_host_char(s[d])) ++d;
      std::string_view domain = s.substr(e + 1, d - e - 1);
      while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) domain.remove_suffix(1);
      std::size_t local_start = i;
      // '+' and '%' are not word characters: extend the local part backwards over them.
      while (local_start > 0 && is_email_local(s[local_start - 1])) --local_start;
      std::string_view local = s.substr(local_start, e - local_start);
      while (!local.empty() && (local.front() == '.' || local.front() == '-')) local.remove_prefix(1);
      if (!local.empty() && is_valid_domain(domain)) {
        lower.assign(local);
        lower.push_back('@');
        for (char ch : domain) lower.push_back(ascii_lower(ch));
        // Jabber/XMPP ids look like e-mail addresses; their servers give them away.
        const bool xmpp = ifind(domain, "jabber") != std::string_view::npos ||
                          ifind(domain, "xmpp") != std::string_view::npos;
        out.add(xmpp ? out.xmpp : out.emails, lower);
        if (options_.domains_from_urls) {
          lower.assign(domain);
          to_lower_in_place(lower);
          out.add(out.domains, lower);
        }
        i = e + 1 + domain.size();
        continue;
      }
      i = e + 1;
      continue;
    }

    // DOMAIN\user (NetBIOS domain, then the account).
    if (options_.users && next == '\\' && word.size() <= 15 && word.size() >= 2 && !has_dot && e + 1 < n &&
        (is_alnum(s[e + 1]) || s[e + 1] == '_')) {
      std::size_t u = e + 1;
      while (u < n && (is_alnum(s[u]) || s[u] == '.' || s[u] == '_' || s[u] == '-' || s[u] == '$')) ++u;
      const char after = u < n ? s[u] : ' ';
      if (after != '\\' && after != '/' && after != ':' && u - e - 1 <= 64) {
        out.add(out.users, s.substr(i, u - i));
        i = u;
        continue;
      }
    }

    // IPv6 starting with a hex group: "fe80::1", "2001:db8::..."
    if (next == ':' && all_hex && word.size() <= 4) {
      std::size_t v = i;
      while (v < n && (is_hex(s[v]) || s[v] == ':' || s[v] == '.')) ++v;
      std::string_view cand = s.substr(i, v - i);
      while (!cand.empty() && cand.back() == '.') cand.remove_suffix(1);
      if ((v == n || !(is_alnum(s[v]) || s[v] == '_')) && parse_ipv6(cand)) {
        out.add(out.ipv6, cand);
        i = v;
        continue;
      }
      if (cand.find(':') != std::string_view::npos && std::count(cand.begin(), cand.end(), ':') > 7) {
        i = v;  // a longer colon-separated hex run (a certificate serial): no address inside
        continue;
      }
    }

    // Trim sentence dots and dashes off the word.
    while (!word.empty() && (word.back() == '.' || word.back() == '-')) word.remove_suffix(1);

    if (all_hex && hash_length(word.size()) && !is_alnum(next)) {
      // Sysmon writes IMPHASH=<md5-length hash>; that is not a file hash. Nor is an agent UUID
      // (32 hex characters) after its field name.
      const std::string_view before = s.substr(i >= 24 ? i - 24 : 0, i >= 24 ? 24 : i);
      const bool imphash = ifind(before, "imphash") != std::string_view::npos ||
                           ifind(before, "authentihash") != std::string_view::npos ||
                           ifind(before, "import hash") != std::string_view::npos;
      if (options_.hashes && !imphash && !value_follows_id_name(s, i)) {
        lower.assign(word);
        to_lower_in_place(lower);
        auto& list = word.size() == 32 ? out.md5 : word.size() == 40 ? out.sha1 : out.sha256;
        out.add(list, lower);
      }
    } else if (only_digits_dots && has_dot) {  // parse_ipv4() wants its three dots
      if (parse_ipv4(word)) out.add(out.ipv4, word);
    } else if ((c == 'C' || c == 'c') && valid_cve(word)) {
      lower.assign(word);
      for (char& ch : lower) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 32) : ch;
      out.add(out.cves, lower);
    } else if ((c == 'C' || c == 'c') && iequals(word, "cve") && next == ' ' && e + 10 < n) {
      // "CVE 2014-1001"
      std::size_t v = e + 1;
      while (v < n && is_word(s[v])) ++v;
      lower.assign("CVE-");
      lower.append(s.substr(e + 1, v - e - 1));
      if (valid_cve(lower)) {
        out.add(out.cves, lower);
        e = v;
      }
    } else if (has_dot && !only_digits_dots && next != '(' && is_valid_domain(word)) {
      lower.assign(word);
      to_lower_in_place(lower);
      out.add(out.domains, lower);
      // "example.com/path": a URL without its scheme.
      if (options_.urls && next == '/' && word.size() == e - i && e + 1 < n && !url_stop(s[e + 1]) && s[e + 1] != '/') {
        std::size_t u = e + 1;
        while (u < n && !url_stop(s[u]) && s[u] != ',') ++u;
        while (u > e + 1 && (s[u - 1] == '.' || s[u - 1] == ')' || s[u - 1] == ';' || s[u - 1] == ':')) --u;
        out.add(out.urls, s.substr(i, u - i));
        e = u;
      }
    }
    i = e > i ? e : i + 1;
  }
}

}  // namespace triagent::analysis
