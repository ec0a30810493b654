#include "ingress/json_pointer_subset.hpp"

#include <bit>

#include "ingress/json_fields.hpp"
#include "triagent/core/byte_blocks.hpp"
#include "triagent/core/utf8.hpp"

namespace triagent::ingress {

namespace {

constexpr std::size_t kMaxNumberDigits = 300;  // a double overflows past about 309

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One pass over a body. Every member returns false to decline.
class Reader {
 public:
  Reader(std::string_view text, const std::vector<std::vector<std::string>>& paths) : s_(text), paths_(paths) {}

  std::optional<nlohmann::json> root() {
    space();
    if (peek() != '{') return std::nullopt;
    const std::uint64_t all = paths_.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << paths_.size()) - 1;
    nlohmann::json tree;
    if (!on_path(1, all, 0, tree)) return std::nullopt;
    space();
    if (pos_ != s_.size()) return std::nullopt;
    return tree;
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void space() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool expect(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // A value on the pointers' paths: `active` holds the pointers whose first `level` tokens lead
  // here. `depth` is the nesting of the value's container, if it is one.
  bool on_path(int depth, std::uint64_t active, std::size_t level, nlohmann::json& out) {
    bool ends_here = false;
    for (std::size_t i = 0; i < paths_.size(); ++i) {
      if ((active >> i & 1) != 0 && paths_[i].size() == level) ends_here = true;
    }
    // A pointer names this value, or goes into an array (index rules and all): nlohmann reads it.
    if (ends_here || peek() == '[') return capture(depth, out);
    if (peek() != '{') {
      // A scalar where pointers go deeper: they reach nothing, as in the full tree.
      out = nullptr;
      return skip(depth);
    }
    if (depth > kMaxSubsetDepth) return false;
    ++pos_;
    out = nlohmann::json::object();
    space();
    if (expect('}')) return true;
    for (;;) {
      space();
      const std::size_t key_start = pos_ + 1;
      bool escaped = false;
      if (!string(escaped)) return false;
      if (escaped) return false;  // compared raw with the tokens below: they must be the same bytes
      const std::string_view key = s_.substr(key_start, pos_ - 1 - key_start);
      space();
      if (!expect(':')) return false;
      space();
      std::uint64_t next = 0;
      for (std::size_t i = 0; i < paths_.size(); ++i) {
        if ((active >> i & 1) != 0 && paths_[i][level] == key) next |= std::uint64_t{1} << i;
      }
      if (next != 0) {
        nlohmann::json child;
        if (!on_path(depth + 1, next, level + 1, child)) return false;
        out[std::string(key)] = std::move(child);  // assignment: a repeated key keeps its last value
      } else if (!skip(depth + 1)) {
        return false;
      }
      space();
      if (expect('}')) return true;
      if (!expect(',')) return false;
    }
  }

  bool capture(int depth, nlohmann::json& out) {
    const std::size_t start = pos_;
    if (!skip(depth)) return false;
    if (plain_scalar(s_.substr(start, pos_ - start), out)) return true;
    // A container, or a value that needs decoding: nlohmann reads it (its parse costs about
    // 2,700 instructions a call, too much for the common small values above).
    try {
      out = nlohmann::json::parse(s_.substr(start, pos_ - start));
    } catch (const nlohmann::json::exception&) {
      return false;
    }
    return true;
  }

  // Builds the value nlohmann would from `text`, already checked, when that is plain: a string
  // without escapes, a literal, an integer that fits 64 bits (unsigned when not negative, as
  // nlohmann stores it). False for anything else.
  static bool plain_scalar(std::string_view text, nlohmann::json& out) {
    const char first = text.front();
    if (first == '"') {
      const std::string_view inner = text.substr(1, text.size() - 2);
      if (inner.find('\\') != std::string_view::npos) return false;
      out = std::string(inner);  // checked as well-formed UTF-8 without control bytes
      return true;
    }
    if (first == 't' || first == 'f') {
      out = first == 't';
      return true;
    }
    if (first == 'n') {
      out = nullptr;
      return true;
    }
    if (first != '-' && !is_digit(first)) return false;  // a container
    const bool negative = first == '-';
    const std::string_view digits = text.substr(negative ? 1 : 0);
    if (digits.empty() || digits.size() > 18 || digits.find('.') != std::string_view::npos) return false;
    std::int64_t value = 0;
    for (char c : digits) value = value * 10 + (c - '0');  // at most 18 digits: no overflow
    if (negative) {
      out = -value;
    } else {
      out = static_cast<std::uint64_t>(value);
    }
    return true;
  }

  // Checks one value of any kind and steps over it.
  bool skip(int depth) {
    switch (peek()) {
      case '{':
      case '[': {
        if (depth > kMaxSubsetDepth) return false;
        const bool object = s_[pos_] == '{';
        const char close = object ? '}' : ']';
        ++pos_;
        space();
        if (expect(close)) return true;
        for (;;) {
          space();
          if (object) {
            bool escaped = false;
            if (!string(escaped)) return false;
            space();
            if (!expect(':')) return false;
            space();
          }
          if (!skip(depth + 1)) return false;
          space();
          if (expect(close)) return true;
          if (!expect(',')) return false;
        }
      }
      case '"': {
        bool escaped = false;
        return string(escaped);
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)? ; an exponent is declined (1e999 overflows, and nlohmann refuses it).
  bool number() {
    const std::size_t start = pos_;
    expect('-');
    if (expect('0')) {
      // no more integer digits after a leading zero
    } else if (pos_ < s_.size() && s_[pos_] >= '1' && s_[pos_] <= '9') {
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    } else {
      return false;
    }
    if (expect('.')) {
      if (pos_ >= s_.size() || !is_digit(s_[pos_])) return false;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') return false;
    return pos_ - start <= kMaxNumberDigits;
  }

  // At a '"': checks the string as nlohmann does (escapes, no control bytes, well-formed UTF-8)
  // and steps past its closing quote. `escaped` tells whether it held a backslash.
  bool string(bool& escaped) {
    if (!expect('"')) return false;
    const auto byte = [&](std::size_t at) { return at < s_.size() ? static_cast<unsigned char>(s_[at]) : 0u; };
    while (pos_ < s_.size()) {
      // Sixteen plain bytes (printable ASCII, neither quote nor backslash) per step.
      while (s_.size() - pos_ >= 16) {
        const unsigned special = json_special_bits16(s_.data() + pos_);
        if (special == 0) {
          pos_ += 16;
          continue;
        }
        pos_ += static_cast<std::size_t>(std::countr_zero(special));
        break;
      }
      const unsigned c = byte(pos_);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c < 0x80 && c != '\\') {
        ++pos_;
        continue;
      }
      if (c == '\\') {
        escaped = true;
        const unsigned e = byte(pos_ + 1);
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          pos_ += 2;
          continue;
        }
        if (e != 'u' || pos_ + 6 > s_.size()) return false;
        int code = 0;
        for (std::size_t k = pos_ + 2; k < pos_ + 6; ++k) {
          const int h = hex_value(s_[k]);
          if (h < 0) return false;
          code = code * 16 + h;
        }
        if (code >= 0xD800 && code <= 0xDFFF) return false;  // pairing rules: left to nlohmann
        pos_ += 6;
        continue;
      }
      // Well-formed UTF-8 (Unicode table 3-7), the sequences nlohmann accepts.
      const std::size_t length = utf8_sequence_length(s_, pos_);
      if (length == 0) return false;
      pos_ += length;
    }
    return false;  // unterminated
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  const std::vector<std::vector<std::string>>& paths_;
};

}  // namespace

JsonPointerSubset::JsonPointerSubset(const std::vector<std::string>& pointers) {
  for (const auto& pointer : pointers) {
    auto tokens = pointer_tokens(pointer);
    if (!tokens) continue;
    if (tokens->empty()) enabled_ = false;
    paths_.push_back(std::move(*tokens));
  }
  if (paths_.size() > 64) enabled_ = false;
}

std::optional<nlohmann::json> JsonPointerSubset::read(std::string_view body) const {
  if (!enabled_) return std::nullopt;
  return Reader(body, paths_).root();
}

}  // namespace triagent::ingress
