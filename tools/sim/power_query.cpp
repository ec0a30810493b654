#include "power_query.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "record_filter.hpp"
#include "sim_text.hpp"

namespace triagent::sim {

std::vector<std::string> split_pipeline(std::string_view query) {
  std::vector<std::string> parts;
  std::string current;
  char quote = 0;
  for (std::size_t i = 0; i < query.size(); ++i) {
    char c = query[i];
    if (quote) {
      current.push_back(c);
      if (c == '\\' && i + 1 < query.size()) current.push_back(query[++i]);
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
      current.push_back(c);
    } else if (c == '|' && !(i + 1 < query.size() && query[i + 1] == '|') && !(i > 0 && query[i - 1] == '|')) {
      parts.emplace_back(trim_view(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.emplace_back(trim_view(current));
  return parts;
}

namespace {

using Row = nlohmann::json;  // flat object

// Splits on ',' outside parentheses and quotes.
std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
      cur.push_back(c);
    } else if (c == '"' || c == '\'') {
      quote = c;
      cur.push_back(c);
    } else if (c == '(') {
      ++depth;
      cur.push_back(c);
    } else if (c == ')') {
      --depth;
      cur.push_back(c);
    } else if (c == ',' && depth == 0) {
      out.emplace_back(trim_view(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!trim_view(cur).empty()) out.emplace_back(trim_view(cur));
  return out;
}

std::pair<std::string, std::string_view> first_word(std::string_view s) {
  s = trim_view(s);
  std::size_t i = 0;
  while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return {to_lower(s.substr(0, i)), trim_view(s.substr(i))};
}

// "alias = expr" -> (alias, expr); "expr" -> ("", expr). '=' inside parentheses is not an alias.
std::pair<std::string, std::string> split_alias(std::string_view item) {
  int depth = 0;
  for (std::size_t i = 0; i < item.size(); ++i) {
    if (item[i] == '(') ++depth;
    if (item[i] == ')') --depth;
    if (item[i] == '=' && depth == 0 && (i + 1 >= item.size() || item[i + 1] != '=')) {
      return {std::string(trim_view(item.substr(0, i))), std::string(trim_view(item.substr(i + 1)))};
    }
  }
  return {"", std::string(trim_view(item))};
}

nlohmann::json field_value(const Row& row, std::string_view name) {
  name = trim_view(name);
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') && name.back() == name.front()) {
    return std::string(name.substr(1, name.size() - 2));  // a literal
  }
  const nlohmann::json* v = lookup_field(row, name);
  return v ? *v : nlohmann::json(nullptr);
}

struct Aggregate {
  std::string name;
  std::string fn;   // count, estimate_distinct, min, max, sum, avg
  std::string arg;  // field, or empty for count()
};

Result<Aggregate> parse_aggregate(const std::string& item) {
  auto [alias, expr] = split_alias(item);
  std::string text = expr;
  auto as_pos = to_lower(text).rfind(" as ");
  if (alias.empty() && as_pos != std::string::npos) {
    alias = std::string(trim_view(std::string_view(text).substr(as_pos + 4)));
    text = std::string(trim_view(std::string_view(text).substr(0, as_pos)));
  }
  auto open = text.find('(');
  if (open == std::string::npos || text.back() != ')') {
    return Error(ErrorCode::invalid_argument, "group: expected fn(field) in '" + item + "'");
  }
  Aggregate a;
  a.fn = to_lower(trim_view(std::string_view(text).substr(0, open)));
  a.arg = std::string(trim_view(std::string_view(text).substr(open + 1, text.size() - open - 2)));
  if (a.fn == "count_distinct") a.fn = "estimate_distinct";
  static const std::set<std::string> known{"count", "estimate_distinct", "min", "max", "sum", "avg"};
  if (!known.count(a.fn)) return Error(ErrorCode::invalid_argument, "group: unsupported function '" + a.fn + "'");
  a.name = alias.empty() ? (a.arg.empty() ? a.fn : a.fn + "(" + a.arg + ")") : alias;
  return a;
}

Result<std::vector<Row>> group_rows(const std::vector<Row>& rows, std::string_view spec, std::vector<std::string>& columns) {
  std::string_view aggs_text = spec;
  std::vector<std::string> keys;
  const std::string lowered = to_lower(spec);
  auto by = lowered.rfind(" by ");
  if (by != std::string::npos) {
    aggs_text = spec.substr(0, by);
    keys = split_commas(spec.substr(by + 4));
  }
  std::vector<Aggregate> aggs;
  for (const auto& item : split_commas(aggs_text)) {
    auto a = parse_aggregate(item);
    if (!a) return a.error();
    aggs.push_back(*a);
  }
  struct Acc {
    std::vector<nlohmann::json> key_values;
    std::vector<double> num;
    std::vector<std::set<std::string>> distinct;
    std::vector<nlohmann::json> extreme;
    std::vector<std::size_t> n;
  };
  std::map<std::string, Acc> groups;
  std::vector<std::string> order;
  for (const auto& row : rows) {
    std::vector<nlohmann::json> kv;
    std::string k;
    for (const auto& key : keys) {
      kv.push_back(field_value(row, key));
      k += kv.back().dump() + "\x1f";
    }
    auto [it, fresh] = groups.try_emplace(k);
    Acc& acc = it->second;
    if (fresh) {
      order.push_back(k);
      acc.key_values = kv;
      acc.num.assign(aggs.size(), 0);
      acc.distinct.resize(aggs.size());
      acc.extreme.assign(aggs.size(), nullptr);
      acc.n.assign(aggs.size(), 0);
    }
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      const Aggregate& a = aggs[i];
      if (a.fn == "count" && a.arg.empty()) {
        acc.num[i] += 1;
        continue;
      }
      nlohmann::json v = field_value(row, a.arg);
      if (v.is_null()) continue;
      if (a.fn == "count") {
        acc.num[i] += 1;
      } else if (a.fn == "estimate_distinct") {
        acc.distinct[i].insert(scalar_text(v));
      } else if (a.fn == "min" || a.fn == "max") {
        if (acc.extreme[i].is_null() || (a.fn == "min" ? v < acc.extreme[i] : acc.extreme[i] < v)) acc.extreme[i] = v;
      } else {
        double d = v.is_number() ? v.get<double>() : std::atof(scalar_text(v).c_str());
        acc.num[i] += d;
        acc.n[i] += 1;
      }
    }
  }
  columns.clear();
  for (const auto& key : keys) columns.push_back(split_alias(key).second);
  for (const auto& a : aggs) columns.push_back(a.name);
  std::vector<Row> out;
  for (const auto& k : order) {
    const Acc& acc = groups[k];
    Row r = nlohmann::json::object();
    for (std::size_t i = 0; i < keys.size(); ++i) r[columns[i]] = acc.key_values[i];
    for (std::size_t i = 0; i < aggs.size(); ++i) {
      const Aggregate& a = aggs[i];
      nlohmann::json v;
      if (a.fn == "count") v = static_cast<std::int64_t>(acc.num[i]);
      else if (a.fn == "estimate_distinct") v = acc.distinct[i].size();
      else if (a.fn == "min" || a.fn == "max") v = acc.extreme[i];
      else if (a.fn == "sum") v = acc.num[i];
      else v = acc.n[i] ? acc.num[i] / static_cast<double>(acc.n[i]) : 0.0;
      r[a.name] = v;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Result<TableResult> run_power_query(std::string_view query, const std::vector<const nlohmann::json*>& records) {
  TableResult t;
  std::vector<std::string> stages = split_pipeline(query);
  auto initial = RecordFilter::parse(stages.front());
  if (!initial) return initial.error();
  std::vector<Row> rows;
  for (const auto* r : records) {
    if (initial->matches(*r)) rows.push_back(*r);
  }
  t.matching_events = rows.size();
  std::vector<std::string> columns;  // empty: the default set
  bool limited = false;
  for (std::size_t i = 1; i < stages.size(); ++i) {
    auto [cmd, rest] = first_word(stages[i]);
    if (cmd == "filter" || cmd == "where") {
      auto f = RecordFilter::parse(rest);
      if (!f) return f.error();
      std::erase_if(rows, [&f](const Row& r) { return !f->matches(r); });
    } else if (cmd == "columns" || cmd == "fields") {
      std::vector<std::pair<std::string, std::string>> cols;
      for (const auto& item : split_commas(rest)) {
        auto [alias, expr] = split_alias(item);
        cols.emplace_back(alias.empty() ? expr : alias, expr);
      }
      for (auto& r : rows) {
        Row out = nlohmann::json::object();
        for (const auto& [name, expr] : cols) out[name] = field_value(r, expr);
        r = std::move(out);
      }
      columns.clear();
      for (const auto& c : cols) columns.push_back(c.first);
    } else if (cmd == "let") {
      for (const auto& item : split_commas(rest)) {
        auto [alias, expr] = split_alias(item);
        if (alias.empty()) {
          t.warnings.push_back("let: expected name = field in '" + item + "'");
          continue;
        }
        for (auto& r : rows) r[alias] = field_value(r, expr);
        if (!columns.empty()) columns.push_back(alias);
      }
    } else if (cmd == "group") {
      auto grouped = group_rows(rows, rest, columns);
      if (!grouped) return grouped.error();
      rows = std::move(*grouped);
      limited = true;
    } else if (cmd == "sort") {
      std::vector<std::pair<std::string, bool>> keys;  // field, descending
      for (const auto& item : split_commas(rest)) {
        std::string_view k = item;
        bool desc = false;
        if (!k.empty() && (k.front() == '-' || k.front() == '+')) {
          desc = k.front() == '-';
          k.remove_prefix(1);
        }
        keys.emplace_back(std::string(trim_view(k)), desc);
      }
      std::stable_sort(rows.begin(), rows.end(), [&keys](const Row& a, const Row& b) {
        for (const auto& [k, desc] : keys) {
          nlohmann::json va = field_value(a, k), vb = field_value(b, k);
          if (va == vb) continue;
          return desc ? vb < va : va < vb;
        }
        return false;
      });
    } else if (cmd == "limit") {
      std::size_t n = 10;
      if (!rest.empty()) {
        try {
          n = static_cast<std::size_t>(std::stoull(std::string(rest)));
        } catch (const std::exception&) {
          return Error(ErrorCode::invalid_argument, "limit: expected a number, got '" + std::string(rest) + "'");
        }
      }
      if (rows.size() > n) rows.resize(n);
      limited = true;
    } else if (cmd == "nolimit") {
      limited = true;
    } else if (!cmd.empty()) {
      t.warnings.push_back("command '" + cmd + "' is not supported by triagent-sim and was ignored");
    }
  }
  if (!limited && rows.size() > 1000) {
    rows.resize(1000);
    t.warnings.push_back("Result set limited to 1000 rows by default. To display more rows, add a command like \"| limit 10000\".");
  }
  if (columns.empty()) columns = {"timestamp", "serverHost", "message"};
  t.columns = columns;
  for (const auto& r : rows) {
    std::vector<nlohmann::json> row;
    for (const auto& c : columns) row.push_back(field_value(r, c));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace triagent::sim
