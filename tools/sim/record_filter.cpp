#include "record_filter.hpp"

#include <re2/re2.h>

#include <array>
#include <cctype>
#include <charconv>
#include <utility>
#include <vector>

#include "sim_text.hpp"

namespace triagent::sim {

namespace {

// S1 PowerQuery (SDL) and S1QL 1.0 names for the Deep Visibility fields the scenario stores.
constexpr std::array<std::pair<std::string_view, std::string_view>, 46> kAliases = {{
    {"event.type", "eventType"},
    {"event.time", "eventTime"},
    {"endpoint.name", "endpointName"},
    {"endpoint.os", "endpointOs"},
    {"agent.uuid", "agentUuid"},
    {"site.id", "siteId"},
    {"src.process.name", "processName"},
    {"src.process.cmdline", "processCmd"},
    {"src.process.image.path", "processImagePath"},
    {"src.process.image.sha1", "processImageSha1Hash"},
    {"src.process.pid", "pid"},
    {"src.process.user", "user"},
    {"src.process.storyline.id", "storyline"},
    {"src.process.uid", "processUniqueKey"},
    {"src.process.parent.name", "parentProcessName"},
    {"tgt.process.name", "tgtProcName"},
    {"tgt.process.cmdline", "tgtProcCmdLine"},
    {"tgt.process.image.path", "tgtProcImagePath"},
    {"tgt.file.path", "fileFullName"},
    {"tgt.file.sha256", "fileSha256"},
    {"tgt.file.sha1", "fileSha1"},
    {"dst.ip.address", "dstIp"},
    {"dst.port.number", "dstPort"},
    {"src.ip.address", "srcIp"},
    {"src.port.number", "srcPort"},
    {"event.dns.request", "dnsRequest"},
    {"event.login.userName", "loginsUserName"},
    {"event.login.loginIsSuccessful", "loginIsSuccessful"},
    {"event.login.type", "loginType"},
    {"registry.keyPath", "registryKeyPath"},
    {"registry.value", "registryValue"},
    {"module.sha1", "moduleSha1"},
    {"SrcProcName", "processName"},
    {"SrcProcCmdLine", "processCmd"},
    {"SrcProcImagePath", "processImagePath"},
    {"SrcProcStorylineId", "storyline"},
    {"SrcProcUser", "user"},
    {"SrcProcParentName", "parentProcessName"},
    {"TgtFilePath", "fileFullName"},
    {"TgtFileSha256", "fileSha256"},
    {"DstIP", "dstIp"},
    {"SrcIP", "srcIp"},
    {"DNSRequest", "dnsRequest"},
    {"LoginsUserName", "loginsUserName"},
    {"RegistryKeyPath", "registryKeyPath"},
    {"AgentUUID", "agentUuid"},
}};

}  // namespace

const nlohmann::json* lookup_field(const nlohmann::json& record, std::string_view name) {
  if (!name.empty() && name.front() == '$') name.remove_prefix(1);
  if (!record.is_object()) return nullptr;
  auto it = record.find(std::string(name));
  if (it != record.end()) return &*it;
  for (const auto& [alias, target] : kAliases) {
    if (iequals(alias, name)) {
      auto t = record.find(std::string(target));
      if (t != record.end()) return &*t;
    }
  }
  for (auto i = record.begin(); i != record.end(); ++i) {
    if (iequals(i.key(), name)) return &*i;
  }
  return nullptr;
}

std::string scalar_text(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

enum class Op { eq, ne, lt, le, gt, ge, contains, matches, in, startswith, endswith, exists, text, all, and_, or_, not_ };

struct RecordFilter::Node {
  Op op = Op::all;
  std::string field;
  std::vector<std::string> values;
  std::shared_ptr<RE2> re;
  std::shared_ptr<const Node> left, right;
};

namespace {

struct Token {
  enum Kind { word, string, punct, end } kind = end;
  std::string text;
};

bool is_op_char(char c) { return c == '=' || c == '!' || c == '<' || c == '>' || c == '&' || c == '|'; }

Result<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '"' || c == '\'') {
      std::string v;
      ++i;
      while (i < s.size() && s[i] != c) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        v.push_back(s[i++]);
      }
      if (i >= s.size()) return Error(ErrorCode::invalid_argument, "unterminated string in query");
      ++i;
      out.push_back({Token::string, v});
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({Token::punct, std::string(1, c)});
      ++i;
    } else if (is_op_char(c)) {
      std::string op(1, c);
      if (i + 1 < s.size() && (s[i + 1] == '=' || (c == '&' && s[i + 1] == '&') || (c == '|' && s[i + 1] == '|'))) {
        op.push_back(s[i + 1]);
      }
      i += op.size();
      out.push_back({Token::punct, op});
    } else {
      std::size_t start = i;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '"' && s[i] != '\'' &&
             s[i] != '(' && s[i] != ')' && s[i] != ',' && !is_op_char(s[i])) {
        ++i;
      }
      out.push_back({Token::word, std::string(s.substr(start, i - start))});
    }
  }
  out.push_back({Token::end, ""});
  return out;
}

// Thrown inside the parser only; parse() turns it into an Error.
struct ParseFailure {};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  std::shared_ptr<const RecordFilter::Node> parse_all() {
    if (t_[pos_].kind == Token::end) return nullptr;
    auto n = parse_or();
    if (t_[pos_].kind != Token::end) fail("unexpected '" + t_[pos_].text + "'");
    return n;
  }
  const std::string& error() const { return error_; }

 private:
  using NodeP = std::shared_ptr<const RecordFilter::Node>;

  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    throw ParseFailure{};
  }
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(pos_ + ahead, t_.size() - 1)]; }
  bool word_is(const Token& t, std::string_view w) const { return t.kind == Token::word && iequals(t.text, w); }
  bool punct_is(const Token& t, std::string_view p) const { return t.kind == Token::punct && t.text == p; }

  static NodeP combine(Op op, NodeP l, NodeP r) {
    auto n = std::make_shared<RecordFilter::Node>();
    n->op = op;
    n->left = std::move(l);
    n->right = std::move(r);
    return n;
  }

  NodeP parse_or() {
    NodeP left = parse_and();
    while (word_is(peek(), "or") || punct_is(peek(), "||")) {
      ++pos_;
      left = combine(Op::or_, left, parse_and());
    }
    return left;
  }

  NodeP parse_and() {
    NodeP left = parse_unary();
    for (;;) {
      const Token& t = peek();
      if (word_is(t, "and") || punct_is(t, "&&")) {
        ++pos_;
      } else if (t.kind == Token::end || punct_is(t, ")") || word_is(t, "or") || punct_is(t, "||")) {
        return left;
      }
      left = combine(Op::and_, left, parse_unary());
    }
  }

  NodeP parse_unary() {
    if (word_is(peek(), "not") || punct_is(peek(), "!")) {
      ++pos_;
      return combine(Op::not_, parse_unary(), nullptr);
    }
    if (punct_is(peek(), "(")) {
      ++pos_;
      NodeP inner = parse_or();
      if (!punct_is(peek(), ")")) fail("missing ')'");
      ++pos_;
      return inner;
    }
    return parse_term();
  }

  std::string value_token() {
    const Token& t = peek();
    if (t.kind != Token::word && t.kind != Token::string) fail("expected a value after an operator");
    ++pos_;
    return t.text;
  }

  NodeP parse_term() {
    const Token& first = peek();
    if (first.kind != Token::word && first.kind != Token::string) fail("unexpected '" + first.text + "'");
    ++pos_;
    auto n = std::make_shared<RecordFilter::Node>();
    const Token& op = peek();
    if (first.kind == Token::word) {
      static const std::array<std::pair<std::string_view, Op>, 6> sym = {
          {{"=", Op::eq}, {"==", Op::eq}, {"!=", Op::ne}, {"<", Op::lt}, {"<=", Op::le}, {">", Op::gt}}};
      for (auto [s, o] : sym) {
        if (punct_is(op, s)) n->op = o;
      }
      if (punct_is(op, ">=")) n->op = Op::ge;
      if (n->op != Op::all) {
        ++pos_;
        n->field = first.text;
        const bool star = peek().kind == Token::word && peek().text == "*";
        n->values.push_back(value_token());
        if (star && (n->op == Op::eq || n->op == Op::ne)) {
          // field = * means "present"; field != * means "absent".
          auto e = std::make_shared<RecordFilter::Node>();
          e->op = Op::exists;
          e->field = first.text;
          if (n->op == Op::eq) return e;
          return combine(Op::not_, e, nullptr);
        }
        return n;
      }
      if (op.kind == Token::word) {
        const std::string w = to_lower(op.text);
        if (w == "contains" || w == "containscis") n->op = Op::contains;
        else if (w == "matches" || w == "regexp") n->op = Op::matches;
        else if (w == "startswith") n->op = Op::startswith;
        else if (w == "endswith") n->op = Op::endswith;
        else if (w == "exists") n->op = Op::exists;
        else if (w == "in") n->op = Op::in;
        if (n->op != Op::all) {
          ++pos_;
          n->field = first.text;
          if (n->op == Op::exists) return n;
          if (n->op == Op::in) {
            if (word_is(peek(), "contains")) {  // S1QL "In Contains (...)"
              ++pos_;
              n->op = Op::contains;
            }
            if (!punct_is(peek(), "(")) fail("expected '(' after in");
            ++pos_;
            while (!punct_is(peek(), ")")) {
              n->values.push_back(value_token());
              if (punct_is(peek(), ",")) ++pos_;
              else if (!punct_is(peek(), ")")) fail("expected ',' or ')' in a list");
            }
            ++pos_;
            return n;
          }
          n->values.push_back(value_token());
          if (n->op == Op::matches) {
            n->re = std::make_shared<RE2>(n->values.front(), RE2::Quiet);
            if (!n->re->ok()) fail("invalid regular expression '" + n->values.front() + "'");
          }
          return n;
        }
      }
      if (first.text == "*") {
        n->op = Op::all;
        return n;
      }
    }
    n->op = Op::text;
    n->values.push_back(first.text);
    return n;
  }

  std::vector<Token> t_;
  std::size_t pos_ = 0;
  std::string error_;
};

std::optional<double> as_number(std::string_view s) {
  s = trim_view(s);
  if (s.empty()) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return d;
}

int compare(const nlohmann::json& v, const std::string& rhs) {
  std::optional<double> l = v.is_number() ? std::optional<double>(v.get<double>()) : as_number(scalar_text(v));
  std::optional<double> r = as_number(rhs);
  if (l && r) return *l < *r ? -1 : (*l > *r ? 1 : 0);
  const std::string text = scalar_text(v);
  return text < rhs ? -1 : (text > rhs ? 1 : 0);
}

bool equal(const nlohmann::json& v, const std::string& rhs) {
  if (v.is_boolean()) return iequals(rhs, v.get<bool>() ? "true" : "false");
  std::optional<double> l = v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt;
  std::optional<double> r = as_number(rhs);
  if (l && r) return *l == *r;
  return iequals(scalar_text(v), rhs);
}

bool any_value_contains(const nlohmann::json& record, const std::string& needle) {
  for (const auto& v : record) {
    if (v.is_string() && icontains(v.get_ref<const std::string&>(), needle)) return true;
    if (v.is_number() && icontains(v.dump(), needle)) return true;
  }
  return false;
}

bool eval(const RecordFilter::Node* n, const nlohmann::json& r) {
  if (!n) return true;
  switch (n->op) {
    case Op::all: return true;
    case Op::and_: return eval(n->left.get(), r) && eval(n->right.get(), r);
    case Op::or_: return eval(n->left.get(), r) || eval(n->right.get(), r);
    case Op::not_: return !eval(n->left.get(), r);
    case Op::text: return any_value_contains(r, n->values.front());
    default: break;
  }
  const nlohmann::json* v = lookup_field(r, n->field);
  const bool present = v && !v->is_null();
  switch (n->op) {
    case Op::exists: return present;
    case Op::ne: return !present || !equal(*v, n->values.front());
    default: break;
  }
  if (!present) return false;
  const std::string text = scalar_text(*v);
  switch (n->op) {
    case Op::eq: return equal(*v, n->values.front());
    case Op::lt: return compare(*v, n->values.front()) < 0;
    case Op::le: return compare(*v, n->values.front()) <= 0;
    case Op::gt: return compare(*v, n->values.front()) > 0;
    case Op::ge: return compare(*v, n->values.front()) >= 0;
    case Op::contains:
      for (const auto& x : n->values) {
        if (icontains(text, x)) return true;
      }
      return false;
    case Op::startswith: return starts_with_icase(text, n->values.front());
    case Op::endswith:
      return text.size() >= n->values.front().size() &&
             iequals(std::string_view(text).substr(text.size() - n->values.front().size()), n->values.front());
    case Op::matches: return RE2::PartialMatch(text, *n->re);
    case Op::in:
      for (const auto& x : n->values) {
        if (equal(*v, x)) return true;
      }
      return false;
    default: return false;
  }
}

}  // namespace

Result<RecordFilter> RecordFilter::parse(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  Parser p(std::move(*tokens));
  RecordFilter f;
  try {
    f.root_ = p.parse_all();
  } catch (const ParseFailure&) {
    return Error(ErrorCode::invalid_argument, "cannot parse filter: " + p.error());
  }
  return f;
}

bool RecordFilter::matches(const nlohmann::json& record) const { return eval(root_.get(), record); }

}  // namespace triagent::sim
