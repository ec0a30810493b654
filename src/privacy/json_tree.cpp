#include "json_tree.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "scan_util.hpp"
#include "triagent/core/utf8.hpp"
#include "text_masks.hpp"

namespace triagent::privacy {
namespace {

// Deeper documents go to nlohmann (recursion depth here is bounded by this).
constexpr int kMaxDepth = 128;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Sixteen bytes at p (all readable): bit k set where p[k] is a control byte, '"', '\\' or a
// non-ASCII byte (as signed bytes, those are all below 0x20 but the two).
std::uint32_t json_specials16(const char* p) {
  detail::Block16 v;
  std::memcpy(&v, p, sizeof v);
  return detail::high_bits16((v < 0x20) | (v == '"') | (v == '\\'));
}
std::uint32_t non_ascii16(const char* p) {
  detail::Block16 v;
  std::memcpy(&v, p, sizeof v);
  return detail::high_bits16(v);
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (s.size() - i >= 16 && non_ascii16(s.data() + i) == 0) {  // sixteen ASCII bytes
      i += 16;
      continue;
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Bytes nlohmann escapes when it dumps a string with ensure_ascii off.
constexpr std::array<bool, 256> kEscaped = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();

// Writes `s` quoted and escaped as nlohmann's serializer does: the short escapes, \u00xx (lower
// case hex) for other control bytes, everything else as is. Invalid UTF-8 (a redaction may end
// inside a sequence) is left to nlohmann itself, whose replacement rules are subtle.
void write_string(std::string_view s, std::string& out) {
  if (!valid_utf8(s)) {
    out.append(nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.size() - i >= 16) {
      const std::uint32_t specials = json_specials16(s.data() + i);
      if (specials == 0) {
        i += 15;  // none of these sixteen needs escaping
        continue;
      }
      i += static_cast<std::size_t>(std::countr_zero(specials));  // the bytes before need none
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kEscaped[c]) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

}  // namespace

std::uint32_t JsonTree::new_node(Kind kind) {
  if (used_ == nodes_.size()) nodes_.emplace_back();
  Node& n = nodes_[used_];
  n.kind = kind;
  n.first = 0;
  n.count = 0;
  n.key = {};
  n.text.clear();
  return static_cast<std::uint32_t>(used_++);
}

void JsonTree::skip_space() {
  while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
}

bool JsonTree::parse(std::string_view text) {
  s_ = text;
  pos_ = 0;
  used_ = 0;
  children_.clear();
  pending_.clear();
  skip_space();
  if (pos_ >= s_.size() || s_[pos_] != '{') return false;
  std::uint32_t root = 0;
  if (!value(0, root)) return false;
  skip_space();
  return pos_ == s_.size();
}

bool JsonTree::value(int depth, std::uint32_t& index) {
  skip_space();
  if (pos_ >= s_.size() || depth > kMaxDepth) return false;
  switch (s_[pos_]) {
    case '{': return container(depth, true, index);
    case '[': return container(depth, false, index);
    case '"': index = new_node(Kind::string); return string(nodes_[index].text);
    case 't': index = new_node(Kind::scalar); return literal("true", nodes_[index].text);
    case 'f': index = new_node(Kind::scalar); return literal("false", nodes_[index].text);
    case 'n': index = new_node(Kind::scalar); return literal("null", nodes_[index].text);
    default: index = new_node(Kind::scalar); return number(nodes_[index].text);
  }
}

bool JsonTree::container(int depth, bool object, std::uint32_t& index) {
  const char close = object ? '}' : ']';
  ++pos_;
  index = new_node(object ? Kind::object : Kind::array);
  const std::size_t mark = pending_.size();
  skip_space();
  if (pos_ < s_.size() && s_[pos_] == close) {
    ++pos_;
  } else {
    for (;;) {
      std::string_view key;
      if (object) {
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != '"') return false;
        const std::size_t b = ++pos_;
        // Keys are taken as written: one needing an escape or a check goes to nlohmann. Sixteen
        // bytes per step (as signed bytes, non-ASCII ones are below 0x20), then byte by byte.
        while (s_.size() - pos_ >= 16) {
          detail::Block16 v;
          std::memcpy(&v, s_.data() + pos_, sizeof v);
          const std::uint32_t stop = ~detail::high_bits16((v >= 0x20) & (v != '"') & (v != '\\')) & 0xFFFFu;
          if (stop != 0) {
            pos_ += static_cast<std::size_t>(std::countr_zero(stop));
            break;
          }
          pos_ += 16;
        }
        while (pos_ < s_.size() && s_[pos_] != '"' && s_[pos_] != '\\' && static_cast<unsigned char>(s_[pos_]) >= 0x20 &&
               static_cast<unsigned char>(s_[pos_]) < 0x80) {
          ++pos_;
        }
        if (pos_ >= s_.size() || s_[pos_] != '"') return false;
        key = s_.substr(b, pos_ - b);
        ++pos_;
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != ':') return false;
        ++pos_;
      }
      std::uint32_t child = 0;
      if (!value(depth + 1, child)) return false;
      nodes_[child].key = key;
      pending_.push_back(child);
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == close) {
        ++pos_;
        break;
      }
      return false;
    }
  }
  const auto begin = pending_.begin() + static_cast<std::ptrdiff_t>(mark);
  if (object) {
    // nlohmann keeps members in a std::map: sorted by key, bytewise.
    // Most pairs differ in their first byte: compared inline, unsigned as memcmp compares.
    std::sort(begin, pending_.end(), [this](std::uint32_t a, std::uint32_t b) {
      const std::string_view ka = nodes_[a].key, kb = nodes_[b].key;
      if (!ka.empty() && !kb.empty() && ka[0] != kb[0]) {
        return static_cast<unsigned char>(ka[0]) < static_cast<unsigned char>(kb[0]);
      }
      return ka < kb;
    });
    // The map keeps one of equal keys. (adjacent_find, not `it + 1 < end`: for "{}" the vector may
    // still be unallocated, and adding one to its null pointer is undefined, which UBSan reports.)
    const auto same_key = [this](std::uint32_t a, std::uint32_t b) { return nodes_[a].key == nodes_[b].key; };
    if (std::adjacent_find(begin, pending_.end(), same_key) != pending_.end()) return false;
  }
  Node& node = nodes_[index];
  node.first = static_cast<std::uint32_t>(children_.size());
  node.count = static_cast<std::uint32_t>(pending_.end() - begin);
  children_.insert(children_.end(), begin, pending_.end());
  pending_.resize(mark);
  return true;
}

bool JsonTree::string(std::string& out) {
  ++pos_;
  std::size_t run = pos_;
  while (pos_ < s_.size()) {
    if (s_.size() - pos_ >= 16) {
      const std::uint32_t specials = json_specials16(s_.data() + pos_);
      if (specials == 0) {
        pos_ += 16;  // sixteen plain ASCII bytes
        continue;
      }
      pos_ += static_cast<std::size_t>(std::countr_zero(specials));  // to the first byte that is not
    }
    const auto c = static_cast<unsigned char>(s_[pos_]);
    if (c == '"') {
      out.append(s_.data() + run, pos_ - run);
      ++pos_;
      return true;
    }
    if (c < 0x20) return false;
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s_, pos_);
      if (n == 0) return false;
      pos_ += n;
      continue;
    }
    if (c != '\\') {
      ++pos_;
      continue;
    }
    out.append(s_.data() + run, pos_ - run);
    if (pos_ + 1 >= s_.size()) return false;
    const char e = s_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        if (pos_ + 4 > s_.size()) return false;
        unsigned cp = 0;
        for (int k = 0; k < 4; ++k) {
          const char h = s_[pos_ + static_cast<std::size_t>(k)];
          const int v = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
          if (v < 0) return false;
          cp = cp * 16 + static_cast<unsigned>(v);
        }
        pos_ += 4;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogate pairs: left to nlohmann
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: return false;
    }
    run = pos_;
  }
  return false;
}

bool JsonTree::number(std::string& out) {
  const std::size_t b = pos_;
  const bool negative = pos_ < s_.size() && s_[pos_] == '-';
  if (negative) ++pos_;
  if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
  if (s_[pos_] == '0') {
    ++pos_;
  } else {
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
  }
  bool fraction = false;
  if (pos_ < s_.size() && s_[pos_] == '.') {
    ++pos_;
    if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    fraction = true;
  }
  if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
    if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    fraction = true;
  }
  const std::size_t len = pos_ - b;
  // Most numbers are plain integers of at most 18 digits: they fit in a long long, and the
  // grammar allows no leading zero, so their output form is their text ("-0" aside).
  if (!fraction && len - negative <= 18 && !(negative && s_[b + 1] == '0')) {
    out.assign(s_.data() + b, len);
    return true;
  }
  char token[64];
  if (len >= sizeof token) return false;
  std::memcpy(token, s_.data() + b, len);
  token[len] = '\0';
  // As nlohmann's lexer: an integer that fits stays an integer (and prints as its value, so
  // "-0" becomes "0"); one that overflows, and any fraction or exponent, is read by strtod.
  char* end = nullptr;
  if (!fraction) {
    errno = 0;
    if (negative) {
      const long long v = std::strtoll(token, &end, 10);
      if (errno == 0) {
        out = std::to_string(v);
        return true;
      }
    } else {
      const unsigned long long v = std::strtoull(token, &end, 10);
      if (errno == 0) {
        out = std::to_string(v);
        return true;
      }
    }
  }
  const double d = std::strtod(token, &end);
  if (!std::isfinite(d)) return false;  // nlohmann rejects the document
  char buf[64];
  const char* e = nlohmann::detail::to_chars(buf, buf + sizeof buf, d);
  out.assign(buf, static_cast<std::size_t>(e - buf));
  return true;
}

bool JsonTree::literal(std::string_view word, std::string& out) {
  if (s_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  out.assign(word);
  return true;
}

void JsonTree::write(std::string& out) const {
  if (used_ > 0) write_node(0, out);
}

void JsonTree::write_node(std::uint32_t index, std::string& out) const {
  const Node& node = nodes_[index];
  switch (node.kind) {
    case Kind::string: write_string(node.text, out); return;
    case Kind::scalar: out.append(node.text); return;
    case Kind::object:
    case Kind::array: break;
  }
  const bool object = node.kind == Kind::object;
  out.push_back(object ? '{' : '[');
  for (std::uint32_t k = 0; k < node.count; ++k) {
    const std::uint32_t child = children_[node.first + k];
    if (object) {
      // parse() took only keys of printable ASCII without a quote or a backslash: nothing to escape.
      out.append(k ? ",\"" : "\"", k ? 2 : 1);
      out.append(nodes_[child].key);
      out.append("\":", 2);
    } else if (k) {
      out.push_back(',');
    }
    write_node(child, out);
  }
  out.push_back(object ? '}' : ']');
}

}  // namespace triagent::privacy
