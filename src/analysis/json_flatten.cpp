#include "triagent/analysis/json_flatten.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "triagent/analysis/text_util.hpp"
#include "triagent/core/byte_blocks.hpp"
#include "triagent/core/utf8.hpp"

namespace triagent::analysis {
namespace {

class Flattener {
 public:
  Flattener(std::string_view text, FieldList& out, const JsonLimits& limits)
      : p_(text.data()), end_(text.data() + text.size()), out_(out), limits_(limits) {}

  JsonStatus run() {
    skip_ws();
    if (p_ == end_ || *p_ != '{') return JsonStatus::not_object;
    JsonStatus s = parse_object(1);
    if (s != JsonStatus::ok) return s;
    skip_ws();
    return p_ == end_ ? JsonStatus::ok : JsonStatus::syntax_error;
  }

 private:
  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  JsonStatus parse_object(std::size_t depth) {
    if (depth > limits_.max_depth) return JsonStatus::too_deep;
    ++p_;  // '{'
    skip_ws();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return JsonStatus::ok;
    }
    const std::size_t base = path_.size();
    while (true) {
      skip_ws();
      if (p_ == end_ || *p_ != '"') return JsonStatus::syntax_error;
      std::string_view key;
      if (!plain_string(key)) {  // a key with escapes
        key_.clear();
        if (!parse_string(key_)) return JsonStatus::syntax_error;
        key = key_;
      }
      if (base > 0) path_.push_back('.');
      path_.append(key.substr(0, limits_.max_key_path > path_.size() ? limits_.max_key_path - path_.size() : 0));
      skip_ws();
      if (p_ == end_ || *p_ != ':') return JsonStatus::syntax_error;
      ++p_;
      JsonStatus s = parse_value(depth);
      path_.resize(base);
      if (s != JsonStatus::ok) return s;
      skip_ws();
      if (p_ == end_) return JsonStatus::syntax_error;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return JsonStatus::ok;
      }
      return JsonStatus::syntax_error;
    }
  }

  JsonStatus parse_array(std::size_t depth) {
    if (depth > limits_.max_depth) return JsonStatus::too_deep;
    ++p_;  // '['
    skip_ws();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return JsonStatus::ok;
    }
    while (true) {
      JsonStatus s = parse_value(depth);
      if (s != JsonStatus::ok) return s;
      skip_ws();
      if (p_ == end_) return JsonStatus::syntax_error;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return JsonStatus::ok;
      }
      return JsonStatus::syntax_error;
    }
  }

  JsonStatus emit_scalar(const char* begin, const char* end) {
    if (out_.size() >= limits_.max_fields) return JsonStatus::too_many_fields;
    out_.add(path_, std::string_view(begin, static_cast<std::size_t>(end - begin)));
    return JsonStatus::ok;
  }

  JsonStatus parse_value(std::size_t depth) {
    skip_ws();
    if (p_ == end_) return JsonStatus::syntax_error;
    switch (*p_) {
      case '{':
        return parse_object(depth + 1);
      case '[':
        return parse_array(depth + 1);
      case '"': {
        if (out_.size() >= limits_.max_fields) return JsonStatus::too_many_fields;
        std::string_view plain;
        if (plain_string(plain)) {
          out_.add(path_, plain);
          return JsonStatus::ok;
        }
        std::string& v = out_.add(path_);
        if (!parse_string(v)) return JsonStatus::syntax_error;
        return JsonStatus::ok;
      }
      case 't':
        return literal("true") ? emit_scalar(p_ - 4, p_) : JsonStatus::syntax_error;
      case 'f':
        return literal("false") ? emit_scalar(p_ - 5, p_) : JsonStatus::syntax_error;
      case 'n':
        return literal("null") ? JsonStatus::ok : JsonStatus::syntax_error;
      default: {
        const char* b = p_;
        if (*p_ == '-') ++p_;
        bool digits = false;
        while (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E' || *p_ == '+' ||
                              *p_ == '-')) {
          digits = digits || (*p_ >= '0' && *p_ <= '9');
          ++p_;
        }
        if (!digits) return JsonStatus::syntax_error;
        return emit_scalar(b, p_);
      }
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size()) return false;
    if (std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_hex4(std::uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(p_[i]);
      if (h < 0) return false;
      v = v * 16 + static_cast<std::uint32_t>(h);
    }
    p_ += 4;
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // The first '"' or '\\' at or after `from`, or end_: sixteen bytes at a time, then the bytes
  // after the last block one by one (most keys and values are short).
  const char* quote_or_backslash(const char* from) const {
    const char* q = from;
    while (end_ - q >= 16) {
      const auto [low, high] = block16_matches<0, '"', '\\'>(q);
      if (low != 0 || high != 0) return q + (low != 0 ? std::countr_zero(low) >> 3 : 8 + (std::countr_zero(high) >> 3));
      q += 16;
    }
    while (q != end_ && *q != '"' && *q != '\\') ++q;
    return q;
  }

  // A string starting at '"' without escapes (most keys and values): its bytes as a view of the
  // input, past its closing quote. False, and nothing read, for any other string.
  bool plain_string(std::string_view& out) {
    const char* q = quote_or_backslash(p_ + 1);
    if (q == end_ || *q != '"') return false;
    out = std::string_view(p_ + 1, static_cast<std::size_t>(q - p_ - 1));
    p_ = q + 1;
    return true;
  }

  // Reads a string starting at '"' into `out` (appending), unescaping.
  bool parse_string(std::string& out) {
    ++p_;  // opening quote
    while (p_ != end_) {
      // Copy the run up to the next quote or backslash in one go.
      const char* run = p_;
      p_ = quote_or_backslash(p_);
      out.append(run, static_cast<std::size_t>(p_ - run));
      if (p_ == end_) return false;
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      ++p_;  // backslash
      if (p_ == end_) return false;
      const char e = *p_++;
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
          std::uint32_t cp = 0;
          if (!read_hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo = 0;
            if (end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
              p_ += 2;
              if (!read_hex4(lo)) return false;
              if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              } else {
                append_utf8(out, 0xFFFD);
                cp = lo;
              }
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  const char* p_;
  const char* end_;
  FieldList& out_;
  const JsonLimits& limits_;
  std::string path_;
  std::string key_;
};

}  // namespace

const char* to_string(JsonStatus s) {
  switch (s) {
    case JsonStatus::ok: return "ok";
    case JsonStatus::not_object: return "not_object";
    case JsonStatus::syntax_error: return "syntax_error";
    case JsonStatus::too_deep: return "too_deep";
    case JsonStatus::too_many_fields: return "too_many_fields";
  }
  return "unknown";
}

JsonStatus flatten_json(std::string_view text, FieldList& out, const JsonLimits& limits) {
  Flattener f(text, out, limits);
  return f.run();
}

void append_json_escaped(std::string& out, std::string_view s) {
  if (is_json_plain(s)) {
    out.append(s);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < s.size()) {
    // Fast path: plain printable ASCII runs, tested by table (classify output is mostly these).
    static constexpr std::array<bool, 256> kPlain = [] {
      std::array<bool, 256> t{};
      for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
      return t;
    }();
    std::size_t j = i;
    // Sixteen bytes per step to the first byte that needs escaping, then the short tail by words
    // and bytes (no load may read past the end of s).
    bool special_found = false;
    for (; s.size() - j >= 16; j += 16) {
      if (const unsigned bits = json_special_bits16(s.data() + j)) {
        j += static_cast<std::size_t>(std::countr_zero(bits));
        special_found = true;
        break;
      }
    }
    if (!special_found) {
      if (s.size() - j >= 8 && !block_has_json_special(load8(s.data() + j))) j += 8;
      while (j < s.size() && kPlain[static_cast<unsigned char>(s[j])]) ++j;
    }
    out.append(s.data() + i, j - i);
    i = j;
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        out.append("\xEF\xBF\xBD");
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    ++i;
  }
}

}  // namespace triagent::analysis
