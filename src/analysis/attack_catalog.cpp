#include "triagent/analysis/attack_catalog.hpp"

#include <algorithm>

#include "embedded_data.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t b = 0;
  while (true) {
    const auto e = s.find(sep, b);
    out.push_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return out;
}

template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t b = 0;
  bool header = true;
  while (b < text.size()) {
    auto e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(b, e - b);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!header && !line.empty()) fn(line);
    header = false;
    b = e + 1;
  }
}

std::string to_upper_id(std::string_view s) {
  std::string out(trim(s));
  for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

}  // namespace

Result<AttackCatalog> AttackCatalog::parse(std::string_view techniques_tsv, std::string_view retired_tsv,
                                           std::string_view v19_migration_tsv) {
  AttackCatalog cat;
  for_each_line(techniques_tsv, [&cat](std::string_view line) {
    const auto cols = split(line, '\t');
    if (cols.size() < 3) return;
    Technique t;
    t.id = std::string(cols[0]);
    t.name = std::string(cols[1]);
    for (auto tac : split(cols[2], ',')) {
      if (!tac.empty()) t.tactics.emplace_back(trim(tac));
    }
    cat.techniques_.emplace(t.id, std::move(t));
  });
  for_each_line(retired_tsv, [&cat](std::string_view line) {
    const auto cols = split(line, '\t');
    if (cols.empty()) return;
    cat.retired_.emplace(std::string(cols[0]), cols.size() >= 4 ? std::string(trim(cols[3])) : std::string());
  });
  for_each_line(v19_migration_tsv, [&cat](std::string_view line) {
    const auto cols = split(line, '\t');
    if (cols.size() < 3 || !istarts_with(cols[0], "attack.t")) return;
    std::string from = to_upper_id(cols[0].substr(7));
    std::string to = to_upper_id(cols[1].substr(cols[1].find('.') + 1));
    const long n = parse_uint(trim(cols[2]));
    auto it = cat.v19_.find(from);
    if (it == cat.v19_.end() || it->second.second < n) cat.v19_[from] = {to, n};
  });
  if (cat.techniques_.empty()) return make_error(ErrorCode::invalid_argument, "ATT&CK technique table is empty");
  return cat;
}

const AttackCatalog& AttackCatalog::builtin() {
  static const AttackCatalog cat = [] {
    auto parsed = parse(embedded::attack_techniques_tsv(), embedded::attack_retired_tsv(),
                        embedded::attack_v19_migration_tsv());
    return parsed ? std::move(*parsed) : AttackCatalog{};
  }();
  return cat;
}

const Technique* AttackCatalog::find(std::string_view id) const {
  auto it = techniques_.find(id);
  return it == techniques_.end() ? nullptr : &it->second;
}

std::optional<std::string> AttackCatalog::normalize(std::string_view id) const {
  std::string s(trim(id));
  if (istarts_with(s, "attack.")) s.erase(0, 7);
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  if (s.size() < 5 || s[0] != 'T') return std::nullopt;
  for (int hop = 0; hop < 3; ++hop) {
    if (techniques_.count(s)) return s;
    if (auto v = v19_.find(s); v != v19_.end()) {
      s = v->second.first;
      continue;
    }
    auto r = retired_.find(s);
    if (r == retired_.end() || r->second.empty()) return std::nullopt;
    s = r->second;
  }
  return std::nullopt;
}

std::vector<std::string> technique_ids_in(std::string_view text) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto word = [&](char c) { return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto digits_at = [&](std::size_t at, std::size_t n) {
    if (at + n > text.size()) return false;
    for (std::size_t k = 0; k < n; ++k) {
      if (!digit(text[at + k])) return false;
    }
    return true;
  };
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != 'T' || (i > 0 && word(text[i - 1])) || !digits_at(i + 1, 4)) continue;
    std::size_t end = i + 5;
    if (end < text.size() && text[end] == '.' && digits_at(end + 1, 3)) end += 4;
    if (end < text.size() && word(text[end])) continue;
    std::string id(text.substr(i, end - i));
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    i = end - 1;
  }
  return out;
}

}  // namespace triagent::analysis
