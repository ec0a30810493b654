// Canonical PowerQuery printer (see power_query_printer.hpp).
#include "triagent/hunt/power_query_printer.hpp"

namespace triagent::hunt {

namespace {

int precedence(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::binary:
      if (e.text == "or") return 1;
      if (e.text == "and") return 2;
      if (e.text == "+" || e.text == "-") return 5;
      return 6;
    case Expr::Kind::unary: return e.text == "not" ? 3 : 7;
    case Expr::Kind::compare:
    case Expr::Kind::in_list: return 4;
    default: return 8;
  }
}

bool plain_name(std::string_view s) {
  if (s.empty()) return false;
  const char c0 = s.front();
  if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_' || c0 == '@')) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '@';
    if (!ok) return false;
  }
  return true;
}

void print(const Expr& e, std::string& out);

// Prints a child, in parentheses when it binds more loosely than its parent needs.
void print_child(const Expr& child, int min_precedence, std::string& out) {
  if (precedence(child) < min_precedence) {
    out += '(';
    print(child, out);
    out += ')';
  } else {
    print(child, out);
  }
}

void print(const Expr& e, std::string& out) {
  switch (e.kind) {
    case Expr::Kind::string: out += quote_pq_string(e.text); break;
    case Expr::Kind::number:
    case Expr::Kind::boolean:
    case Expr::Kind::null: out += e.text; break;
    case Expr::Kind::field: out += print_field_name(e.text); break;
    case Expr::Kind::wildcard: out += '*'; break;
    case Expr::Kind::term: out += e.quoted || !plain_name(e.text) ? quote_pq_string(e.text) : e.text; break;
    case Expr::Kind::call:
      out += e.text + "(";
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i) out += ", ";
        print(e.args[i], out);
      }
      out += ')';
      break;
    case Expr::Kind::unary:
      out += e.text == "not" ? "not " : "-";
      print_child(e.args.at(0), precedence(e), out);
      break;
    case Expr::Kind::binary: {
      const int p = precedence(e);
      print_child(e.args.at(0), p, out);
      out += " " + e.text + " ";
      // Left-associative: a right operand of equal precedence needs parentheses for - / %.
      print_child(e.args.at(1), (e.text == "and" || e.text == "or" || e.text == "+" || e.text == "*") ? p : p + 1, out);
      break;
    }
    case Expr::Kind::compare:
      print_child(e.args.at(0), 5, out);
      out += " " + e.text + " ";
      print_child(e.args.at(1), 5, out);
      break;
    case Expr::Kind::in_list:
      print_child(e.args.at(0), 5, out);
      out += " in (";
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        if (i > 1) out += ", ";
        print(e.args[i], out);
      }
      out += ')';
      break;
  }
}

void print_named(const std::vector<NamedExpr>& items, std::string& out) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    if (!items[i].name.empty()) out += print_field_name(items[i].name) + " = ";
    print(items[i].expr, out);
  }
}

}  // namespace

std::string quote_pq_string(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string print_field_name(std::string_view name) {
  return plain_name(name) ? std::string(name) : "$" + quote_pq_string(name);
}

std::string print_expr(const Expr& expr) {
  std::string out;
  print(expr, out);
  return out;
}

std::string print_power_query(const Query& query) {
  std::string out;
  if (query.filter) print(*query.filter, out);
  for (const Command& c : query.commands) {
    out += out.empty() ? "| " : " | ";
    out += c.name;
    switch (c.kind) {
      case Command::Kind::filter:
        out += ' ';
        print(c.filter, out);
        break;
      case Command::Kind::columns:
      case Command::Kind::let:
        out += ' ';
        print_named(c.items, out);
        break;
      case Command::Kind::group:
        out += ' ';
        print_named(c.items, out);
        if (!c.keys.empty()) {
          out += " by ";
          print_named(c.keys, out);
        }
        break;
      case Command::Kind::sort:
        out += ' ';
        for (std::size_t i = 0; i < c.sort.size(); ++i) {
          if (i) out += ", ";
          if (c.sort[i].descending) out += '-';
          print_child(c.sort[i].expr, 8, out);
        }
        break;
      case Command::Kind::limit:
        if (c.limit) out += " " + std::to_string(*c.limit);
        break;
      case Command::Kind::nolimit: break;
      case Command::Kind::other:
        if (!c.raw.empty()) out += " " + c.raw;
        break;
    }
  }
  return out;
}

}  // namespace triagent::hunt
