// The PowerQuery scanner (see power_query_lexer.hpp).
#include "triagent/hunt/power_query_lexer.hpp"

#include <array>

namespace triagent::hunt {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word_start(char c) { return is_alpha(c) || c == '_' || c == '@'; }
bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '@'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool is_number(std::string_view s) {
  std::size_t i = 0, digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  return digits > 0 && i == s.size();
}

// Reads a quoted literal starting at text[i] (the quote); returns the index after the closing quote
// or npos when it is not closed.
std::size_t read_quoted(std::string_view text, std::size_t i, std::string& value) {
  const char quote = text[i++];
  while (i < text.size()) {
    const char c = text[i];
    if (c == quote) return i + 1;
    if (c == '\\' && i + 1 < text.size()) {
      const char e = text[i + 1];
      switch (e) {
        case '"': case '\'': case '\\': value.push_back(e); break;
        case 'n': value.push_back('\n'); break;
        case 't': value.push_back('\t'); break;
        case 'r': value.push_back('\r'); break;
        default: value.push_back('\\'); value.push_back(e); break;  // regex escapes stay as written
      }
      i += 2;
      continue;
    }
    value.push_back(c);
    ++i;
  }
  return std::string_view::npos;
}

constexpr std::array<std::string_view, 6> kTwoCharSymbols = {"==", "!=", "<=", ">=", "||", "&&"};
constexpr std::string_view kOneCharSymbols = "=<>!|()&,+-*/%:";

}  // namespace

LexResult lex_power_query(std::string_view text) {
  LexResult out;
  std::size_t i = 0;
  auto fail = [&](std::size_t pos, std::string message) {
    out.error = PqDiagnostic{pos, std::move(message)};
    return out;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (c == '"' || c == '\'') {
      const std::size_t end = read_quoted(text, i, t.text);
      if (end == std::string_view::npos) return fail(i, "unterminated string literal");
      t.type = Token::Type::string;
      i = end;
    } else if (c == '$') {
      if (i + 1 < text.size() && text[i + 1] == '"') {
        const std::size_t end = read_quoted(text, i + 1, t.text);
        if (end == std::string_view::npos) return fail(i, "unterminated quoted field name");
        i = end;
      } else {
        std::size_t j = i + 1;
        while (j < text.size() && is_word_char(text[j])) ++j;
        if (j == i + 1) return fail(i, "expected a field name after '$'");
        t.text = std::string(text.substr(i + 1, j - i - 1));
        i = j;
      }
      if (t.text.empty()) return fail(t.pos, "empty field name");
      t.type = Token::Type::field;
    } else if (is_word_start(c) || is_digit(c)) {
      std::size_t j = i;
      while (j < text.size() && is_word_char(text[j])) ++j;
      t.text = std::string(text.substr(i, j - i));
      t.type = is_number(t.text) ? Token::Type::number : Token::Type::word;
      i = j;
    } else {
      std::string_view two = text.substr(i, 2);
      bool matched = false;
      for (auto s : kTwoCharSymbols) {
        if (two == s) {
          t.text = std::string(s);
          matched = true;
          break;
        }
      }
      if (!matched) {
        if (kOneCharSymbols.find(c) == std::string_view::npos) {
          const auto byte = static_cast<unsigned char>(c);
          return fail(i, byte >= 0x20 && byte < 0x7f ? std::string("unexpected character '") + c + "'"
                                                     : "unexpected byte " + std::to_string(byte));
        }
        t.text = std::string(1, c);
      }
      t.type = Token::Type::symbol;
      i += t.text.size();
    }
    t.end = i;
    out.tokens.push_back(std::move(t));
  }
  out.tokens.push_back(Token{Token::Type::end, "", text.size(), text.size()});
  return out;
}

}  // namespace triagent::hunt
