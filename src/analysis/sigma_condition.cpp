#include "sigma_condition.hpp"

#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis::sigma {
namespace {

constexpr std::size_t kMaxTokens = 512;
constexpr int kMaxDepth = 64;

struct Token {
  enum class Type { lparen, rparen, word, end } type = Type::end;
  std::string text;
};

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Token::Type::lparen : Token::Type::rparen, std::string(1, c)});
      ++i;
    } else if (c == '|') {
      return make_error(ErrorCode::invalid_argument, "aggregation expressions ('|') are not supported");
    } else {
      std::size_t b = i;
      while (i < s.size() && !is_space(s[i]) && s[i] != '(' && s[i] != ')' && s[i] != '|') ++i;
      out.push_back({Token::Type::word, std::string(s.substr(b, i - b))});
    }
    if (out.size() > kMaxTokens) return make_error(ErrorCode::too_large, "condition too long");
  }
  out.push_back({Token::Type::end, ""});
  return out;
}

bool glob_match(std::string_view pattern, std::string_view name) {
  // Only '*' is special in selection-name patterns.
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::vector<std::string>& names) : t_(std::move(tokens)), names_(names) {}

  Result<Condition> run() {
    auto root = parse_or(0);
    if (!root) return root.error();
    if (t_[pos_].type != Token::Type::end) {
      return make_error(ErrorCode::invalid_argument, "unexpected '" + t_[pos_].text + "' in condition");
    }
    cond_.root = *root;
    return std::move(cond_);
  }

 private:
  bool is_word(std::string_view w) const {
    return t_[pos_].type == Token::Type::word && iequals(t_[pos_].text, w);
  }

  int add(Node n) {
    cond_.nodes.push_back(std::move(n));
    return static_cast<int>(cond_.nodes.size() - 1);
  }

  Result<int> parse_or(int depth) {
    auto left = parse_and(depth);
    if (!left) return left;
    while (is_word("or")) {
      ++pos_;
      auto right = parse_and(depth);
      if (!right) return right;
      left = add(Node{Node::Kind::or_, -1, {*left, *right}});
    }
    return left;
  }

  Result<int> parse_and(int depth) {
    auto left = parse_not(depth);
    if (!left) return left;
    while (is_word("and")) {
      ++pos_;
      auto right = parse_not(depth);
      if (!right) return right;
      left = add(Node{Node::Kind::and_, -1, {*left, *right}});
    }
    return left;
  }

  Result<int> parse_not(int depth) {
    if (depth > kMaxDepth) return make_error(ErrorCode::too_large, "condition nested too deeply");
    if (is_word("not")) {
      ++pos_;
      auto inner = parse_not(depth + 1);
      if (!inner) return inner;
      return add(Node{Node::Kind::not_, -1, {*inner}});
    }
    return parse_primary(depth);
  }

  Result<int> parse_primary(int depth) {
    const Token& tok = t_[pos_];
    if (tok.type == Token::Type::lparen) {
      ++pos_;
      auto inner = parse_or(depth + 1);
      if (!inner) return inner;
      if (t_[pos_].type != Token::Type::rparen) return make_error(ErrorCode::invalid_argument, "missing ')' in condition");
      ++pos_;
      return inner;
    }
    if (tok.type != Token::Type::word) return make_error(ErrorCode::invalid_argument, "condition ends too early");
    // "1 of pattern", "all of them", "any of x*"
    if ((tok.text == "1" || iequals(tok.text, "all") || iequals(tok.text, "any")) &&
        t_[pos_ + 1].type == Token::Type::word && iequals(t_[pos_ + 1].text, "of")) {
      const bool all = iequals(tok.text, "all");
      pos_ += 2;
      if (t_[pos_].type != Token::Type::word) return make_error(ErrorCode::invalid_argument, "'of' needs a name");
      const std::string pattern = iequals(t_[pos_].text, "them") ? "*" : t_[pos_].text;
      ++pos_;
      Node n{all ? Node::Kind::all_of : Node::Kind::any_of, -1, {}};
      for (std::size_t k = 0; k < names_.size(); ++k) {
        // "them" leaves out helper selections whose name starts with '_', as Sigma does.
        if (pattern == "*" && names_[k].starts_with("_")) continue;
        if (glob_match(pattern, names_[k])) n.children.push_back(static_cast<int>(k));
      }
      if (n.children.empty()) return make_error(ErrorCode::invalid_argument, "no selection matches '" + pattern + "'");
      return add(std::move(n));
    }
    for (std::size_t k = 0; k < names_.size(); ++k) {
      if (names_[k] == tok.text) {
        ++pos_;
        return add(Node{Node::Kind::ref, static_cast<int>(k), {}});
      }
    }
    return make_error(ErrorCode::invalid_argument, "unknown selection '" + tok.text + "' in condition");
  }

  std::vector<Token> t_;
  const std::vector<std::string>& names_;
  std::size_t pos_ = 0;
  Condition cond_;
};

}  // namespace

Result<Condition> parse_condition(std::string_view text, const std::vector<std::string>& names) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  return Parser(std::move(*tokens), names).run();
}

}  // namespace triagent::analysis::sigma
