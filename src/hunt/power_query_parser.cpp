// Recursive-descent PowerQuery parser (grammar in power_query_parser.hpp). Every function returns
// nullopt after recording the first error; the caller just propagates.
#include "triagent/hunt/power_query_parser.hpp"

#include <algorithm>
#include <cstdlib>

namespace triagent::hunt {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

enum class Context { initial_filter, filter, value };

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  ParseResult run() {
    ParseResult out;
    Query q;
    if (!at_symbol("|") && !at_end()) {
      auto f = expression(Context::initial_filter);
      if (!f) return fail_result();
      q.filter = std::move(*f);
      if (!at_symbol("|") && !at_end()) return fail_result(peek().pos, "unexpected " + describe(peek()) + " after the filter");
    }
    while (at_symbol("|")) {
      next();
      auto c = command();
      if (!c) return fail_result();
      q.commands.push_back(std::move(*c));
      if (!at_symbol("|") && !at_end()) {
        return fail_result(peek().pos, "unexpected " + describe(peek()) + " in '" + q.commands.back().name + "'");
      }
    }
    out.query = std::move(q);
    return out;
  }

 private:
  // ---- tokens
  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = std::min(i_ + ahead, t_.size() - 1);
    return t_[i];
  }
  const Token& next() {
    const Token& t = t_[i_];
    if (i_ + 1 < t_.size()) ++i_;
    return t;
  }
  bool at_end() const { return peek().type == Token::Type::end; }
  bool at_symbol(std::string_view s, std::size_t ahead = 0) const {
    return peek(ahead).type == Token::Type::symbol && peek(ahead).text == s;
  }
  bool at_keyword(std::string_view kw, std::size_t ahead = 0) const {
    return peek(ahead).type == Token::Type::word && lower(peek(ahead).text) == kw;
  }
  static std::string describe(const Token& t) {
    switch (t.type) {
      case Token::Type::end: return "end of query";
      case Token::Type::string: return "string \"" + t.text.substr(0, 40) + "\"";
      case Token::Type::field: return "field $" + t.text.substr(0, 40);
      default: return "'" + t.text.substr(0, 40) + "'";
    }
  }

  // ---- errors
  std::nullopt_t fail(std::size_t pos, std::string message) {
    if (!error_) error_ = PqDiagnostic{pos, std::move(message)};
    return std::nullopt;
  }
  ParseResult fail_result(std::size_t pos, std::string message) {
    fail(pos, std::move(message));
    return fail_result();
  }
  ParseResult fail_result() {
    ParseResult r;
    r.error = error_.value_or(PqDiagnostic{peek().pos, "syntax error"});
    return r;
  }

  // ---- expressions
  static bool is_keyword(const Token& t) {
    if (t.type != Token::Type::word) return false;
    const std::string w = lower(t.text);
    return w == "and" || w == "or" || w == "not" || w == "in" || w == "contains" || w == "matches" || w == "by" ||
           w == "as";
  }
  // Can this token begin an operand (for juxtaposition and for "expected a value" checks)?
  bool starts_operand(std::size_t ahead = 0) const {
    const Token& t = peek(ahead);
    switch (t.type) {
      case Token::Type::word: return !is_keyword(t) || lower(t.text) == "not";
      case Token::Type::number:
      case Token::Type::string:
      case Token::Type::field: return true;
      case Token::Type::symbol: return t.text == "(" || t.text == "*" || t.text == "!" || t.text == "-";
      case Token::Type::end: return false;
    }
    return false;
  }

  std::optional<Expr> expression(Context ctx) {
    if (++depth_ > kMaxExprDepth) return fail(peek().pos, "expression nested too deeply");
    auto e = or_expr(ctx);
    --depth_;
    return e;
  }

  static Expr binary(std::string op, Expr left, Expr right) {
    const std::size_t pos = left.pos;
    std::vector<Expr> args;
    args.push_back(std::move(left));
    args.push_back(std::move(right));
    return make(Expr::Kind::binary, pos, std::move(op), std::move(args));
  }

  static Expr make(Expr::Kind kind, std::size_t pos, std::string text, std::vector<Expr> args = {}) {
    Expr e;
    e.kind = kind;
    e.pos = pos;
    e.text = std::move(text);
    e.args = std::move(args);
    return e;
  }

  std::optional<Expr> or_expr(Context ctx) {
    auto left = and_expr(ctx);
    if (!left) return std::nullopt;
    while (at_keyword("or") || at_symbol("||")) {
      const Token op = next();
      if (!starts_operand()) return fail(peek().pos, "expected a condition after '" + op.text + "'");
      auto right = and_expr(ctx);
      if (!right) return std::nullopt;
      left = binary("or", std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> and_expr(Context ctx) {
    auto left = not_expr(ctx);
    if (!left) return std::nullopt;
    for (;;) {
      if (at_keyword("and") || at_symbol("&&")) {
        const Token op = next();
        if (!starts_operand()) return fail(peek().pos, "expected a condition after '" + op.text + "'");
      } else if (ctx == Context::value || !starts_operand() || at_symbol("-")) {
        break;  // juxtaposition means `and` only inside filters
      }
      auto right = not_expr(ctx);
      if (!right) return std::nullopt;
      left = binary("and", std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> not_expr(Context ctx) {
    if (at_keyword("not") || at_symbol("!")) {
      const Token op = next();
      if (!starts_operand()) return fail(peek().pos, "expected a condition after '" + op.text + "'");
      if (++depth_ > kMaxExprDepth) return fail(op.pos, "expression nested too deeply");
      auto inner = not_expr(ctx);
      --depth_;
      if (!inner) return std::nullopt;
      return make(Expr::Kind::unary, op.pos, "not", {std::move(*inner)});
    }
    return comparison(ctx);
  }

  std::optional<Expr> comparison(Context ctx) {
    auto left = sum(ctx);
    if (!left) return std::nullopt;
    const Token& t = peek();
    std::string op;
    if (t.type == Token::Type::symbol &&
        (t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" ||
         t.text == ">=")) {
      op = t.text == "==" ? "=" : t.text;
    } else if (at_keyword("contains") || at_keyword("matches")) {
      op = lower(t.text);
    } else if (at_keyword("in")) {
      return in_list(std::move(*left));
    }
    if (op.empty()) {
      if (ctx == Context::initial_filter) {
        if (left->kind == Expr::Kind::field && left->pos == word_pos_) {
          left->kind = Expr::Kind::term;  // a bare word: full-text search
        } else if (left->kind == Expr::Kind::string) {
          left->kind = Expr::Kind::term;
          left->quoted = true;
        } else if (left->kind == Expr::Kind::number) {
          left->kind = Expr::Kind::term;
        }
      }
      return left;
    }
    const Token op_token = next();
    if (op == "contains" && at_symbol(":")) {
      next();
      if (!at_keyword("anycase") && !at_keyword("matchcase")) {
        return fail(peek().pos, "expected 'anycase' or 'matchcase' after 'contains:'");
      }
      op += ":" + lower(next().text);
    }
    if (!starts_operand() || at_symbol("!")) {
      return fail(peek().pos, "expected a value after '" + op_token.text + "'");
    }
    auto right = sum(Context::value);  // a value: a word in parentheses there is no search term
    if (!right) return std::nullopt;
    const std::size_t pos = left->pos;
    return make(Expr::Kind::compare, pos, op, {std::move(*left), std::move(*right)});
  }

  // A comparison or arithmetic operator: what stands before it is an operand.
  bool at_operator() const {
    const Token& t = peek();
    static constexpr std::string_view kSymbols[] = {"=", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"};
    return (t.type == Token::Type::symbol && std::find(std::begin(kSymbols), std::end(kSymbols), t.text) != std::end(kSymbols)) ||
           at_keyword("contains") || at_keyword("matches") || at_keyword("in");
  }

  // `(word) = value` in the initial filter: the word inside the parentheses was read as a search
  // term, as nothing followed it there, but the operator after ')' makes it an operand again.
  void undo_term(Expr& e) const {
    if (e.quoted) {
      e.kind = Expr::Kind::string;
      e.quoted = false;
    } else {
      e.kind = e.pos == word_pos_ ? Expr::Kind::field : Expr::Kind::number;
    }
  }

  std::optional<Expr> in_list(Expr left) {
    next();  // in
    if (!at_symbol("(")) return fail(peek().pos, "expected '(' after 'in'");
    next();
    std::vector<Expr> args;
    args.push_back(std::move(left));
    for (;;) {
      if (!starts_operand()) return fail(peek().pos, "expected a value in the 'in' list");
      auto v = sum(Context::value);
      if (!v) return std::nullopt;
      args.push_back(std::move(*v));
      if (at_symbol(",")) {
        next();
        continue;
      }
      if (at_symbol(")")) {
        next();
        break;
      }
      return fail(peek().pos, "expected ',' or ')' in the 'in' list");
    }
    const std::size_t pos = args.front().pos;
    return make(Expr::Kind::in_list, pos, "in", std::move(args));
  }

  std::optional<Expr> sum(Context ctx) {
    auto left = product(ctx);
    if (!left) return std::nullopt;
    while ((at_symbol("+") || at_symbol("-")) && starts_operand(1)) {
      const Token op = next();
      auto right = product(Context::value);
      if (!right) return std::nullopt;
      left = binary(op.text, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> product(Context ctx) {
    auto left = unary(ctx);
    if (!left) return std::nullopt;
    // A '*' followed by something that is not an operand is a wildcard of its own, not a product.
    while ((at_symbol("*") || at_symbol("/") || at_symbol("%")) && starts_operand(1) && !at_symbol("*", 1) &&
           !is_keyword(peek(1))) {
      const Token op = next();
      auto right = unary(Context::value);
      if (!right) return std::nullopt;
      left = binary(op.text, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Expr> unary(Context ctx) {
    if (at_symbol("-")) {
      const Token op = next();
      if (peek().type == Token::Type::number && peek().pos == op.end) {
        Token n = next();
        return make(Expr::Kind::number, op.pos, "-" + n.text);
      }
      if (!starts_operand()) return fail(peek().pos, "expected a value after '-'");
      if (++depth_ > kMaxExprDepth) return fail(op.pos, "expression nested too deeply");
      auto inner = unary(Context::value);
      --depth_;
      if (!inner) return std::nullopt;
      return make(Expr::Kind::unary, op.pos, "-", {std::move(*inner)});
    }
    return primary(ctx);
  }

  std::optional<Expr> primary(Context ctx) {
    const Token& t = peek();
    switch (t.type) {
      case Token::Type::number: {
        Token n = next();
        return make(Expr::Kind::number, n.pos, n.text);
      }
      case Token::Type::string: {
        Token s = next();
        return make(Expr::Kind::string, s.pos, s.text);
      }
      case Token::Type::field: {
        Token f = next();
        return make(Expr::Kind::field, f.pos, f.text);
      }
      case Token::Type::word: {
        if (is_keyword(t)) return fail(t.pos, "expected a value, got keyword '" + t.text + "'");
        Token w = next();
        const std::string lw = lower(w.text);
        if (at_symbol("(") && peek().pos == w.end) return call(w);
        if (lw == "true" || lw == "false") return make(Expr::Kind::boolean, w.pos, lw);
        if (lw == "null") return make(Expr::Kind::null, w.pos, "null");
        word_pos_ = w.pos;
        return make(Expr::Kind::field, w.pos, w.text);
      }
      case Token::Type::symbol: {
        if (t.text == "(") {
          const Token open = next();
          auto inner = expression(ctx);
          if (!inner) return std::nullopt;
          if (!at_symbol(")")) return fail(peek().pos, "expected ')' to close the '(' at position " + std::to_string(open.pos));
          next();
          if (inner->kind == Expr::Kind::term && at_operator()) undo_term(*inner);
          return inner;
        }
        if (t.text == "*") {
          Token w = next();
          return make(Expr::Kind::wildcard, w.pos, "*");
        }
        return fail(t.pos, "expected a value, got '" + t.text + "'");
      }
      case Token::Type::end: return fail(t.pos, "expected a value, got end of query");
    }
    return fail(t.pos, "expected a value");
  }

  std::optional<Expr> call(const Token& name) {
    next();  // '('
    Expr e = make(Expr::Kind::call, name.pos, lower(name.text));
    if (at_symbol(")")) {
      next();
      return e;
    }
    for (;;) {
      auto arg = expression(Context::value);
      if (!arg) return std::nullopt;
      e.args.push_back(std::move(*arg));
      if (at_symbol(",")) {
        next();
        continue;
      }
      if (at_symbol(")")) {
        next();
        return e;
      }
      return fail(peek().pos, "expected ',' or ')' in the arguments of '" + e.text + "'");
    }
  }

  // ---- commands
  std::optional<Command> command() {
    Command c;
    c.pos = peek().pos;
    if (peek().type != Token::Type::word) return fail(peek().pos, "expected a command name after '|'");
    c.name = lower(next().text);
    if (c.name == "filter") {
      c.kind = Command::Kind::filter;
      if (!starts_operand()) return fail(peek().pos, "expected a condition after 'filter'");
      auto f = expression(Context::filter);
      if (!f) return std::nullopt;
      c.filter = std::move(*f);
    } else if (c.name == "columns" || c.name == "let") {
      c.kind = c.name == "let" ? Command::Kind::let : Command::Kind::columns;
      if (!named_list(c.items, c.kind == Command::Kind::let, c.name)) return std::nullopt;
    } else if (c.name == "group") {
      c.kind = Command::Kind::group;
      if (!named_list(c.items, false, "group")) return std::nullopt;
      if (at_keyword("by")) {
        next();
        if (!named_list(c.keys, false, "group ... by")) return std::nullopt;
      }
    } else if (c.name == "sort") {
      c.kind = Command::Kind::sort;
      for (;;) {
        SortKey k;
        if (at_symbol("-") || at_symbol("+")) k.descending = next().text == "-";
        if (!starts_operand()) return fail(peek().pos, "expected a field to sort by");
        auto e = expression(Context::value);
        if (!e) return std::nullopt;
        k.expr = std::move(*e);
        c.sort.push_back(std::move(k));
        if (!at_symbol(",")) break;
        next();
      }
    } else if (c.name == "limit") {
      c.kind = Command::Kind::limit;
      if (peek().type == Token::Type::number) {
        const Token n = next();
        if (n.text.find('.') != std::string::npos || n.text.size() > 9) {
          return fail(n.pos, "expected a whole number of rows after 'limit', got '" + n.text + "'");
        }
        c.limit = std::strtoll(n.text.c_str(), nullptr, 10);
      } else if (!at_symbol("|") && !at_end()) {
        return fail(peek().pos, "expected a number after 'limit', got " + describe(peek()));
      }
    } else if (c.name == "nolimit") {
      c.kind = Command::Kind::nolimit;
    } else {
      c.kind = Command::Kind::other;
      std::size_t start = peek().pos, end = start;
      while (!at_symbol("|") && !at_end()) end = next().end;
      c.raw = std::string(text_view_.substr(start, end - start));
    }
    return c;
  }

  // item (',' item)* where item := [name '='] expr [as name]
  bool named_list(std::vector<NamedExpr>& out, bool name_required, const std::string& what) {
    for (;;) {
      NamedExpr item;
      if ((peek().type == Token::Type::word || peek().type == Token::Type::field) && at_symbol("=", 1) &&
          !is_keyword(peek())) {
        const Token n = next();
        item.name = n.text;
        item.name_pos = n.pos;
        next();  // '='
      } else if (name_required) {
        fail(peek().pos, "expected 'name = expression' in '" + what + "'");
        return false;
      }
      if (!starts_operand()) {
        fail(peek().pos, "expected an expression in '" + what + "'");
        return false;
      }
      auto e = expression(Context::value);
      if (!e) return false;
      item.expr = std::move(*e);
      if (at_keyword("as")) {
        next();
        if (peek().type != Token::Type::word && peek().type != Token::Type::field) {
          fail(peek().pos, "expected a name after 'as'");
          return false;
        }
        const Token n = next();
        item.name = n.text;
        item.name_pos = n.pos;
      }
      out.push_back(std::move(item));
      if (!at_symbol(",")) return true;
      next();
    }
  }

 public:
  std::string_view text_view_;

 private:
  std::vector<Token> t_;
  std::size_t i_ = 0;
  int depth_ = 0;
  std::size_t word_pos_ = static_cast<std::size_t>(-1);  // position of the last bare word read as a field
  std::optional<PqDiagnostic> error_;
};

}  // namespace

ParseResult parse_power_query(std::string_view text) {
  LexResult lexed = lex_power_query(text);
  if (!lexed) {
    ParseResult r;
    r.error = lexed.error;
    return r;
  }
  Parser p(std::move(lexed.tokens));
  p.text_view_ = text;
  return p.run();
}

}  // namespace triagent::hunt
