#include "triagent/analysis/sigma.hpp"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "literal_matcher.hpp"
#include "sigma_condition.hpp"
#include "triagent/analysis/text_util.hpp"

namespace triagent::analysis {

namespace {

// One value to compare a field against, prepared at load time.
struct Pattern {
  enum class Kind { exact, prefix, suffix, contains, glob, regex, cidr, exists, compare, null_or_empty } kind =
      Kind::exact;
  std::string ref_field;      // fieldref: compare with this field's value instead of `text`
  int literal_id = -1;        // contains: id in the rule set's LiteralMatcher (prefilter)
  // exact/startswith/endswith: the value is a substring of the field it matches, so its literal
  // occurs in the event whenever the scan covered the field values (structured events).
  int field_literal_id = -1;
  std::string text;           // lower case unless `cased`
  std::vector<char> wild;     // glob: which characters of `text` are wildcards (not vector<bool>: hot loop)
  std::string run;            // glob: its longest literal run, the text of field_literal_id
  bool cased = false;
  std::shared_ptr<RE2> re;
  std::uint32_t net = 0, mask = 0;  // cidr (IPv4)
  bool exists = true;               // exists
  char op = '>';                    // compare: '>' '<' 'G' (>=) 'L' (<=)
  bool or_equal = false;
  double number = 0;
};

struct FieldTest {
  std::string field;
  std::uint64_t field_hash = 0;  // FieldList::name_hash(field)
  bool all = false;  // every pattern must match (|all), otherwise any
  std::vector<Pattern> patterns;
};

struct Selection {
  std::vector<std::vector<FieldTest>> alternatives;  // OR of (AND of field tests)
  std::vector<Pattern> keywords;                     // matched against the raw event
};

bool parse_ipv4_u32(std::string_view s, std::uint32_t& out) {
  std::uint32_t v = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t n = 0;
    std::uint32_t part = 0;
    while (i < s.size() && is_digit(s[i]) && n < 3) {
      part = part * 10 + static_cast<std::uint32_t>(s[i] - '0');
      ++i;
      ++n;
    }
    if (n == 0 || part > 255) return false;
    v = (v << 8) | part;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  if (i != s.size()) return false;
  out = v;
  return true;
}

bool glob_match(const Pattern& p, std::string_view value) {
  // Iterative wildcard match with a single backtrack point: O(n*m) worst case, bounded by the
  // event size cap.
  const std::string& pat = p.text;
  std::size_t i = 0, j = 0, star = std::string::npos, mark = 0;
  auto eq = [&p](char a, char b) { return p.cased ? a == b : ascii_lower(a) == b; };
  while (i < value.size()) {
    if (j < pat.size() && p.wild[j] && pat[j] == '*') {
      star = j++;
      mark = i;
    } else if (j < pat.size() && ((p.wild[j] && pat[j] == '?') || (!p.wild[j] && eq(value[i], pat[j])))) {
      ++i;
      ++j;
    } else if (star != std::string::npos) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < pat.size() && p.wild[j] && pat[j] == '*') ++j;
  return j == pat.size();
}

// glibc's memmem is the Two-Way algorithm: linear whatever the input, unlike a naive search.
bool linear_find(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  return memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

// `lower` is `v` already lower-cased (or empty when the caller has none).
bool pattern_matches(const Pattern& p, std::string_view v, std::string_view lower = {}) {
  switch (p.kind) {
    case Pattern::Kind::exact:
      return p.cased ? v == p.text : iequals(v, p.text);
    case Pattern::Kind::prefix:
      return p.cased ? v.starts_with(p.text) : istarts_with(v, p.text);
    case Pattern::Kind::suffix:
      return p.cased ? v.ends_with(p.text) : iends_with(v, p.text);
    case Pattern::Kind::contains:
      if (p.cased) return linear_find(v, p.text);
      if (lower.size() == v.size() && !v.empty()) return linear_find(lower, p.text);
      if (v.size() > 256) return linear_find(to_lower(v), p.text);
      return ifind_lower(v, p.text) != std::string_view::npos;
    case Pattern::Kind::glob:
      return glob_match(p, v);
    case Pattern::Kind::regex:
      return RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *p.re);
    case Pattern::Kind::cidr: {
      std::uint32_t ip = 0;
      return parse_ipv4_u32(trim(v), ip) && (ip & p.mask) == p.net;
    }
    case Pattern::Kind::compare: {
      char* end = nullptr;
      const std::string tmp(trim(v));
      const double x = std::strtod(tmp.c_str(), &end);
      if (end == tmp.c_str()) return false;
      if (p.op == '>') return p.or_equal ? x >= p.number : x > p.number;
      return p.or_equal ? x <= p.number : x < p.number;
    }
    case Pattern::Kind::exists:
    case Pattern::Kind::null_or_empty:
      return false;  // handled per field
  }
  return false;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
    i += 3;
  }
  if (i + 1 == in.size()) {
    const std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (i + 2 == in.size()) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

// The three base64 renderings of `v` at byte offsets 0, 1, 2 of an encoded stream, trimmed to
// the characters that do not depend on the neighbouring bytes.
std::vector<std::string> base64_offsets(std::string_view v) {
  static constexpr std::size_t kStart[] = {0, 2, 3};
  static constexpr std::size_t kEnd[] = {0, 3, 2};
  std::vector<std::string> out;
  for (std::size_t k = 0; k < 3; ++k) {
    std::string padded(k, ' ');
    padded.append(v);
    std::string enc = base64(padded);
    const std::size_t cut_end = kEnd[(v.size() + k) % 3];
    const std::size_t start = kStart[k];
    if (enc.size() > start + cut_end) out.push_back(enc.substr(start, enc.size() - start - cut_end));
  }
  return out;
}

struct Modifiers {
  bool contains = false, startswith = false, endswith = false, all = false, re = false, cidr = false;
  bool windash = false, base64offset = false, base64 = false, exists = false, cased = false, fieldref = false;
  bool re_i = false, re_m = false, re_s = false;
  char cmp = 0;
  bool cmp_eq = false;
};

Result<Modifiers> parse_modifiers(const std::vector<std::string>& mods) {
  Modifiers m;
  for (const auto& raw : mods) {
    const std::string mod = to_lower(raw);
    if (mod == "contains") m.contains = true;
    else if (mod == "startswith") m.startswith = true;
    else if (mod == "endswith") m.endswith = true;
    else if (mod == "all") m.all = true;
    else if (mod == "re") m.re = true;
    else if (mod == "i") m.re_i = true;
    else if (mod == "m") m.re_m = true;
    else if (mod == "s") m.re_s = true;
    else if (mod == "cidr") m.cidr = true;
    else if (mod == "windash") m.windash = true;
    else if (mod == "base64offset") m.base64offset = true;
    else if (mod == "base64") m.base64 = true;
    else if (mod == "exists") m.exists = true;
    else if (mod == "cased") m.cased = true;
    else if (mod == "fieldref") m.fieldref = true;
    else if (mod == "gt" || mod == "gte" || mod == "lt" || mod == "lte") {
      m.cmp = mod[0] == 'g' ? '>' : '<';
      m.cmp_eq = mod.size() == 3;
    } else {
      return make_error(ErrorCode::invalid_argument, "unsupported modifier '" + raw + "'");
    }
  }
  return m;
}

// A value string in Sigma's escaping: '*' and '?' are wildcards, "\*" "\?" "\\" literals.
Pattern glob_pattern(std::string_view value, bool lead_star, bool trail_star, bool cased) {
  Pattern p;
  p.cased = cased;
  if (lead_star) {
    p.text.push_back('*');
    p.wild.push_back(true);
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size() && (value[i + 1] == '*' || value[i + 1] == '?' || value[i + 1] == '\\')) {
      p.text.push_back(value[i + 1]);
      p.wild.push_back(false);
      ++i;
    } else if (c == '*' || c == '?') {
      p.text.push_back(c);
      p.wild.push_back(true);
    } else {
      p.text.push_back(cased ? c : ascii_lower(c));
      p.wild.push_back(false);
    }
  }
  if (trail_star) {
    p.text.push_back('*');
    p.wild.push_back(true);
  }
  // Classify into the fast forms when the only wildcards are a leading and/or trailing '*'.
  const std::size_t n = p.text.size();
  std::size_t inner_wild = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p.wild[i] && !((i == 0 || i == n - 1) && p.text[i] == '*')) ++inner_wild;
  }
  const bool lead = n > 0 && p.wild[0] && p.text[0] == '*';
  const bool trail = n > 1 && p.wild[n - 1] && p.text[n - 1] == '*';
  if (inner_wild == 0) {
    std::string core = p.text.substr(lead ? 1 : 0, n - (lead ? 1 : 0) - (trail ? 1 : 0));
    if (lead && trail) p.kind = Pattern::Kind::contains;
    else if (lead) p.kind = Pattern::Kind::suffix;
    else if (trail) p.kind = Pattern::Kind::prefix;
    else p.kind = Pattern::Kind::exact;
    if (n == 1 && lead) {  // a lone "*": anything
      core.clear();
      p.kind = Pattern::Kind::contains;
    }
    p.text = std::move(core);
    p.wild.clear();
  } else {
    p.kind = Pattern::Kind::glob;
  }
  return p;
}

std::vector<std::string> windash_variants(const std::string& v) {
  std::vector<std::string> out{v};
  std::string slash = v;
  bool changed = false;
  for (std::size_t i = 0; i < slash.size(); ++i) {
    if (slash[i] == '-' && (i == 0 || slash[i - 1] == ' ')) {
      slash[i] = '/';
      changed = true;
    }
  }
  if (changed) out.push_back(slash);
  return out;
}

// Every literal run of a glob occurs in the value it matches: gate on the longest one.
void add_glob_literal(Pattern& p, LiteralMatcher& lits) {
  std::size_t best = 0, best_len = 0;
  for (std::size_t b = 0; b < p.text.size();) {
    std::size_t e = b;
    while (e < p.text.size() && !p.wild[e]) ++e;
    if (e - b > best_len) {
      best = b;
      best_len = e - b;
    }
    b = e + 1;
  }
  if (best_len >= 3) {
    p.run = p.text.substr(best, best_len);
    p.field_literal_id = lits.add(p.run);
  }
}

Result<std::vector<Pattern>> compile_values(const YAML::Node& node, const Modifiers& m, LiteralMatcher& lits) {
  std::vector<Pattern> out;
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const auto& v : node) items.push_back(v);
  } else {
    items.push_back(node);
  }
  for (const auto& item : items) {
    if (m.exists) {
      Pattern p;
      p.kind = Pattern::Kind::exists;
      p.exists = item.IsScalar() && (item.Scalar() == "true" || item.Scalar() == "yes");
      out.push_back(std::move(p));
      continue;
    }
    if (item.IsNull() || (item.IsScalar() && item.Tag() == "tag:yaml.org,2002:null") ||
        (item.IsScalar() && item.Scalar() == "null" && item.Tag() != "!")) {
      Pattern p;
      p.kind = Pattern::Kind::null_or_empty;
      out.push_back(std::move(p));
      continue;
    }
    if (!item.IsScalar()) return make_error(ErrorCode::invalid_argument, "a detection value must be a scalar");
    const std::string value = item.Scalar();
    if (m.re) {
      RE2::Options opts;
      opts.set_log_errors(false);
      opts.set_case_sensitive(!m.re_i);
      opts.set_dot_nl(m.re_s);
      opts.set_never_nl(false);
      opts.set_max_mem(4 << 20);
      std::string pattern = m.re_m ? "(?m)" + value : value;
      auto re = std::make_shared<RE2>(pattern, opts);
      if (!re->ok()) return make_error(ErrorCode::invalid_argument, "bad regular expression: " + re->error());
      Pattern p;
      p.kind = Pattern::Kind::regex;
      p.re = std::move(re);
      out.push_back(std::move(p));
      continue;
    }
    if (m.cidr) {
      const auto slash = value.find('/');
      std::uint32_t net = 0;
      if (slash == std::string::npos || !parse_ipv4_u32(value.substr(0, slash), net)) continue;  // IPv6: unsupported
      const long long bits = parse_uint(value.substr(slash + 1));
      if (bits < 0 || bits > 32) return make_error(ErrorCode::invalid_argument, "bad CIDR '" + value + "'");
      Pattern p;
      p.kind = Pattern::Kind::cidr;
      p.mask = bits == 0 ? 0 : (0xFFFFFFFFu << (32 - bits));
      p.net = net & p.mask;
      out.push_back(std::move(p));
      continue;
    }
    if (m.fieldref) {
      Pattern p;
      p.kind = m.contains ? Pattern::Kind::contains
               : m.startswith ? Pattern::Kind::prefix
               : m.endswith ? Pattern::Kind::suffix
                            : Pattern::Kind::exact;
      p.ref_field = value;
      p.cased = m.cased;
      out.push_back(std::move(p));
      continue;
    }
    if (m.cmp) {
      Pattern p;
      p.kind = Pattern::Kind::compare;
      p.op = m.cmp;
      p.or_equal = m.cmp_eq;
      p.number = std::strtod(value.c_str(), nullptr);
      out.push_back(std::move(p));
      continue;
    }
    std::vector<std::string> variants = m.windash ? windash_variants(value) : std::vector<std::string>{value};
    if (m.base64offset) {
      std::vector<std::string> enc;
      for (const auto& v : variants) {
        for (auto& e : base64_offsets(v)) enc.push_back(std::move(e));
      }
      variants = std::move(enc);
    } else if (m.base64) {
      for (auto& v : variants) v = base64(v);
    }
    const bool encoded = m.base64 || m.base64offset;
    for (const auto& v : variants) {
      // Encoded values are literal text: escape their wildcards' look-alikes does not apply.
      Pattern p = glob_pattern(v, m.contains || m.endswith, m.contains || m.startswith, m.cased || encoded);
      if (p.kind == Pattern::Kind::contains && p.text.size() >= 3) {
        p.literal_id = lits.add(p.text);
      } else if ((p.kind == Pattern::Kind::exact || p.kind == Pattern::Kind::prefix ||
                  p.kind == Pattern::Kind::suffix) &&
                 p.text.size() >= 3) {
        p.field_literal_id = lits.add(p.text);
      } else if (p.kind == Pattern::Kind::glob) {
        add_glob_literal(p, lits);
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

Result<std::vector<FieldTest>> compile_map(const YAML::Node& map, LiteralMatcher& lits) {
  std::vector<FieldTest> tests;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    std::vector<std::string> parts;
    std::size_t b = 0;
    while (true) {
      const auto bar = key.find('|', b);
      parts.push_back(key.substr(b, bar == std::string::npos ? std::string::npos : bar - b));
      if (bar == std::string::npos) break;
      b = bar + 1;
    }
    FieldTest t;
    t.field = parts[0];
    t.field_hash = FieldList::name_hash(t.field);
    auto mods = parse_modifiers(std::vector<std::string>(parts.begin() + 1, parts.end()));
    if (!mods) return mods.error();
    t.all = mods->all;
    auto patterns = compile_values(kv.second, *mods, lits);
    if (!patterns) return patterns.error();
    t.patterns = std::move(*patterns);
    tests.push_back(std::move(t));
  }
  return tests;
}

Pattern keyword_pattern(const std::string& text, LiteralMatcher& lits) {
  Pattern p = glob_pattern(text, true, true, false);
  if (p.kind == Pattern::Kind::contains && p.text.size() >= 3) p.literal_id = lits.add(p.text);
  // A wildcard keyword is matched against exactly the text the literal scan covered (the raw
  // line, or each field value of a structured event), so its longest run is necessary there.
  if (p.kind == Pattern::Kind::glob) add_glob_literal(p, lits);
  return p;
}

Result<Selection> compile_selection(const YAML::Node& node, LiteralMatcher& lits) {
  Selection sel;
  if (node.IsMap()) {
    auto tests = compile_map(node, lits);
    if (!tests) return tests.error();
    sel.alternatives.push_back(std::move(*tests));
    return sel;
  }
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsMap()) {
        auto tests = compile_map(item, lits);
        if (!tests) return tests.error();
        sel.alternatives.push_back(std::move(*tests));
      } else if (item.IsScalar()) {
        sel.keywords.push_back(keyword_pattern(item.Scalar(), lits));
      } else {
        return make_error(ErrorCode::invalid_argument, "unsupported selection item");
      }
    }
    return sel;
  }
  if (node.IsScalar()) {
    sel.keywords.push_back(keyword_pattern(node.Scalar(), lits));
    return sel;
  }
  return make_error(ErrorCode::invalid_argument, "unsupported selection");
}

bool field_test_matches(const FieldTest& t, const ParsedEvent& ev, const LiteralMatcher::Hits& hits) {
  // The fields named by the test, looked up once for all its patterns (a list of values is the
  // common case) and only when a pattern gets past its literal checks.
  thread_local std::vector<std::size_t> found;
  bool found_ready = false;
  auto one = [&t, &ev, &hits, &found_ready](const Pattern& p) {
    // The substring occurs nowhere in the event: no field can contain it. The scan read every
    // field value (scan_literals), so neither can a field hold the text an exact, prefix, suffix
    // or glob pattern needs.
    if (p.literal_id >= 0 && !hits.test(p.literal_id)) return false;
    if (p.field_literal_id >= 0 && p.ref_field.empty() && !hits.test(p.field_literal_id)) return false;
    if (p.kind == Pattern::Kind::exists) {
      const bool present = ev.fields.find_hashed(t.field, t.field_hash) != nullptr;
      return present == p.exists;
    }
    if (p.kind == Pattern::Kind::null_or_empty) {
      const std::string* v = ev.fields.find_hashed(t.field, t.field_hash);
      return v == nullptr || v->empty();
    }
    if (!p.ref_field.empty()) {
      const std::string* other = ev.fields.find(p.ref_field);
      if (other == nullptr || other->empty()) return false;
      Pattern q = p;
      q.ref_field.clear();
      q.text = p.cased ? *other : to_lower(*other);
      bool hit = false;
      ev.fields.for_each_hashed(t.field, t.field_hash, [&hit, &q, &ev](std::size_t i) {
        if (!hit && pattern_matches(q, ev.fields[i].value)) hit = true;
      });
      return hit;
    }
    if (!found_ready) {
      found.clear();
      ev.fields.for_each_hashed(t.field, t.field_hash, [](std::size_t i) { found.push_back(i); });
      found_ready = true;
    }
    for (const std::size_t i : found) {
      const std::string& v = ev.fields[i].value;
      if (p.kind == Pattern::Kind::contains && !p.cased ? pattern_matches(p, v, ev.fields.lowered(i))
                                                        : pattern_matches(p, v)) {
        return true;
      }
    }
    return false;
  };
  if (t.all) {
    return std::all_of(t.patterns.begin(), t.patterns.end(), one);
  }
  return std::any_of(t.patterns.begin(), t.patterns.end(), one);
}

// A wildcard keyword whose longest literal run the event scan did not find cannot match.
bool keyword_may_match(const Pattern& k, const LiteralMatcher::Hits& hits) {
  return k.field_literal_id < 0 || hits.test(k.field_literal_id);
}

bool selection_matches(const Selection& s, const ParsedEvent& ev, const LiteralMatcher::Hits& hits) {
  for (const auto& alt : s.alternatives) {
    if (std::all_of(alt.begin(), alt.end(), [&ev, &hits](const FieldTest& t) { return field_test_matches(t, ev, hits); })) {
      return true;
    }
  }
  if (s.keywords.empty()) return false;
  // Keywords are plain substrings almost always: the event scan already answered.
  bool slow = false;
  for (const auto& k : s.keywords) {
    if (k.literal_id >= 0) {
      if (hits.test(k.literal_id)) return true;
    } else {
      slow = true;
    }
  }
  if (!slow) return false;
  bool any = false;
  for (const auto& k : s.keywords) any = any || (k.literal_id < 0 && keyword_may_match(k, hits));
  if (!any) return false;
  // Text events: the raw line holds every field. Structured events: search the unescaped values.
  if (ev.format == InputFormat::text || ev.fields.empty()) {
    thread_local std::string raw_lower;
    raw_lower.assign(ev.raw);
    for (char& c : raw_lower) c = ascii_lower(c);
    for (const auto& k : s.keywords) {
      if (k.literal_id < 0 && keyword_may_match(k, hits) && pattern_matches(k, ev.raw, raw_lower)) return true;
    }
    return false;
  }
  for (std::size_t i = 0; i < ev.fields.size(); ++i) {
    const std::string& v = ev.fields[i].value;
    if (v.size() < 3) continue;
    const std::string_view lower = ev.fields.lowered(i);
    for (const auto& k : s.keywords) {
      if (k.literal_id < 0 && keyword_may_match(k, hits) &&
          // A field without the glob's literal run cannot match it; memmem is cheaper than the glob.
          (k.run.empty() || k.cased || linear_find(lower, k.run)) && pattern_matches(k, v, lower)) {
        return true;
      }
    }
  }
  return false;
}

RuleLevel parse_level(const std::string& s) {
  const std::string l = to_lower(s);
  if (l == "informational") return RuleLevel::informational;
  if (l == "low") return RuleLevel::low;
  if (l == "high") return RuleLevel::high;
  if (l == "critical") return RuleLevel::critical;
  return RuleLevel::medium;
}

bool category_fits(std::string_view rule, std::string_view event) {
  if (rule == event) return true;
  if (rule == "registry_event") {
    return event == "registry_add" || event == "registry_set" || event == "registry_delete" ||
           event == "registry_rename";
  }
  if (rule == "registry_add" || rule == "registry_delete") return event == "registry_add";  // Sysmon 12
  return false;
}

}  // namespace

struct SigmaRule::Compiled {
  std::vector<std::string> names;
  std::vector<Selection> selections;
  sigma::Condition condition;
  // Literal ids of which at least one must occur in the event for the condition to hold (an
  // empty list: it can never hold); nullopt when no such set is known. Most rules search for
  // substrings that few events contain, so one check per rule replaces walking its condition.
  std::optional<std::vector<int>> gate;
};

namespace {

// "Needs": sets of literal ids one of which must be present for a part of a rule to be true,
// derived only from the literal checks the evaluator itself makes first (field_test_matches and
// selection_matches return false when a pattern's literal is absent), so gating cannot change a
// result. nullopt means "no requirement known".
using Need = std::optional<std::vector<int>>;

Need union_of(Need a, const Need& b) {
  if (!a || !b) return std::nullopt;
  a->insert(a->end(), b->begin(), b->end());
  return a;
}

// For an AND: either side's requirement holds; keep the smaller list (fewer bits to test).
Need tighter_of(Need a, Need b) {
  if (!a) return b;
  if (!b) return a;
  return a->size() <= b->size() ? a : b;
}

// The literal scan reads every field value (scan_literals), so the literal of an exact, prefix,
// suffix or glob pattern is as necessary as a contains pattern's.
int pattern_literal(const Pattern& p) { return p.literal_id >= 0 ? p.literal_id : p.field_literal_id; }

Need field_test_need(const FieldTest& t) {
  if (t.all) {
    for (const Pattern& p : t.patterns) {
      if (const int id = pattern_literal(p); id >= 0) return std::vector<int>{id};
    }
    return std::nullopt;
  }
  std::vector<int> ids;
  for (const Pattern& p : t.patterns) {
    const int id = pattern_literal(p);
    if (id < 0) return std::nullopt;
    ids.push_back(id);
  }
  return ids;  // no patterns: any_of over nothing never holds
}

Need selection_need(const Selection& s) {
  Need need = std::vector<int>{};
  for (const auto& alt : s.alternatives) {
    Need alt_need;  // an empty AND always holds
    for (const FieldTest& t : alt) alt_need = tighter_of(alt_need, field_test_need(t));
    need = union_of(need, alt_need);
  }
  for (const Pattern& k : s.keywords) {
    const int id = pattern_literal(k);
    if (id < 0) return std::nullopt;
    if (need) need->push_back(id);
  }
  return need;
}

Need node_need(const SigmaRule::Compiled& c, int idx) {
  const sigma::Node& n = c.condition.nodes[static_cast<std::size_t>(idx)];
  auto sel = [&c](int k) { return selection_need(c.selections[static_cast<std::size_t>(k)]); };
  switch (n.kind) {
    case sigma::Node::Kind::ref: return sel(n.ref);
    case sigma::Node::Kind::not_: return std::nullopt;
    case sigma::Node::Kind::and_: return tighter_of(node_need(c, n.children[0]), node_need(c, n.children[1]));
    case sigma::Node::Kind::or_: return union_of(node_need(c, n.children[0]), node_need(c, n.children[1]));
    case sigma::Node::Kind::any_of: {
      Need need = std::vector<int>{};
      for (int k : n.children) need = union_of(need, sel(k));
      return need;
    }
    case sigma::Node::Kind::all_of: {
      Need need;
      for (int k : n.children) need = tighter_of(need, sel(k));
      return need;
    }
  }
  return std::nullopt;
}

bool eval_node(const SigmaRule::Compiled& c, int idx, const ParsedEvent& ev, std::vector<signed char>& memo,
               const LiteralMatcher::Hits& hits) {
  const sigma::Node& n = c.condition.nodes[static_cast<std::size_t>(idx)];
  auto sel = [&](int k) {
    signed char& m = memo[static_cast<std::size_t>(k)];
    if (m < 0) m = selection_matches(c.selections[static_cast<std::size_t>(k)], ev, hits) ? 1 : 0;
    return m == 1;
  };
  switch (n.kind) {
    case sigma::Node::Kind::ref: return sel(n.ref);
    case sigma::Node::Kind::not_: return !eval_node(c, n.children[0], ev, memo, hits);
    case sigma::Node::Kind::and_:
      return eval_node(c, n.children[0], ev, memo, hits) && eval_node(c, n.children[1], ev, memo, hits);
    case sigma::Node::Kind::or_:
      return eval_node(c, n.children[0], ev, memo, hits) || eval_node(c, n.children[1], ev, memo, hits);
    case sigma::Node::Kind::any_of: return std::any_of(n.children.begin(), n.children.end(), sel);
    case sigma::Node::Kind::all_of: return std::all_of(n.children.begin(), n.children.end(), sel);
  }
  return false;
}

Result<SigmaRule> compile_rule(const YAML::Node& doc, std::string_view source, const AttackCatalog& catalog,
                               std::vector<std::string>* warnings, LiteralMatcher& lits) {
  SigmaRule rule;
  rule.source = std::string(source);
  rule.title = doc["title"] ? doc["title"].as<std::string>("") : std::string();
  rule.id = doc["id"] ? doc["id"].as<std::string>("") : std::string();
  if (doc["level"]) rule.level = parse_level(doc["level"].as<std::string>(""));
  if (const auto ls = doc["logsource"]; ls && ls.IsMap()) {
    if (ls["product"]) rule.product = to_lower(ls["product"].as<std::string>(""));
    if (ls["category"]) rule.category = to_lower(ls["category"].as<std::string>(""));
    if (ls["service"]) rule.service = to_lower(ls["service"].as<std::string>(""));
  }
  if (const auto tags = doc["tags"]; tags && tags.IsSequence()) {
    for (const auto& t : tags) {
      const std::string tag = t.as<std::string>("");
      if (!istarts_with(tag, "attack.t")) continue;
      if (auto id = catalog.normalize(tag)) {
        if (std::find(rule.techniques.begin(), rule.techniques.end(), *id) == rule.techniques.end()) {
          rule.techniques.push_back(*id);
        }
      } else if (warnings) {
        warnings->push_back(std::string(source) + ": rule '" + rule.title + "': unknown ATT&CK id '" + tag + "'");
      }
    }
  }
  const auto det = doc["detection"];
  if (!det || !det.IsMap()) return make_error(ErrorCode::invalid_argument, "no detection");
  auto compiled = std::make_shared<SigmaRule::Compiled>();
  std::string condition;
  for (const auto& kv : det) {
    const std::string name = kv.first.Scalar();
    if (name == "condition") {
      if (kv.second.IsSequence()) {
        // Several conditions: any of them.
        for (const auto& c : kv.second) condition += (condition.empty() ? "(" : " or (") + c.as<std::string>("") + ")";
      } else {
        condition = kv.second.as<std::string>("");
      }
      continue;
    }
    if (name == "timeframe") return make_error(ErrorCode::invalid_argument, "correlation (timeframe) not supported");
    auto sel = compile_selection(kv.second, lits);
    if (!sel) return make_error(sel.error().code, "selection '" + name + "': " + sel.error().message);
    compiled->names.push_back(name);
    compiled->selections.push_back(std::move(*sel));
  }
  if (condition.empty()) return make_error(ErrorCode::invalid_argument, "no condition");
  rule.keyword_only = std::all_of(compiled->selections.begin(), compiled->selections.end(),
                                  [](const Selection& sel) { return sel.alternatives.empty(); });
  auto cond = sigma::parse_condition(condition, compiled->names);
  if (!cond) return make_error(cond.error().code, "condition: " + cond.error().message);
  compiled->condition = std::move(*cond);
  compiled->gate = node_need(*compiled, compiled->condition.root);
  rule.compiled = std::move(compiled);
  return rule;
}

}  // namespace

// Splits a multi-document YAML text at "---" lines (column 0).
std::vector<std::string_view> split_yaml_documents(std::string_view text) {
  std::vector<std::string_view> docs;
  std::size_t start = 0, line = 0;
  while (line <= text.size()) {
    std::size_t end = text.find('\n', line);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(line, end - line);
    if (l.starts_with("---") && (l.size() == 3 || l[3] == ' ' || l[3] == '\r' || l[3] == '\t')) {
      docs.push_back(text.substr(start, line - start));
      start = end < text.size() ? end + 1 : text.size();
    }
    if (end >= text.size()) break;
    line = end + 1;
  }
  docs.push_back(text.substr(start));
  return docs;
}

Result<void> parse_sigma_condition(std::string_view condition, const std::vector<std::string>& selection_names) {
  auto c = sigma::parse_condition(condition, selection_names);
  if (!c) return c.error();
  return {};
}

Result<std::size_t> SigmaRuleSet::add_yaml(std::string_view yaml, std::string_view source,
                                           const AttackCatalog& catalog, std::vector<std::string>* warnings) {
  // Documents are split here and loaded one by one: yaml-cpp 0.7's LoadAll never returns on some
  // malformed input (a lone ',' at top level, found by fuzzing), while Load does.
  std::vector<YAML::Node> docs;
  try {
    for (std::string_view doc : split_yaml_documents(yaml)) docs.push_back(YAML::Load(std::string(doc)));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::invalid_argument, std::string(source) + ": " + e.what());
  }
  std::size_t added = 0;
  for (const auto& doc : docs) {
    if (!doc.IsMap()) continue;
    try {
      if (!literals_) literals_ = std::make_shared<LiteralMatcher>();
      auto rule = compile_rule(doc, source, catalog, warnings, *literals_);
      if (!rule) {
        if (warnings) {
          const std::string title = doc["title"] ? doc["title"].as<std::string>("") : "?";
          warnings->push_back(std::string(source) + ": rule '" + title + "' skipped: " + rule.error().message);
        }
        continue;
      }
      rules_.push_back(std::move(*rule));
      index_logsource(rules_.back());
      ++added;
    } catch (const YAML::Exception& e) {
      if (warnings) warnings->push_back(std::string(source) + ": rule skipped: " + e.what());
    }
  }
  if (literals_) literals_->build();
  index_gates();
  return added;
}

Result<std::size_t> SigmaRuleSet::add_directory(const std::string& dir, const AttackCatalog& catalog,
                                                std::vector<std::string>* warnings) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error(ErrorCode::not_found, "rule directory not found: " + dir);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::size_t added = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      if (warnings) warnings->push_back(f.string() + ": cannot read");
      continue;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    auto n = add_yaml(buf.str(), f.string(), catalog, warnings);
    if (!n) {
      if (warnings) warnings->push_back(n.error().message);
      continue;
    }
    added += *n;
  }
  return added;
}

void SigmaRuleSet::index_logsource(const SigmaRule& rule) {
  const std::size_t index = rules_.size() - 1;
  auto it = std::find_if(logsources_.begin(), logsources_.end(), [&rule](const Logsource& l) {
    return l.product == rule.product && l.category == rule.category && l.service == rule.service;
  });
  if (it == logsources_.end()) it = logsources_.insert(it, Logsource{rule.product, rule.category, rule.service, {}});
  it->rules.resize(index / 64 + 1, 0);
  it->rules[index / 64] |= std::uint64_t{1} << (index % 64);
}

void SigmaRuleSet::index_gates() {
  GateIndex& g = gates_;
  g.ungated.assign((rules_.size() + 63) / 64, 0);
  g.by_literal.assign(literals_ ? literals_->size() : 0, {});
  for (std::size_t r = 0; r < rules_.size(); ++r) {
    const auto& gate = rules_[r].compiled->gate;
    if (!gate) {
      g.ungated[r / 64] |= std::uint64_t{1} << (r % 64);
      continue;
    }
    for (const int id : *gate) {
      auto& list = g.by_literal[static_cast<std::size_t>(id)];
      if (list.empty() || list.back() != r) list.push_back(static_cast<std::uint32_t>(r));
    }
  }
}

template <class Hits>
void SigmaRuleSet::scan_literals(const ParsedEvent& event, Hits& hits) const {
  // One pass over the event finds every substring any rule looks for, in every field value: the
  // gates and field_test_matches() rely on that. Structured events: the values. Text events: the
  // line, which holds most of its values as they are, and the values a parser built (unescaped,
  // joined or rewritten, e.g. DOMAIN\user) after it.
  hits.reset(literals_->size());
  thread_local std::vector<std::string_view> texts;
  texts.clear();
  const FieldList& fields = event.fields;
  if (event.format == InputFormat::text || fields.empty()) {
    texts.push_back(event.raw);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!fields[i].value.empty() && !fields.value_in_source(i)) texts.push_back(fields[i].value);
    }
  } else {
    for (const Field& f : fields) texts.push_back(f.value);
  }
  if (texts.size() == 1) {
    literals_->scan(texts.front(), hits);
  } else {
    literals_->scan(texts, hits);
  }
}

template <class Hits, class OnMatch>
void SigmaRuleSet::evaluate(const ParsedEvent& event, const Hits& hits, OnMatch&& on_match) const {
  thread_local std::vector<signed char> memo;
  // The rules whose logsource fits the event...
  thread_local std::vector<std::uint64_t> fit, open;
  fit.assign(gates_.ungated.size(), 0);
  for (const Logsource& l : logsources_) {
    if ((l.product.empty() || l.product == event.product) &&
        (l.category.empty() || category_fits(l.category, event.category)) &&
        (l.service.empty() || l.service == event.service)) {
      for (std::size_t w = 0; w < l.rules.size(); ++w) fit[w] |= l.rules[w];
    }
  }
  // ...and whose gate lets them through: no gate, or one of its literals occurs.
  const GateIndex& g = gates_;
  open = g.ungated;
  hits.for_each([&g](int id) {
    for (const std::uint32_t r : g.by_literal[static_cast<std::size_t>(id)]) open[r / 64] |= std::uint64_t{1} << (r % 64);
  });
  // Evaluated in rule order (matches are reported in that order).
  for (std::size_t w = 0; w < fit.size(); ++w) {
    for (std::uint64_t bits = fit[w] & open[w]; bits != 0; bits &= bits - 1) {
      const SigmaRule& rule = rules_[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))];
      const auto& c = *rule.compiled;
      memo.assign(c.selections.size(), -1);
      if (eval_node(c, c.condition.root, event, memo, hits)) on_match(rule);
    }
  }
}

void SigmaRuleSet::match(const ParsedEvent& event, const std::function<void(const SigmaRule&)>& on_match) const {
  if (rules_.empty()) return;
  thread_local LiteralMatcher::Hits hits;
  scan_literals(event, hits);
  evaluate(event, hits, on_match);
}

void SigmaRuleSet::match_each(std::span<const ParsedEvent* const> events,
                              const std::function<void(std::size_t, const SigmaRule&)>& on_match) const {
  if (rules_.empty()) return;
  thread_local std::vector<LiteralMatcher::Hits> hits;
  if (hits.size() < events.size()) hits.resize(events.size());
  for (std::size_t k = 0; k < events.size(); ++k) scan_literals(*events[k], hits[k]);
  for (std::size_t k = 0; k < events.size(); ++k) {
    evaluate(*events[k], hits[k], [&](const SigmaRule& r) { on_match(k, r); });
  }
}

const char* to_string(RuleLevel level) {
  switch (level) {
    case RuleLevel::informational: return "informational";
    case RuleLevel::low: return "low";
    case RuleLevel::medium: return "medium";
    case RuleLevel::high: return "high";
    case RuleLevel::critical: return "critical";
  }
  return "medium";
}

}  // namespace triagent::analysis
