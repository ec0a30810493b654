#include "triagent/privacy/pii_scanner.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>

#include "scan_util.hpp"

namespace triagent::privacy {

using namespace detail;

struct PiiScanner::Impl {
  RedactionConfig config;
  std::vector<std::unique_ptr<RE2>> extra;
  std::vector<std::string> extra_tags;
  std::unique_ptr<RE2::Set> extra_set;  // one pass to learn whether any operator pattern matches
};

namespace {

constexpr std::size_t kNone = 0;

bool local_char(char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''; }
bool host_char(char c) { return alnum(c) || c == '.' || c == '-' || static_cast<unsigned char>(c) >= 0x80; }

// Whether a keyword that makes a bare number a phone or SSN appears shortly before `pos`.
bool context_before(std::string_view s, std::size_t pos, std::initializer_list<std::string_view> words) {
  const std::size_t from = pos > 48 ? pos - 48 : 0;
  const std::string_view window = s.substr(from, pos - from);
  // Fold the window once, then let memchr find each word's first letter: this runs for every
  // digit group of every line, and a naive compare at all 48 offsets per word dominated it.
  char buf[48];
  for (std::size_t k = 0; k < window.size(); ++k) buf[k] = lower(window[k]);
  const std::string_view folded(buf, window.size());
  for (auto w : words) {
    if (w.empty() || w.size() > folded.size()) continue;
    const char first = lower(w[0]);
    for (std::size_t k = folded.find(first); k != std::string_view::npos && k + w.size() <= folded.size();
         k = folded.find(first, k + 1)) {
      if (iequal(folded.substr(k, w.size()), w)) return true;
    }
  }
  return false;
}

// local@domain.tld with the '@' at `at`; returns [begin,end) through the out params.
bool email_at(std::string_view s, std::size_t at, std::size_t floor, std::size_t& b, std::size_t& e) {
  std::size_t l = at;
  while (l > floor && local_char(s[l - 1])) --l;
  while (l < at && (s[l] == '.' || s[l] == '-' || s[l] == '\'')) ++l;
  if (l == at) return false;
  std::size_t d = at + 1;
  while (d < s.size() && host_char(s[d])) ++d;
  while (d > at + 1 && (s[d - 1] == '.' || s[d - 1] == '-')) --d;
  const std::string_view domain = s.substr(at + 1, d - at - 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view tld = domain.substr(dot + 1);
  if (tld.size() < 2) return false;
  for (char c : tld) {
    if (!(alpha(c) || static_cast<unsigned char>(c) >= 0x80 || c == '-' || digit(c))) return false;
  }
  if (!alpha(tld[0]) && static_cast<unsigned char>(tld[0]) < 0x80) return false;
  b = l;
  e = d;
  return true;
}

// xx:xx:xx:xx:xx:xx, xx-xx-..., xxxx.xxxx.xxxx
std::size_t mac_at(std::string_view s, std::size_t i) {
  if (i + 14 <= s.size() && hex(s[i]) && hex(s[i + 1]) && hex(s[i + 2]) && hex(s[i + 3]) && s[i + 4] == '.') {
    for (std::size_t k : {5u, 6u, 7u, 8u, 10u, 11u, 12u, 13u}) {
      if (!hex(s[i + k])) return kNone;
    }
    if (s[i + 9] != '.') return kNone;
    const std::size_t e = i + 14;
    return (e == s.size() || !word(s[e])) ? e : kNone;
  }
  if (i + 17 > s.size()) return kNone;
  const char sep = s[i + 2];
  if (sep != ':' && sep != '-') return kNone;
  for (std::size_t g = 0; g < 6; ++g) {
    const std::size_t k = i + g * 3;
    if (!hex(s[k]) || !hex(s[k + 1])) return kNone;
    if (g < 5 && s[k + 2] != sep) return kNone;
  }
  const std::size_t e = i + 17;
  if (e < s.size() && (word(s[e]) || s[e] == sep)) return kNone;
  return e;
}

// What ip_at() and mac_at() first require, inline in the scan: most words fail it, and skip the
// call. An address has a '.' or ':' within its first five bytes, after hex digits only.
bool may_start_ip(std::string_view s, std::size_t i) {
  for (std::size_t k = i; k < i + 5 && k < s.size(); ++k) {
    const unsigned char cls = kByteClass[static_cast<unsigned char>(s[k])];  // one load for both tests
    if (!(cls & kClassIp)) return false;  // neither hex nor '.' ':'
    if (!(cls & kClassHex)) return true;  // '.' or ':'
  }
  return false;
}
// A MAC has its first separator at i + 4 ('.', 14 bytes) or i + 2 (':' or '-', 17 bytes).
bool may_start_mac(std::string_view s, std::size_t i) {
  return (i + 14 <= s.size() && s[i + 4] == '.') || (i + 17 <= s.size() && (s[i + 2] == ':' || s[i + 2] == '-'));
}

std::size_t ip_at(std::string_view s, std::size_t i) {
  // Right after a colon only a dotted quad may start ("ip:10.0.0.1"); an IPv6 tail there is part
  // of a longer token.
  const bool after_colon = i > 0 && s[i - 1] == ':';
  // Every address has a '.' or ':' within its first five bytes (an IPv4 octet has at most three
  // digits, an IPv6 group four hex digits): most words that start with a hex letter or a digit
  // ("default", "2015", a hash) are turned away here, before the scan of their whole length.
  std::size_t k = i;
  while (k < s.size() && k - i < 5 && hex(s[k])) ++k;
  if (k == s.size() || k - i == 5 || (s[k] != '.' && s[k] != ':')) return kNone;
  std::size_t e = i;
  std::size_t colons = 0;
  while (e < s.size() && ip_char(s[e])) {
    colons += s[e] == ':';
    ++e;
  }
  while (e > i && s[e - 1] == '.') --e;  // sentence dot
  if (e < s.size() && (word(s[e]))) return kNone;
  const std::string_view cand = s.substr(i, e - i);
  const bool colon = colons > 0;
  if (colon) {
    // Every IPv6 text form has a "::" or at least six colons (seven in the full form, six before an
    // embedded IPv4): times such as "04:30:43" are rejected before the full parse.
    if (!after_colon && colons >= 2 && (colons >= 6 || cand.find("::") != std::string_view::npos) && ipv6(cand)) return e;
    // host:port ("10.0.0.5:445"): the dotted quad before the port is the address.
    const std::size_t port = cand.find(':');
    const std::string_view quad = cand.substr(0, port);
    const bool digits_follow = port + 1 < cand.size() && cand.substr(port + 1).find_first_not_of("0123456789") ==
                                                             std::string_view::npos;
    return quad.find('.') != std::string_view::npos && digits_follow && ipv4(quad) ? i + port : kNone;
  }
  // A dotted quad has exactly three dots: most digit runs (dates, counters) are rejected here.
  return std::count(cand.begin(), cand.end(), '.') == 3 && ipv4(cand) ? e : kNone;
}

struct Groups {
  // len and gend are read only below count (digit_groups runs for every number and zeroing them
  // cost more than its loop); sep only below count - 1, but small enough to zero.
  std::array<std::size_t, 12> len;
  std::array<std::size_t, 12> gend;  // end offset of each group
  std::array<char, 12> sep{};
  std::size_t count = 0;
  std::size_t digits = 0;
  std::size_t end = 0;
  bool plus = false;
  bool paren = false;
};

// Digit groups separated by single ' ', '-', '.' or '/', with an optional leading '+' and one
// parenthesised group: the raw shape that cards, SSNs and phones are judged on.
Groups digit_groups(std::string_view s, std::size_t i) {
  Groups g;
  std::size_t k = i;
  if (k < s.size() && s[k] == '+') {
    g.plus = true;
    ++k;
  }
  while (k < s.size() && g.count < g.len.size()) {
    bool paren = false;
    if (s[k] == '(') {
      paren = true;
      ++k;
    }
    const std::size_t start = k;
    while (k < s.size() && digit(s[k])) ++k;
    const std::size_t n = k - start;
    if (n == 0) {
      if (paren) --k;
      break;
    }
    if (paren) {
      if (k >= s.size() || s[k] != ')') {
        k = start - 1;
        break;
      }
      ++k;
      g.paren = true;
    }
    g.len[g.count] = n;
    g.gend[g.count] = k;
    g.digits += n;
    ++g.count;
    g.end = k;
    if (paren && k < s.size() && digit(s[k])) {  // "(898)666-3621"
      g.sep[g.count - 1] = ')';
      continue;
    }
    if (k + 1 < s.size() && (s[k] == ' ' || s[k] == '-' || s[k] == '.' || s[k] == '/') &&
        (digit(s[k + 1]) || s[k + 1] == '(')) {
      g.sep[g.count - 1] = s[k];
      ++k;
      continue;
    }
    if (paren && k + 1 < s.size() && s[k] == ' ' && digit(s[k + 1])) {
      g.sep[g.count - 1] = ' ';
      ++k;
      continue;
    }
    break;
  }
  return g;
}

// Issuer prefixes (IIN ranges) in use: Amex/Diners/JCB 3, Visa 4, Mastercard 5 and 2221-2720,
// Discover/Maestro/UnionPay 6, JCB 1800 and 2131. Other Luhn-valid numbers are ids, not cards.
bool card_prefix(std::string_view d) {
  if (d.empty()) return false;
  if (d[0] >= '3' && d[0] <= '6') return true;
  if (d.starts_with("1800") || d.starts_with("2131")) return true;
  if (d[0] == '2' && d.size() >= 4) {
    const int p = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    return p >= 2221 && p <= 2720;
  }
  return false;
}

bool followed_cleanly(std::string_view s, std::size_t e) {
  if (e >= s.size()) return true;
  const char c = s[e];
  if (word(c) || c == '@') return false;
  // "1.2.3.4.5", "12:30": more number follows
  if ((c == '.' || c == ':' || c == ',' || c == '-' || c == '/') && e + 1 < s.size() && digit(s[e + 1])) return false;
  return true;
}

// First letters of the cue words cue_at() knows (passport, travel, license, nhs, bank, mr, dr,
// name, contact, customer, signed, follow, ...): any other word cannot be a cue.
constexpr std::array<bool, 256> kCueFirst = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view("ptlnbmdcsfPTLNBMDCSF")) t[c] = true;
  return t;
}();
// The same words by first letter (either case): bit n is set when one of them has n letters.
constexpr std::array<std::uint16_t, 256> kCueLengths = [] {
  std::array<std::uint16_t, 256> t{};
  for (std::string_view w : {"passport", "travel", "license", "licence", "nhs", "bank", "mr", "mrs", "ms", "dr",
                             "miss", "mister", "name", "contact", "customer", "signed", "follow"}) {
    const auto bit = static_cast<std::uint16_t>(1u << w.size());
    t[static_cast<unsigned char>(w[0])] |= bit;
    t[static_cast<unsigned char>(w[0] - 32)] |= bit;
  }
  return t;
}();

// Bytes at which run() can find something: letters and digits, '@' (e-mail), '-' and '/'
// (key blocks, command-line switches), '+' and '(' (phone numbers), ':' (IPv6).
constexpr std::array<bool, 256> kCanStart = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = alnum(static_cast<char>(c));
  for (unsigned char c : std::string_view("@-/+(:")) t[c] = true;
  return t;
}();

// Bytes after which no word starts (the word skip and e-mail rules below), and bytes numeric_at()
// can start at: one table load each instead of the chains of compares.
constexpr std::array<bool, 256> kInsideWordAfter = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = word(static_cast<char>(c)) || c == '.' || c == '@';
  return t;
}();
constexpr std::array<bool, 256> kNumericStart = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = alnum(static_cast<char>(c)) || c == '+' || c == '(' || c == ':';
  return t;
}();

class Scan {
 public:
  Scan(const PiiScanner::Impl& impl, std::string_view s, std::vector<PiiFinding>& out)
      : cfg_(impl.config), s_(s), out_(out) {}

  void run() {
    const std::size_t n = s_.size();
    std::size_t i = 0;
    while (i < n) {
      const char c = s_[i];
      if (!kCanStart[static_cast<unsigned char>(c)]) {
        // Nothing starts here: step over the byte, or the whole word when it opens one ('_', a
        // non-ASCII byte), as the word skip below would.
        ++i;
        if (word(c)) {
          while (i < n && word(s_[i])) ++i;
        }
        continue;
      }
      // E-mail is found at its '@', after the local part has been passed over.
      if (c == '@') {
        std::size_t b, e;
        if (cfg_.emails && email_at(s_, i, floor_, b, e)) {
          if (cfg_.person_names) display_name_before(b);
          emit(b, e, PiiKind::email);
          i = e;
          continue;
        }
        ++i;
        continue;
      }
      const bool boundary = i == 0 || !kInsideWordAfter[static_cast<unsigned char>(s_[i - 1])];
      if (!boundary) {
        ++i;
        continue;
      }
      if (alpha(c) && kCueFirst[static_cast<unsigned char>(c)]) {
        if (std::size_t e = cue_at(i)) {
          i = e;
          continue;
        }
      }
      if (std::size_t e = secret_at(i)) {
        i = e;
        continue;
      }
      if (kNumericStart[static_cast<unsigned char>(c)]) {
        if (std::size_t e = numeric_at(i)) {
          i = e;
          continue;
        }
      }
      // Skip the rest of this word: nothing starts inside it (special_at may already know where
      // its letters and digits end).
      const bool in_word = word(c);
      ++i;
      if (in_word && word_known_end_ > i) i = word_known_end_;
      while (in_word && i < n && word(s_[i])) ++i;
    }
  }

 private:
  void emit(std::size_t b, std::size_t e, PiiKind kind) {
    if (b < floor_ || e <= b) return;
    out_.push_back(PiiFinding{b, e, kind, placeholder_tag(kind)});
    floor_ = e;
  }

  // Value after a key such as "password=" / "password: " / "-password ", up to a delimiter.
  std::size_t secret_value(std::size_t v, PiiKind kind, bool quoted_only = false) {
    while (v < s_.size() && (s_[v] == ' ' || s_[v] == '\t')) ++v;
    if (v >= s_.size()) return kNone;
    std::size_t b = v, e = v;
    if (s_[v] == '"' || s_[v] == '\'') {
      const char q = s_[v];
      b = v + 1;
      e = b;
      while (e < s_.size() && s_[e] != q && s_[e] != '\n') ++e;
    } else {
      if (quoted_only) return kNone;
      while (e < s_.size() && !space(s_[e]) && s_[e] != '"' && s_[e] != '\'' && s_[e] != ',' && s_[e] != ';' &&
             s_[e] != '&' && s_[e] != '<' && s_[e] != '>' && s_[e] != ')' && s_[e] != '}') {
        ++e;
      }
    }
    if (e <= b || (e - b < 3 && kind != PiiKind::password)) return kNone;
    const std::string_view v_text = s_.substr(b, e - b);
    if (v_text == "null" || v_text == "none" || v_text == "***" || v_text.starts_with("<")) return kNone;
    emit(b, e, kind);
    return e;
  }

  // The end of the key=value key at i (letters, digits, '_', '-'). Up to its first '-' the key is
  // all word bytes, which run() then need not read again.
  std::size_t key_end(std::size_t i) {
    std::size_t w = ident_end(s_, i);
    word_known_end_ = w;
    while (w < s_.size() && key_char(s_[w])) ++w;
    return w;
  }

  // special_at() for most words, cheaply: a word starting with a letter that opens no token
  // prefix can only be a secret key followed by '=' or ':', or "user" / "ConvertTo-SecureString".
  [[gnu::always_inline]] std::size_t secret_at(std::size_t i) {  // once per word: inline, whatever GCC estimates
    const char c = s_[i];
    if (!cfg_.secrets) return kNone;
    if (!alpha(c)) return c == '-' || c == '/' ? special_at(i) : kNone;
    // Token prefixes (JWT "eyJ", AWS "AKIA"..., "AIza", "bearer ", "ghp_", "xoxb-", "sk-"...): a
    // word whose first two letters open none of them only has the key=value check.
    const char c2 = i + 1 < s_.size() ? s_[i + 1] : '\0';
    bool prefix = false;
    switch (c) {
      case 'e': prefix = c2 == 'y'; break;
      case 'A': prefix = c2 == 'K' || c2 == 'S' || c2 == 'G' || c2 == 'I' || c2 == 'R' || c2 == 'N'; break;
      case 'B':
      case 'b': prefix = c2 == 'e' || c2 == 'E'; break;
      case 'g': prefix = c2 == 'h'; break;
      case 'x': prefix = c2 == 'o'; break;
      case 's': prefix = c2 == 'k'; break;
      default: break;
    }
    if (prefix) return special_at(i);
    const std::size_t w = key_end(i);
    const std::size_t len = w - i;
    if (len < 3 || len > 32) return kNone;
    std::size_t v = w;
    if (v < s_.size() && (s_[v] == '"' || s_[v] == '\'')) ++v;
    while (v < s_.size() && s_[v] == ' ') ++v;
    const char sep = v < s_.size() ? s_[v] : '\0';
    if (sep != '=' && sep != ':' && len != 4 && len != 22) return kNone;
    return special_at(i);
  }

  // Secrets and tokens that start with a letter or punctuation.
  std::size_t special_at(std::size_t i) {
    if (!cfg_.secrets) return kNone;
    const char c = s_[i];
    // Every secret below starts with '-', '/' or a letter; digits and punctuation leave early.
    if (!(c == '-' || c == '/' || alpha(c))) return kNone;
    const std::string_view rest = s_.substr(i);
    if (c == '-' && rest.starts_with("-----BEGIN ")) {
      const auto line_end = rest.find("-----", 11);
      if (line_end != std::string_view::npos && rest.substr(0, line_end).find("PRIVATE KEY") != std::string_view::npos) {
        const auto end_marker = rest.find("-----END ", line_end);
        std::size_t e = s_.size();
        if (end_marker != std::string_view::npos) {
          const auto close = rest.find("-----", end_marker + 9);
          e = close == std::string_view::npos ? s_.size() : i + close + 5;
        }
        emit(i, e, PiiKind::private_key);
        return e;
      }
    }
    if (c == 'e' && rest.starts_with("eyJ")) {  // JWT: header.payload.signature, base64url
      std::size_t e = i;
      int dots = 0;
      while (e < s_.size() && (alnum(s_[e]) || s_[e] == '-' || s_[e] == '_' || s_[e] == '.')) {
        dots += s_[e] == '.';
        ++e;
      }
      if (dots == 2 && e - i >= 30) {
        emit(i, e, PiiKind::jwt);
        return e;
      }
    }
    if (c == 'A' && rest.size() >= 20) {  // AWS access key ids
      static constexpr std::array<std::string_view, 9> kPrefixes = {"AKIA", "ASIA", "AGPA", "AIDA", "AROA",
                                                                    "AIPA", "ANPA", "ANVA", "ASCA"};
      for (auto p : kPrefixes) {
        if (!rest.starts_with(p)) continue;
        std::size_t k = 4;
        while (k < 20 && (upper(rest[k]) || digit(rest[k]))) ++k;
        if (k == 20 && (rest.size() == 20 || !alnum(rest[20]))) {
          emit(i, i + 20, PiiKind::aws_access_key);
          return i + 20;
        }
      }
    }
    if ((c == 'B' || c == 'b') && istarts(rest, "bearer ")) {
      std::size_t b = i + 7;
      while (b < s_.size() && s_[b] == ' ') ++b;
      std::size_t e = b;
      while (e < s_.size() && (alnum(s_[e]) || s_[e] == '-' || s_[e] == '_' || s_[e] == '.' || s_[e] == '~' ||
                               s_[e] == '+' || s_[e] == '/' || s_[e] == '=')) {
        ++e;
      }
      if (e - b >= 16) {
        emit(b, e, PiiKind::bearer_token);
        return e;
      }
    }
    // Well-known token prefixes: GitHub, Slack, Google API keys, Stripe live keys.
    if ((c == 'g' && (rest.starts_with("ghp_") || rest.starts_with("gho_") || rest.starts_with("ghs_"))) ||
        (c == 'x' && (rest.starts_with("xoxb-") || rest.starts_with("xoxp-") || rest.starts_with("xoxa-"))) ||
        (c == 'A' && rest.starts_with("AIza")) || (c == 's' && (rest.starts_with("sk_live_") || rest.starts_with("sk-")))) {
      std::size_t e = i;
      while (e < s_.size() && (alnum(s_[e]) || s_[e] == '-' || s_[e] == '_')) ++e;
      if (e - i >= 24) {
        emit(i, e, PiiKind::api_key);
        return e;
      }
    }
    // Command-line credential switches: /p:x, -password x, --password=x, /ntlm:hash, -hashes lm:nt
    if (c == '-' || c == '/') {
      std::size_t k = i + 1;
      if (k < s_.size() && s_[k] == '-') ++k;
      std::size_t w = k;
      while (w < s_.size() && (alnum(s_[w]) || s_[w] == '_')) ++w;
      const std::string_view flag = s_.substr(k, w - k);
      const char sep = w < s_.size() ? s_[w] : '\0';
      if (flag.empty() || !(sep == ':' || sep == '=' || sep == ' ')) return kNone;
      const bool pw_flag = iequal(flag, "password") || iequal(flag, "passwd") || iequal(flag, "pwd") ||
                           iequal(flag, "pass") || iequal(flag, "pw") ||
                           (c == '/' && iequal(flag, "p") && sep == ':') ||
                           (c == '-' && flag == "p" && sep == ' ' && has_user_switch(i));
      if (pw_flag) return secret_value(w + 1, PiiKind::password);
      const bool hash_flag = iequal(flag, "ntlm") || iequal(flag, "rc4") || iequal(flag, "aes128") ||
                             iequal(flag, "aes256") || iequal(flag, "hash") || iequal(flag, "hashes") ||
                             iequal(flag, "nthash") || iequal(flag, "lmhash");
      if (hash_flag) return secret_value(w + 1, PiiKind::secret_hash);
      return kNone;
    }
    if (!alpha(c)) return kNone;
    // key=value / key: value secrets, and "net user name password".
    const std::size_t w = key_end(i);
    const std::string_view key = s_.substr(i, w - i);
    if (key.size() < 3 || key.size() > 32) return kNone;
    std::size_t v = w;
    if (v < s_.size() && (s_[v] == '"' || s_[v] == '\'')) ++v;  // "password": "x"
    while (v < s_.size() && s_[v] == ' ') ++v;
    const char sep = v < s_.size() ? s_[v] : '\0';
    if (sep == '=' || sep == ':') {
      const PiiKind kind = secret_key_kind(key);
      if (kind != PiiKind::custom) {
        std::size_t val = v + 1;
        if (val < s_.size() && s_[val] == '=') return kNone;  // "==" comparisons
        return secret_value(val, kind);
      }
    }
    if (iequal(key, "user") && i >= 4 && (istarts(s_.substr(i - 4), "net ") || istarts(s_.substr(i - 5 < i ? i - 5 : 0), "net1 "))) {
      // net user <name> <password> [/add|/domain]
      std::size_t a = w;
      while (a < s_.size() && s_[a] == ' ') ++a;
      std::size_t ae = a;
      while (ae < s_.size() && !space(s_[ae])) ++ae;
      std::size_t p = ae;
      while (p < s_.size() && s_[p] == ' ') ++p;
      if (ae > a && p < s_.size() && s_[p] != '/' && s_[p] != '*' && s_[p] != '"' && p > ae) {
        return secret_value(p, PiiKind::password);
      }
    }
    if (iequal(key, "ConvertTo-SecureString")) return secret_value(w, PiiKind::password, true);
    return kNone;
  }

  // ---- cues: a keyword that says what the next token is

  // Whether `phrase` (lower case, single spaces) follows at `i`, ignoring case; its end or kNone.
  std::size_t follows(std::size_t i, std::string_view phrase) const {
    if (i + phrase.size() > s_.size() || !iequal(s_.substr(i, phrase.size()), phrase)) return kNone;
    const std::size_t e = i + phrase.size();
    return (e < s_.size() && alnum(s_[e]) && alnum(phrase.back())) ? kNone : e;
  }

  // A name word: capitalised (or any non-ASCII start), then letters, '-', '\''.
  std::size_t name_word(std::size_t i, bool any_case) const {
    if (i >= s_.size()) return kNone;
    const unsigned char u = static_cast<unsigned char>(s_[i]);
    if (!(upper(s_[i]) || u >= 0x80 || (any_case && alpha(s_[i])))) return kNone;
    std::size_t e = i;
    while (e < s_.size() && (alpha(s_[e]) || static_cast<unsigned char>(s_[e]) >= 0x80 ||
                             ((s_[e] == '-' || s_[e] == '\'') && e + 1 < s_.size() && alpha(s_[e + 1])))) {
      ++e;
    }
    if (e - i < 2) return kNone;
    static constexpr std::array<std::string_view, 12> kNotNames = {"the", "and", "from", "for", "with", "who",
                                                                  "in", "at", "on", "to", "is", "was"};
    for (auto w : kNotNames) {
      if (iequal(s_.substr(i, e - i), w)) return kNone;
    }
    return e;
  }

  // Up to three name words from `i` (after spaces); emits them as one person.
  std::size_t name_after(std::size_t i, bool any_case) {
    while (i < s_.size() && (s_[i] == ' ' || s_[i] == ':' || s_[i] == '\t')) ++i;
    std::size_t e = name_word(i, any_case);
    if (e == kNone) return kNone;
    for (int words = 1; words < 3; ++words) {
      std::size_t k = e;
      if (k + 1 < s_.size() && s_[k] == ' ' && upper(s_[k + 1]) && k + 2 < s_.size() && s_[k + 2] == '.') {
        e = k + 3;  // middle initial: "Ruth R. Montez"
        continue;
      }
      if (k + 1 >= s_.size() || s_[k] != ' ') break;
      if (k + 2 < s_.size() && upper(s_[k + 1]) && s_[k + 2] == ' ') {  // "Ruth R Montez"
        if (std::size_t n = name_word(k + 3, any_case)) {
          e = n;
          continue;
        }
      }
      const std::size_t n = name_word(k + 1, any_case);
      if (n == kNone) break;
      e = n;
    }
    emit(i, e, PiiKind::person);
    return e;
  }

  // "John Smith <john@corp.com>": the words before '<' are the mailbox owner's name.
  void display_name_before(std::size_t email_begin) {
    if (email_begin < 2 || s_[email_begin - 1] != '<') return;
    std::size_t e = email_begin - 1;
    while (e > floor_ && s_[e - 1] == ' ') --e;
    if (e > floor_ && s_[e - 1] == '"') --e;
    std::size_t b = e;
    for (int words = 0; words < 3; ++words) {
      std::size_t w = b;
      while (w > floor_ && (alpha(s_[w - 1]) || static_cast<unsigned char>(s_[w - 1]) >= 0x80 || s_[w - 1] == '-' ||
                            s_[w - 1] == '\'' || s_[w - 1] == ',')) {
        --w;
      }
      if (w == b || !(upper(s_[w]) || static_cast<unsigned char>(s_[w]) >= 0x80)) break;
      b = w;
      if (b > floor_ + 1 && s_[b - 1] == ' ' && (alpha(s_[b - 2]) || s_[b - 2] == ',' ||
                                                 static_cast<unsigned char>(s_[b - 2]) >= 0x80)) {
        --b;
        continue;
      }
      break;
    }
    while (b < e && (s_[b] == ' ' || s_[b] == '"')) ++b;
    if (e > b + 1) emit(b, e, PiiKind::person);
  }

  // The identifier after a document keyword ("passport A12803456", "driver's license number is
  // F1628235"): the first token within a few words that holds at least five digits.
  std::size_t document_after(std::size_t i, PiiKind kind) {
    const std::size_t limit = std::min(s_.size(), i + 40);
    std::size_t k = i;
    while (k < limit) {
      const char c = s_[k];
      if (alpha(c) || c == ' ' || c == ':' || c == '#' || c == '\'' || c == '=' || c == '"') {
        if (alpha(c) && k > i && !alpha(s_[k - 1])) {
          // a token starting with letters may still be the number ("A12803456")
          std::size_t e = k;
          std::size_t digits = 0;
          while (e < s_.size() && (alnum(s_[e]) || (s_[e] == '-' && e + 1 < s_.size() && alnum(s_[e + 1])))) {
            digits += digit(s_[e]);
            ++e;
          }
          if (digits >= 5 && e - k <= 24 && followed_cleanly(s_, e)) {
            emit(k, e, kind);
            return e;
          }
          if (digits) return kNone;
          k = e;
          continue;
        }
        ++k;
        continue;
      }
      if (c == '.' && k + 1 < s_.size() && s_[k + 1] != ' ') return kNone;
      if (c == '.') {
        ++k;
        continue;
      }
      if (!digit(c)) return kNone;
      std::size_t e = k;
      std::size_t digits = 0;
      while (e < s_.size() && (alnum(s_[e]) || ((s_[e] == '-' || s_[e] == ' ') && e + 1 < s_.size() && digit(s_[e + 1]) &&
                                                 s_[e] != ' '))) {
        digits += digit(s_[e]);
        ++e;
      }
      if (digits >= 5 && e - k <= 24 && followed_cleanly(s_, e)) {
        emit(k, e, kind);
        return e;
      }
      return kNone;
    }
    return kNone;
  }

  std::size_t cue_at(std::size_t i) {
    const std::size_t we = alnum_end(s_, i);
    const std::string_view w = s_.substr(i, we - i);
    if (w.size() < 2 || w.size() > 9) return kNone;
    if (!((kCueLengths[static_cast<unsigned char>(s_[i])] >> w.size()) & 1)) return kNone;
    if (cfg_.documents) {
      if (iequal(w, "passport")) return document_after(we, PiiKind::passport);
      if (iequal(w, "travel")) {
        if (std::size_t e = follows(we, " document")) return document_after(e, PiiKind::passport);
      }
      if (iequal(w, "license") || iequal(w, "licence")) return document_after(we, PiiKind::driver_license);
      if (iequal(w, "nhs")) return document_after(we, PiiKind::nhs_number);
      if (iequal(w, "bank")) {
        if (std::size_t e = follows(we, " account")) return document_after(e, PiiKind::bank_account);
      }
    }
    if (!cfg_.person_names) return kNone;
    static constexpr std::array<std::string_view, 6> kTitles = {"mr", "mrs", "ms", "dr", "miss", "mister"};
    for (auto t : kTitles) {
      if (!iequal(w, t)) continue;
      std::size_t k = we;
      if (k < s_.size() && s_[k] == '.') ++k;
      if (k >= s_.size() || s_[k] != ' ') return kNone;
      return name_after(k, false);
    }
    if (iequal(w, "name")) {
      // Only a person's name: "my name is", "Name:" at a line start, "Full name:". Log fields such
      // as "Account Name:" or "Process Name:" are left to the field lists (users) or are no names.
      std::size_t pb = i;
      while (pb > 0 && s_[pb - 1] == ' ') --pb;
      const bool line_start = pb == 0 || s_[pb - 1] == '\n';
      std::size_t pw = pb;
      while (pw > 0 && alpha(s_[pw - 1])) --pw;
      const std::string_view prev = s_.substr(pw, pb - pw);
      static constexpr std::array<std::string_view, 9> kOwners = {"my", "his", "her", "their", "full", "first",
                                                                 "last", "customer", "contact"};
      bool owned = line_start;
      for (auto o : kOwners) owned = owned || iequal(prev, o);
      if (!owned) return kNone;
      if (std::size_t e = follows(we, " is")) return name_after(e, true);
      if (we < s_.size() && s_[we] == ':') return name_after(we + 1, true);
      return kNone;
    }
    if (iequal(w, "contact") || iequal(w, "customer")) return name_after(we, false);
    if (iequal(w, "signed")) {
      if (std::size_t e = follows(we, " by")) return name_after(e, false);
    }
    if (iequal(w, "follow")) {
      if (std::size_t e = follows(we, " up with")) return name_after(e, false);
    }
    return kNone;
  }

  bool has_user_switch(std::size_t before) const {
    const std::string_view head = s_.substr(0, before);
    return head.find(" -u ") != std::string_view::npos || head.find(" -U ") != std::string_view::npos;
  }

  static PiiKind secret_key_kind(std::string_view key) {
    static constexpr std::array<std::string_view, 8> kPasswords = {"password", "passwd", "pwd", "pass",
                                                                   "passphrase", "user_password", "userpassword",
                                                                   "db_password"};
    static constexpr std::array<std::string_view, 14> kKeys = {
        "secret", "token", "apikey", "api_key", "api-key", "access_key", "secret_key", "client_secret",
        "auth_token", "access_token", "refresh_token", "aws_secret_access_key", "secretaccesskey", "private_key"};
    // Most keys have a length none of these has.
    static constexpr std::uint64_t kLengths = [] {
      std::uint64_t m = 0;
      for (auto k : kPasswords) m |= std::uint64_t{1} << k.size();
      for (auto k : kKeys) m |= std::uint64_t{1} << k.size();
      return m;
    }();
    if (key.size() > 63 || !((kLengths >> key.size()) & 1)) return PiiKind::custom;
    for (auto k : kPasswords) {
      if (iequal(key, k)) return PiiKind::password;
    }
    for (auto k : kKeys) {
      if (iequal(key, k)) return PiiKind::api_key;
    }
    return PiiKind::custom;
  }

  std::size_t numeric_at(std::size_t i) {
    const char c = s_[i];
    // A wallet is a run of 26 or more letters and digits: its 26th byte is looked at first.
    if (cfg_.crypto_wallets && (c == '1' || c == '3' || c == 'b' || c == 'B') && i + 26 <= s_.size() && alnum(s_[i + 25])) {
      std::size_t e = i;
      while (e < s_.size() && alnum(s_[e]) && e - i <= 74) ++e;
      if (e - i >= 26 && (e == s_.size() || !word(s_[e])) && bitcoin_address_valid(s_.substr(i, e - i))) {
        emit(i, e, PiiKind::crypto_wallet);
        return e;
      }
    }
    // MAC before IPv6: six hex pairs are never an address.
    if (cfg_.mac_addresses && hex(c) && may_start_mac(s_, i) && !(i > 0 && s_[i - 1] == ':')) {
      if (std::size_t e = mac_at(s_, i)) {
        emit(i, e, PiiKind::mac_address);
        return e;
      }
    }
    if (cfg_.ip_mode != IpMode::keep && (hex(c) || c == ':') && may_start_ip(s_, i)) {
      if (std::size_t e = ip_at(s_, i)) {
        emit(i, e, PiiKind::ip_address);
        return e;
      }
    }
    if (cfg_.secrets && hex(c)) {
      // LM:NT hash pairs as dumped by credential tools.
      // Both halves are 32 hex digits: the ':' is looked for first, most hex words have none.
      std::size_t k = i;
      if (i + 65 <= s_.size() && s_[i + 32] == ':') {
        while (k < s_.size() && hex(s_[k])) ++k;
      }
      if (k - i == 32 && k + 33 <= s_.size() && s_[k] == ':') {
        std::size_t m = k + 1;
        while (m < s_.size() && hex(s_[m])) ++m;
        if (m - k - 1 == 32 && (m == s_.size() || !word(s_[m]))) {
          emit(i, m, PiiKind::secret_hash);
          return m;
        }
      }
    }
    if (cfg_.ibans && alpha(c)) return iban_at(i);
    if (!(digit(c) || c == '+' || c == '(')) return kNone;
    Groups g = digit_groups(s_, i);
    if (g.count == 0) return kNone;
    // A run can hold several numbers ("4012 8888 8888 1881 4012-8888-8888-1881"): try the
    // longest prefix of groups first, then shorter ones. g is narrowed in place (no copy): only
    // count, end and digits change between the tries.
    const std::size_t groups = g.count, run_end = g.end;
    for (std::size_t take = groups; take >= 1; --take) {
      if (take < groups) g.digits -= g.len[take];
      g.count = take;
      g.end = g.gend[take - 1];
      if (std::size_t e = number_at(i, g, take == groups)) return e;
    }
    // Nothing in the run: skip all of it, so its tail is not read as a shorter number.
    return std::max(run_end, skip_number(i));
  }

  // `whole`: g is the full digit run. A phone must be a whole run; cards and SSNs may be prefixes.
  std::size_t number_at(std::size_t i, const Groups& g, bool whole) {
    std::size_t e = g.end;
    // Phone extensions: "555-0132x459", "555-0132 ext 12"
    std::size_t ext_end = 0;
    if (e + 1 < s_.size() && (s_[e] == 'x' || s_[e] == 'X') && digit(s_[e + 1])) {
      ext_end = e + 1;
      while (ext_end < s_.size() && digit(s_[ext_end])) ++ext_end;
    }
    if (!followed_cleanly(s_, ext_end ? ext_end : e)) return kNone;
    char seps[12];
    bool uniform = true;
    for (std::size_t k = 0; k + 1 < g.count; ++k) {
      seps[k] = g.sep[k];
      if (g.sep[k] != g.sep[0]) uniform = false;
    }
    // Credit card: 12..19 digits, spaces or dashes, Luhn.
    if (cfg_.credit_cards && !g.plus && !g.paren && g.digits >= 12 && g.digits <= 19 &&
        (g.count == 1 || (uniform && (seps[0] == ' ' || seps[0] == '-')))) {
      // On the stack: this runs for every long digit run, and 19 digits overflow the SSO buffer.
      char buf[20];
      std::size_t nd = 0;
      for (std::size_t k = i; k < e && nd < sizeof buf; ++k) {
        if (digit(s_[k])) buf[nd++] = s_[k];
      }
      const std::string_view digits(buf, nd);
      if ((card_prefix(digits) || context_before(s_, i, {"card"})) && luhn_valid(digits)) {
        emit(i, e, PiiKind::credit_card);
        return e;
      }
    }
    // US SSN: 3-2-4 (dash or space), 3-6 and 5-4 dash forms, 9 digits after an SSN keyword.
    if (cfg_.national_ids && !g.plus && !g.paren && g.digits == 9) {
      char dbuf[20];
      std::size_t nd = 0;
      for (std::size_t k = i; k < e && nd < sizeof dbuf; ++k) {
        if (digit(s_[k])) dbuf[nd++] = s_[k];
      }
      const std::string_view d(dbuf, nd);
      const bool shaped = (g.count == 3 && g.len[0] == 3 && g.len[1] == 2 && g.len[2] == 4 && uniform &&
                           (seps[0] == '-' || seps[0] == ' ')) ||
                          (g.count == 2 && seps[0] == '-' && ((g.len[0] == 3 && g.len[1] == 6) ||
                                                              (g.len[0] == 5 && g.len[1] == 4))) ||
                          (g.count == 1 && context_before(s_, i, {"ssn", "social security", "ss#", "ssa"}));
      if (shaped && us_ssn_valid(d.substr(0, 3), d.substr(3, 2), d.substr(5, 4))) {
        emit(i, e, PiiKind::us_ssn);
        return e;
      }
    }
    if (cfg_.phones && whole && is_phone(g, seps, uniform, i)) {
      if (ext_end) e = ext_end;
      emit(i, e, PiiKind::phone);
      return e;
    }
    return kNone;
  }

  std::size_t skip_number(std::size_t i) {
    static constexpr std::array<bool, 256> kNumberByte = [] {  // alnum or '.', by table
      std::array<bool, 256> t{};
      for (int c = 0; c < 256; ++c) t[c] = alnum(static_cast<char>(c)) || c == '.';
      return t;
    }();
    std::size_t k = i + 1;
    while (k < s_.size() && kNumberByte[static_cast<unsigned char>(s_[k])]) ++k;
    return k;
  }

  bool is_phone(const Groups& g, const char* seps, bool uniform, std::size_t i) const {
    if (g.digits < 7 || g.digits > 15) return false;
    // Card-shaped runs (groups of four) that failed Luhn are not phones either.
    if (g.count >= 3 && g.len[0] == 4 && g.len[1] == 4 && g.len[2] == 4) return false;
    for (std::size_t k = 0; k < g.count; ++k) {
      if (g.len[k] > (g.plus ? 10u : 8u) && !(g.count == 1)) return false;
    }
    // Two groups: "99 668472" is a number, "99449 18" (zip code, house number) is not.
    if (g.count == 2 && !g.plus && !g.paren && !(g.len[0] == 3 && g.len[1] == 4) && (g.digits < 8 || g.len[0] == 5)) {
      return false;
    }
    // Dates and dotted numbers are not phones.
    if (g.count == 3 && uniform && (seps[0] == '-' || seps[0] == '/' || seps[0] == '.') &&
        ((g.len[0] == 4 && g.len[1] <= 2 && g.len[2] <= 2) || (g.len[0] <= 2 && g.len[1] <= 2 && g.len[2] == 4))) {
      return false;
    }
    for (std::size_t k = 0; k + 1 < g.count; ++k) {
      if (seps[k] == '/') return false;
    }
    bool dotted = false;
    for (std::size_t k = 0; k + 1 < g.count; ++k) dotted = dotted || seps[k] == '.';
    const bool us_dotted = uniform && g.count == 3 && g.len[0] == 3 && g.len[1] == 3 && g.len[2] == 4;
    bool pairs = uniform && g.count >= 4;  // "01.84.17.61.18"
    for (std::size_t k = 0; pairs && k < g.count; ++k) pairs = g.len[k] == 2;
    if (dotted && !(us_dotted || pairs)) return false;
    if (g.count == 1) {
      // A bare run of digits needs a '+' or a phone word before it.
      if (g.plus) return true;
      return g.digits <= 12 && context_before(s_, i, {"phone", "tel:", "tel.", "call", "mobile", "cell", "fax",
                                                      "whatsapp", "sms"});
    }
    return true;
  }

  std::size_t iban_at(std::size_t i) {
    // CCkk then groups of alphanumerics, optionally separated by single spaces.
    if (i + 4 > s_.size() || !alpha(s_[i + 1]) || !digit(s_[i + 2]) || !digit(s_[i + 3])) return kNone;
    // All upper or all lower case letters ("gb42nawi..."), as people type them.
    const bool lower_case = !upper(s_[i]);
    std::string compact;
    std::size_t k = i;
    std::size_t last_good = 0;
    while (k < s_.size() && compact.size() < 34) {
      if ((lower_case ? (s_[k] >= 'a' && s_[k] <= 'z') : upper(s_[k])) || digit(s_[k])) {
        compact.push_back(upper(s_[k]) || digit(s_[k]) ? s_[k] : static_cast<char>(s_[k] - 32));
        ++k;
        if (compact.size() >= 15 && iban_valid(compact) && (k == s_.size() || !alnum(s_[k]))) last_good = k;
        continue;
      }
      if (s_[k] == ' ' && k + 1 < s_.size() && (alnum(s_[k + 1]))) {
        ++k;
        continue;
      }
      break;
    }
    if (last_good) {
      emit(i, last_good, PiiKind::iban);
      return last_good;
    }
    return kNone;
  }

  const RedactionConfig& cfg_;
  std::string_view s_;
  std::vector<PiiFinding>& out_;
  std::size_t floor_ = 0;  // findings never overlap: nothing may start before this
  std::size_t word_known_end_ = 0;  // word bytes run at least up to here (from special_at)
};

}  // namespace

Result<PiiScanner> PiiScanner::create(const RedactionConfig& config) {
  auto impl = std::make_shared<Impl>();
  impl->config = config;
  if (!config.extra_patterns.empty()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(8 << 20);
    impl->extra_set = std::make_unique<RE2::Set>(opts, RE2::UNANCHORED);
    for (const auto& p : config.extra_patterns) {
      auto re = std::make_unique<RE2>(p.pattern, opts);
      if (!re->ok()) {
        return make_error(ErrorCode::invalid_argument,
                          "privacy pattern '" + p.tag + "' does not compile: " + re->error());
      }
      std::string err;
      if (impl->extra_set->Add(p.pattern, &err) < 0) {
        return make_error(ErrorCode::invalid_argument, "privacy pattern '" + p.tag + "': " + err);
      }
      impl->extra.push_back(std::move(re));
      impl->extra_tags.push_back(p.tag);
    }
    if (!impl->extra_set->Compile()) {
      return make_error(ErrorCode::invalid_argument, "privacy patterns exceed the RE2 memory budget");
    }
  }
  return PiiScanner(std::move(impl));
}

const RedactionConfig& PiiScanner::config() const { return impl_->config; }

void PiiScanner::scan(std::string_view text, std::vector<PiiFinding>& out) const {
  const std::size_t first = out.size();
  Scan(*impl_, text, out).run();
  if (impl_->extra.empty()) return;
  std::vector<int> hits;
  if (!impl_->extra_set->Match(text, &hits)) return;
  std::vector<PiiFinding> extra;
  for (int h : hits) {
    const RE2& re = *impl_->extra[static_cast<std::size_t>(h)];
    re2::StringPiece input(text.data(), text.size());
    re2::StringPiece match;
    std::size_t pos = 0;
    while (pos <= text.size() &&
           re.Match(input, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
      const auto b = static_cast<std::size_t>(match.data() - text.data());
      const std::size_t e = b + match.size();
      if (e > b) extra.push_back(PiiFinding{b, e, PiiKind::custom, impl_->extra_tags[static_cast<std::size_t>(h)]});
      pos = e > b ? e : b + 1;
    }
  }
  // Merge: built-in findings first in text order; operator findings fill the gaps.
  extra.insert(extra.end(), out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  std::stable_sort(extra.begin(), extra.end(), [](const PiiFinding& a, const PiiFinding& b) {
    return a.begin < b.begin || (a.begin == b.begin && a.end > b.end);
  });
  out.resize(first);
  std::size_t floor = 0;
  for (const auto& f : extra) {
    if (f.begin < floor) continue;
    out.push_back(f);
    floor = f.end;
  }
}

}  // namespace triagent::privacy
