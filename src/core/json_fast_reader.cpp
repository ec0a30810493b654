#include "core/json_fast_reader.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include "triagent/core/byte_blocks.hpp"
#include "triagent/core/utf8.hpp"

namespace triagent::detail {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxNumberChars = 63;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned cp) {  // cp < 0x10000 and not a surrogate
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
}

// One pass over the text; every member returns false to decline.
class Reader {
 public:
  Reader(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  bool document(json& out) {
    space();
    if (!value(0, out)) return false;
    space();
    return pos_ == s_.size();
  }

 private:
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  void space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }

  // A value inside `depth` containers.
  bool value(int depth, json& out) {
    if (pos_ >= s_.size()) return false;
    switch (s_[pos_]) {
      case '{': return object(depth + 1, out);
      case '[': return array(depth + 1, out);
      case '"': {
        std::string text;
        if (!string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't': return literal("true", json(true), out);
      case 'f': return literal("false", json(false), out);
      case 'n': return literal("null", json(nullptr), out);
      default: return number(out);
    }
  }

  bool object(int depth, json& out) {
    if (depth > max_depth_) return false;
    ++pos_;
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    space();
    if (at('}')) {
      ++pos_;
      return true;
    }
    std::string key;
    for (;;) {
      space();
      if (!at('"')) return false;
      key.clear();
      if (!string(key)) return false;
      space();
      if (!at(':')) return false;
      ++pos_;
      space();
      // A repeated key's value replaces the earlier one, as nlohmann's parser assigns it.
      if (!value(depth, members[key])) return false;
      space();
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (!at('}')) return false;
      ++pos_;
      return true;
    }
  }

  bool array(int depth, json& out) {
    if (depth > max_depth_) return false;
    ++pos_;
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    space();
    if (at(']')) {
      ++pos_;
      return true;
    }
    for (;;) {
      space();
      items.emplace_back();
      if (!value(depth, items.back())) return false;
      space();
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (!at(']')) return false;
      ++pos_;
      return true;
    }
  }

  // The string at pos_ (its opening quote), decoded into `out`.
  bool string(std::string& out) {
    ++pos_;
    std::size_t run = pos_;
    while (pos_ < s_.size()) {
      if (s_.size() - pos_ >= 16) {
        const unsigned specials = json_special_bits16(s_.data() + pos_);
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
          if (s_.size() - pos_ < 4) return false;
          unsigned cp = 0;
          for (std::size_t k = 0; k < 4; ++k) {
            const int v = hex_value(s_[pos_ + k]);
            if (v < 0) return false;
            cp = cp * 16 + static_cast<unsigned>(v);
          }
          pos_ += 4;
          if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // a surrogate pair's rules: nlohmann's
          append_utf8(out, cp);
          break;
        }
        default: return false;
      }
      run = pos_;
    }
    return false;
  }

  // As nlohmann's lexer: an integer without fraction or exponent is an unsigned (or, negative, a
  // signed) 64-bit value when it fits, else a double like every other number.
  bool number(json& out) {
    const std::size_t begin = pos_;
    const bool negative = at('-');
    if (negative) ++pos_;
    if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    bool integer = true;
    if (at('.')) {
      ++pos_;
      if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
      integer = false;
    }
    if (at('e') || at('E')) {
      ++pos_;
      if (at('+') || at('-')) ++pos_;
      if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
      integer = false;
    }
    const char* first = s_.data() + begin;
    const char* last = s_.data() + pos_;
    if (static_cast<std::size_t>(last - first) > kMaxNumberChars) return false;
    if (integer && !negative) {
      std::uint64_t v = 0;
      if (const auto r = std::from_chars(first, last, v); r.ec == std::errc{}) {
        out = v;
        return true;
      }
    } else if (integer) {
      std::int64_t v = 0;
      if (const auto r = std::from_chars(first, last, v); r.ec == std::errc{}) {
        out = v;
        return true;
      }
    }
    // Correctly rounded, as strtod is; out of range either way (an overflow is nlohmann's error,
    // an underflow its zero) goes to nlohmann.
    double d = 0;
    if (const auto r = std::from_chars(first, last, d); r.ec != std::errc{} || !std::isfinite(d)) return false;
    out = d;
    return true;
  }

  bool literal(std::string_view word, json value, json& out) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    out = std::move(value);
    return true;
  }

  std::string_view s_;
  int max_depth_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<nlohmann::json> read_json_fast(std::string_view text, int max_depth) {
  json out;
  if (!Reader(text, max_depth).document(out)) return std::nullopt;
  return out;
}

}  // namespace triagent::detail
