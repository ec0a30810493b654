// PowerQuery validation against a HuntPolicy and a FieldCatalogue (see power_query_validator.hpp).
#include "triagent/hunt/power_query_validator.hpp"

#include <algorithm>
#include <set>

#include "triagent/hunt/power_query_parser.hpp"
#include "triagent/hunt/power_query_printer.hpp"

namespace triagent::hunt {

namespace {

const std::set<std::string>& aggregate_functions() {
  static const std::set<std::string> s{"count", "sum", "avg", "min", "max", "estimate_distinct", "array_agg_distinct",
                                       "array_agg", "any", "min_by", "max_by", "p10", "p50", "p90", "p95", "p99",
                                       "percentile", "median", "stddev"};
  return s;
}

const std::set<std::string>& scalar_functions() {
  static const std::set<std::string> s{"timebucket", "number", "lower", "upper", "len", "abs", "round", "floor",
                                       "ceiling", "isempty", "isnotempty", "substr", "format", "simpledateformat"};
  return s;
}

class Checker {
 public:
  Checker(const HuntPolicy& policy, const FieldCatalogue& catalogue, ValidatedQuery& out)
      : policy_(policy), catalogue_(catalogue), out_(out) {}

  void run(Query& q) {
    if (!q.filter || is_bare_wildcard(*q.filter)) {
      error(0, "the initial filter is empty or a bare '*'; start with at least one field condition "
               "(e.g. event.type = \"Process Creation\")");
    } else {
      check_filter(*q.filter, true);
    }
    for (Command& c : q.commands) check_command(c);
  }

 private:
  void error(std::size_t pos, std::string message) { out_.errors.push_back(PqDiagnostic{pos, std::move(message)}); }

  static bool is_bare_wildcard(const Expr& e) {
    if (e.kind == Expr::Kind::wildcard) return true;
    if (e.kind == Expr::Kind::binary && (e.text == "and" || e.text == "or")) {
      return is_bare_wildcard(e.args[0]) && is_bare_wildcard(e.args[1]);
    }
    return false;
  }

  bool in_scope(const std::string& name) const {
    return defined_.count(name) > 0 || (catalogue_active_ && catalogue_.contains(name));
  }

  void check_field(const Expr& e) {
    if (in_scope(e.text)) return;
    std::string msg = "unknown field '" + e.text + "'";
    if (!catalogue_active_) {
      msg += ": after columns/group only these names exist: ";
      std::size_t n = 0;
      for (const auto& d : defined_) msg += (n++ ? ", " : "") + d;
    } else if (auto s = catalogue_.suggest(e.text); !s.empty()) {
      msg += " (did you mean '" + s + "'?)";
    } else {
      msg += " (not in the field catalogue)";
    }
    error(e.pos, msg);
  }

  // A bare name on the value side of a comparison is a field only when one by that name exists;
  // otherwise it is a word the user meant literally, printed quoted from now on.
  void check_value(Expr& e, bool initial) {
    if (e.kind == Expr::Kind::field && !in_scope(e.text)) {
      e.kind = Expr::Kind::string;
      return;
    }
    if (e.kind == Expr::Kind::wildcard) return;  // `field = *`: present
    check_expr(e, initial, false);
  }

  // A filter is conditions joined by and/or/not; arithmetic standing alone ("- 1") tests nothing.
  void check_filter(Expr& e, bool initial) {
    const bool logic = (e.kind == Expr::Kind::binary && (e.text == "and" || e.text == "or")) ||
                       (e.kind == Expr::Kind::unary && e.text == "not");
    if (logic) {
      for (auto& a : e.args) check_filter(a, initial);
      return;
    }
    if (e.kind == Expr::Kind::unary || e.kind == Expr::Kind::binary) {
      error(e.pos, "expected a condition, got the arithmetic '" + print_expr(e) + "'");
      return;
    }
    if (e.kind == Expr::Kind::term) {  // a condition of its own: only here may a search term stand
      if (!initial) error(e.pos, "a full-text search term is only allowed in the initial filter");
      return;
    }
    check_expr(e, initial, false);
  }

  void check_expr(Expr& e, bool initial, bool aggregate_allowed) {
    switch (e.kind) {
      case Expr::Kind::field: check_field(e); break;
      case Expr::Kind::wildcard:
        if (!initial) error(e.pos, "'*' is only allowed in the initial filter");
        break;
      case Expr::Kind::term:  // inside an operand ("(a b) = 1"); check_filter takes the lone ones
        error(e.pos, "'" + e.text + "' is a search term, not a value to compare; compare a field, e.g. field = value");
        break;
      case Expr::Kind::call: check_call(e, initial, aggregate_allowed); break;
      case Expr::Kind::unary:
      case Expr::Kind::binary:
        for (auto& a : e.args) check_expr(a, initial, aggregate_allowed);
        break;
      case Expr::Kind::compare:
        if (e.args[0].kind == Expr::Kind::wildcard) {
          if (!initial || (e.text.rfind("contains", 0) != 0 && e.text != "matches")) {
            error(e.pos, "'*' may only be searched with contains or matches in the initial filter");
          }
        } else {
          check_expr(e.args[0], initial, aggregate_allowed);
        }
        if (e.args[1].kind == Expr::Kind::wildcard && e.text != "=" && e.text != "!=") {
          error(e.args[1].pos, "'*' after '" + e.text + "' means nothing; use '= *' to test that a field is present");
        }
        check_value(e.args[1], initial);
        break;
      case Expr::Kind::in_list:
        check_expr(e.args[0], initial, aggregate_allowed);
        for (std::size_t i = 1; i < e.args.size(); ++i) check_value(e.args[i], initial);
        break;
      default: break;
    }
  }

  void check_call(Expr& e, bool initial, bool aggregate_allowed) {
    if (e.text == "count_distinct") {
      error(e.pos, "count_distinct is not supported; use estimate_distinct(field)");
      return;
    }
    const bool aggregate = aggregate_functions().count(e.text) > 0;
    if (aggregate && !aggregate_allowed) {
      error(e.pos, "aggregate function '" + e.text + "' is only allowed in 'group'");
      return;
    }
    if (!aggregate && !scalar_functions().count(e.text)) {
      error(e.pos, "unknown function '" + e.text + "'");
      return;
    }
    for (auto& a : e.args) {
      if (a.kind == Expr::Kind::string || a.kind == Expr::Kind::number) continue;
      check_expr(a, initial, false);
    }
  }

  // The name a column or group key is known by afterwards.
  static std::string result_name(const NamedExpr& item) {
    if (!item.name.empty()) return item.name;
    if (item.expr.kind == Expr::Kind::field) return item.expr.text;
    return print_expr(item.expr);
  }

  void check_command(Command& c) {
    const bool allowed = std::find(policy_.allowed_commands.begin(), policy_.allowed_commands.end(), c.name) !=
                         policy_.allowed_commands.end();
    if (is_writing_command(c.name)) {
      error(c.pos, "command '" + c.name + "' writes data and is never allowed in a hunt");
      return;
    }
    if (!allowed) {
      std::string list;
      for (const auto& a : policy_.allowed_commands) list += (list.empty() ? "" : ", ") + a;
      error(c.pos, "command '" + c.name + "' is not allowed (allowed: " + list + ")");
      return;
    }
    switch (c.kind) {
      case Command::Kind::filter: check_filter(c.filter, false); break;
      case Command::Kind::let:
        for (auto& item : c.items) {
          check_expr(item.expr, false, false);
          defined_.insert(item.name);
        }
        break;
      case Command::Kind::columns: {
        std::set<std::string> next;
        for (auto& item : c.items) {
          check_expr(item.expr, false, false);
          next.insert(result_name(item));
        }
        defined_ = std::move(next);
        catalogue_active_ = false;
        break;
      }
      case Command::Kind::group: {
        std::set<std::string> next;
        for (auto& key : c.keys) {
          check_expr(key.expr, false, false);
          next.insert(result_name(key));
        }
        for (auto& item : c.items) {
          const bool call = item.expr.kind == Expr::Kind::call;
          if (call && item.expr.text == "count_distinct") {
            check_call(item.expr, false, true);  // names the replacement
            continue;
          }
          if (!call || !aggregate_functions().count(item.expr.text)) {
            error(item.expr.pos, "group needs aggregate functions such as count(), estimate_distinct(field), "
                                 "min(field); got '" + print_expr(item.expr) + "'");
            continue;
          }
          check_expr(item.expr, false, true);
          next.insert(item.name.empty() ? item.expr.text : item.name);
        }
        defined_ = std::move(next);
        catalogue_active_ = false;
        break;
      }
      case Command::Kind::sort:
        for (auto& k : c.sort) check_expr(k.expr, false, false);
        break;
      case Command::Kind::limit:
        if (c.limit && *c.limit > policy_.max_limit) {
          out_.notes.push_back("limit " + std::to_string(*c.limit) + " capped to " + std::to_string(policy_.max_limit));
          c.limit = policy_.max_limit;
          out_.limit_capped = true;
        }
        break;
      case Command::Kind::nolimit:
      case Command::Kind::other: break;
    }
  }

  const HuntPolicy& policy_;
  const FieldCatalogue& catalogue_;
  ValidatedQuery& out_;
  std::set<std::string> defined_;
  bool catalogue_active_ = true;
};

}  // namespace

bool is_writing_command(const std::string& name) {
  return name == "savelookup" || name == "putfile" || name == "delete" || name == "addevents";
}

std::string ValidatedQuery::error_text() const {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e.text();
  return out;
}

nlohmann::json ValidatedQuery::to_json() const {
  nlohmann::json errs = nlohmann::json::array();
  for (const auto& e : errors) errs.push_back(e.text());
  return {{"ok", ok}, {"errors", errs}, {"notes", notes}, {"limit_added", limit_added}, {"limit_capped", limit_capped}};
}

ValidatedQuery validate_power_query(std::string_view text, const HuntPolicy& policy, const FieldCatalogue& catalogue) {
  ValidatedQuery out;
  if (text.size() > policy.max_query_chars) {
    out.errors.push_back({policy.max_query_chars, "the query is longer than " + std::to_string(policy.max_query_chars) +
                                                      " characters"});
    return out;
  }
  ParseResult parsed = parse_power_query(text);
  if (!parsed) {
    out.errors.push_back(*parsed.error);
    return out;
  }
  Query q = std::move(*parsed.query);
  Checker(policy, catalogue, out).run(q);
  if (q.commands.empty() || q.commands.back().kind != Command::Kind::limit) {
    Command limit;
    limit.kind = Command::Kind::limit;
    limit.name = "limit";
    limit.pos = text.size();
    limit.limit = policy.default_limit;
    q.commands.push_back(std::move(limit));
    out.limit_added = true;
    out.notes.push_back("appended '| limit " + std::to_string(policy.default_limit) + "'");
  }
  if (!out.errors.empty()) return out;
  out.text = print_power_query(q);
  if (out.text.size() > policy.max_query_chars) {
    out.errors.push_back({0, "the completed query is longer than " + std::to_string(policy.max_query_chars) + " characters"});
    return out;
  }
  out.query = std::move(q);
  out.ok = true;
  return out;
}

}  // namespace triagent::hunt
