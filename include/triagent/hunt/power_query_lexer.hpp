#pragma once
// The PowerQuery scanner: turns query text into tokens with their byte offsets. Hand-written, one
// pass, no backtracking. String literals are "..." or '...' with backslash escapes (\" \' \\ \n \t
// \r; any other escape is kept as written, so regex text such as "a\.b" survives). `$name` and
// `$"any name"` are field references. Words that start with a digit but are not numbers (an
// unquoted 10.0.0.5, 1h) are words.
//
//   auto tokens = lex_power_query("a = 'x' | limit 5");
//   if (!tokens) report(tokens.error);       // PqDiagnostic{position, message}
//   tokens.tokens[2].type == Token::Type::string && tokens.tokens[2].text == "x";

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triagent::hunt {

// A problem at a byte offset of the query text.
struct PqDiagnostic {
  std::size_t position = 0;
  std::string message;
  // "position 17: expected a value after '=='"
  std::string text() const { return "position " + std::to_string(position) + ": " + message; }
};

struct Token {
  enum class Type { word, number, string, field, symbol, end };
  Type type = Type::end;
  std::string text;  // word / number as written; string and field: the unescaped value; symbol: "==", "|", ...
  std::size_t pos = 0;
  std::size_t end = 0;  // one past the last byte
};

struct LexResult {
  std::vector<Token> tokens;  // always ends with an `end` token when ok
  std::optional<PqDiagnostic> error;
  explicit operator bool() const { return !error.has_value(); }
};

LexResult lex_power_query(std::string_view text);

}  // namespace triagent::hunt
